"""Benchmark: resolve 1,000 generated entries against the local fake services.

600 arXiv preprints (a third published, half of those with a DOI), 200 DOIs and 200 titles with no
identifier, answered by ``tests/fakeapi.py`` with 100 ms latency per request, politeness delays set
to 0 but each service's concurrency limit kept.  Prints requests per service, requests per entry,
wall time, the time the same requests would take at the real services' published rate limits, and
then re-runs on the resolved records, which must make no request at all.

    python bench/bench_resolve.py
"""

from __future__ import annotations

import os
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from awesome_bib.records.model import Record
from awesome_bib.resolve.resolver import resolve_records
from awesome_bib.resolve.services import SERVICES, load_settings
from tests.fakeapi import FakeAPI, Fixtures, list_record

LATENCY = 0.1
GIVEN = ["Wei", "José", "Zoë", "Łukasz", "Søren", "Anaïs", "Chen", "Priya", "Jürgen", "Aoife",
         "Kenji", "Olúwaseun", "Hyun-woo", "Mateo", "Ingrid", "Tomás", "Yuki", "Farah"]
FAMILY = ["Zhang", "García", "Müller", "Nguyễn", "Kowalski", "Ødegaard", "Dubois", "Patel",
          "van der Berg", "O'Brien", "Tanaka", "Kim", "Okafor", "Rossi", "Lindqvist", "Haddad"]
ADJECTIVES = ["Sparse", "Efficient", "Scalable", "Adaptive", "Dynamic", "Fast", "Robust",
              "Hierarchical", "Elastic", "Lossless", "Speculative", "Distributed"]
SUBJECTS = ["Expert Routing", "Expert Offloading", "Token Dispatch", "Expert Parallelism",
            "Gating Networks", "Expert Pruning", "Weight Quantization", "KV Cache Sharing",
            "Load Balancing", "Expert Merging", "Kernel Fusion", "Batch Scheduling"]
SETTINGS = ["Mixture-of-Experts Inference", "Large Language Models", "Edge Devices",
            "Multi-GPU Serving", "Long-Context Decoding", "Heterogeneous Clusters"]
VENUES = [("MLSys", "mlsys"), ("NeurIPS", "nips"), ("ICLR", "iclr"), ("OSDI", "osdi"),
          ("USENIX ATC", "usenix"), ("ICML", "icml")]


@dataclass
class World:
    """Generated papers, in each fake service's format, and the list records that name them."""

    fixtures: Fixtures = field(default_factory=Fixtures)
    records: list[Record] = field(default_factory=list)
    rng: random.Random = field(default_factory=lambda: random.Random(2024))
    serial: int = 0

    def paper(self) -> dict[str, Any]:
        self.serial += 1
        rng = self.rng
        name = "".join(rng.choice("ABCDEFGHKLMNPQRSTVWXZ") for _ in range(3)) + f"{self.serial}"
        title = (f"{name}MoE: {rng.choice(ADJECTIVES)} {rng.choice(SUBJECTS)} for "
                 f"{rng.choice(SETTINGS)}")
        authors = [(rng.choice(GIVEN), rng.choice(FAMILY)) for _ in range(rng.randint(1, 8))]
        return {"title": title, "authors": authors, "year": rng.choice([2022, 2023, 2024])}


def add_arxiv(world: World, index: int) -> None:
    paper = world.paper()
    arxiv_id = f"{paper['year'] % 100:02d}{index % 12 + 1:02d}.{10000 + index:05d}"
    names = [f"{g} {f}" for g, f in paper["authors"]]
    world.fixtures.arxiv.append({
        "id": arxiv_id, "version": 1, "title": paper["title"], "authors": names,
        "published": f"{paper['year']}-{index % 12 + 1:02d}-10T12:00:00Z",
        "updated": f"{paper['year']}-{index % 12 + 1:02d}-10T12:00:00Z",
        "summary": "We study mixture-of-experts models.", "primary_category": "cs.LG",
        "categories": ["cs.LG"],
    })
    external: dict[str, Any] = {"ArXiv": arxiv_id, "DBLP": f"journals/corr/abs-{arxiv_id}"}
    venue = "arXiv.org"
    kind = index % 6  # 0: published with a DOI, 1: published without one, 5 and rare: S2 unaware
    published_title = paper["title"] if index % 4 else paper["title"].replace(" for ", " in ")
    if kind == 0:
        doi = f"10.1145/bench.{index}"
        external["DOI"] = doi
        venue = "Proceedings of the Bench Conference"
        world.fixtures.crossref.append(crossref_work(doi, published_title, paper["authors"],
                                                     paper["year"] + 1))
    elif kind == 1:
        short, slug = VENUES[index % len(VENUES)]
        key = f"conf/{slug}/Bench{index}"
        external["DBLP"] = key
        venue = short
        world.fixtures.dblp.append(dblp_hit(key, published_title, names, short, paper["year"] + 1))
    world.fixtures.dblp.append(dblp_hit(f"journals/corr/abs-{arxiv_id}", paper["title"], names,
                                        "CoRR", paper["year"], volume=f"abs/{arxiv_id}"))
    if kind != 5 or index % 5:
        world.fixtures.semanticscholar.append({
            "paperId": f"{index:040x}", "externalIds": external, "title": paper["title"],
            "venue": venue, "year": paper["year"], "authors": [{"name": n} for n in names],
        })
    world.records.append(list_record(f"arxiv:{arxiv_id}", {
        "id": f"bench{index}", "title": paper["title"].split(":")[0],
        "issued": {"date-parts": [[paper["year"]]]},
        "custom": {"arxiv": arxiv_id, "venue-tag": f"Arxiv'{paper['year'] % 100}",
                   "venue-kind": "preprint"},
    }))


def add_doi(world: World, index: int) -> None:
    paper = world.paper()
    doi = f"10.1109/bench.{index}"
    world.fixtures.crossref.append(crossref_work(doi, paper["title"], paper["authors"],
                                                 paper["year"], kind="journal-article"))
    world.records.append(list_record(f"doi:{doi}", {
        "id": f"bench{index}", "title": paper["title"], "DOI": doi,
        "issued": {"date-parts": [[paper["year"]]]},
        "custom": {"venue-tag": f"TPDS'{paper['year'] % 100}", "venue-kind": "journal"},
    }))


def add_title(world: World, index: int) -> None:
    paper = world.paper()
    if index % 7:
        world.fixtures.crossref.append(crossref_work(f"10.1145/title.{index}", paper["title"],
                                                     paper["authors"], paper["year"]))
    else:  # a venue without DOIs: only DBLP has it
        names = [f"{g} {f}" for g, f in paper["authors"]]
        world.fixtures.dblp.append(dblp_hit(f"conf/osdi/Title{index}", paper["title"], names,
                                            "OSDI", paper["year"]))
    world.records.append(list_record(f"url:https://example.org/{index}", {
        "id": f"bench{index}", "title": paper["title"],
        "issued": {"date-parts": [[paper["year"]]]},
        "custom": {"venue-tag": f"OSDI'{paper['year'] % 100}", "venue-kind": "conference"},
    }))


def crossref_work(doi: str, title: str, authors: list[tuple[str, str]], year: int,
                  kind: str = "proceedings-article") -> dict[str, Any]:
    return {
        "DOI": doi, "type": kind, "title": [title], "publisher": "ACM",
        "author": [{"given": g, "family": f, "sequence": "additional"} for g, f in authors],
        "container-title": ["Proceedings of the Bench Conference"],
        "issued": {"date-parts": [[year]]}, "page": "1-12",
    }


def dblp_hit(key: str, title: str, names: list[str], venue: str, year: int,
             volume: str | None = None) -> dict[str, Any]:
    hit = {
        "authors": {"author": [{"@pid": "0/0", "text": n} for n in names]},
        "title": f"{title}.", "venue": venue, "year": str(year), "key": key,
        "type": "Informal and Other Publications" if venue == "CoRR"
        else "Conference and Workshop Papers",
    }
    if volume:
        hit["volume"] = volume
    return hit


def generate() -> World:
    world = World()
    for index in range(600):
        add_arxiv(world, index)
    for index in range(600, 800):
        add_doi(world, index)
    for index in range(800, 1000):
        add_title(world, index)
    return world


# The real services' published limits: seconds between requests and requests in flight.
REAL_LIMITS = {"arxiv": (3.0, 1), "crossref": (1 / 3, 3), "dblp": (1.0, 1),
               "semanticscholar": (1.0, 1)}


def projected_seconds(service: str, requests: int) -> float:
    delay, concurrency = REAL_LIMITS[service]
    return requests * max(delay, LATENCY / concurrency)


def main() -> int:
    world = generate()
    records = world.records
    with FakeAPI(world.fixtures, latency=LATENCY) as api:
        os.environ.update(api.env())
        os.environ["AWESOME_BIB_MAILTO"] = "bench@example.org"
        settings = load_settings()
        started = time.monotonic()
        report = resolve_records(records, settings)
        wall = time.monotonic() - started
        counts = dict(api.counts)
        peaks = dict(api.max_in_flight)
        api.counts.clear()
        rerun = resolve_records(records, settings)
        rerun_requests = sum(api.counts.values())

    total = sum(counts.values())
    print(f"entries: {len(records)} (600 arXiv, 200 DOI, 200 title-only), "
          f"latency {LATENCY * 1000:.0f} ms per request, delays 0")
    print(f"resolved {len(report.resolved)}, upgraded to published {len(report.upgraded)}, "
          f"unresolved {len(report.unresolved)}")
    print(f"{'service':<16}{'requests':>9}{'in flight (limit)':>20}{'at real limits':>16}")
    projections = {}
    for service in SERVICES:
        limit = settings.service(service).concurrency
        projections[service] = projected_seconds(service, counts.get(service, 0))
        print(f"{service:<16}{counts.get(service, 0):>9}{peaks.get(service, 0):>13} ({limit})"
              f"{projections[service]:>15.0f}s")
    print(f"requests per entry: {total / len(records):.2f}")
    print(f"wall time: {wall:.1f} s")
    print(f"at the real services' rate limits: ~{max(projections.values()):.0f} s with services "
          f"in parallel, ~{sum(projections.values()):.0f} s one after another")
    print(f"re-run with nothing new: {rerun_requests} requests, "
          f"{len(rerun.unchanged)} records unchanged")
    goals = {
        "arXiv requests <= 6": counts.get("arxiv", 0) <= 6,
        "requests per entry <= 1.5": total / len(records) <= 1.5,
        "wall time < 30 s": wall < 30,
        "re-run makes no request": rerun_requests == 0,
        "concurrency limits kept": all(
            peaks.get(s, 0) <= settings.service(s).concurrency for s in SERVICES
        ),
    }
    for goal, met in goals.items():
        print(f"  [{'x' if met else ' '}] {goal}")
    return 0 if all(goals.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
