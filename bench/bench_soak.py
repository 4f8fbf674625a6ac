"""Soak: `awesome-bib resolve` on a generated 4,000-entry list against faulty local services.

2,400 arXiv preprints, 800 DOIs and 800 papers known by title only (one in seven linked to a venue
page, which only DBLP knows), written as a Markdown list and resolved by the CLI in a child process
against ``tests/fakeapi.py`` with 50 ms latency, each service answering 10% of its requests with a
fault: 429, 503, 500, a malformed body or a dropped connection.  Prints whether the run finished,
whether the lockfile is valid, the child's peak memory, requests per entry, and the requests of a
second run with nothing changed (which must be none).

    python bench/bench_soak.py [ENTRIES]
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from awesome_bib.errors import AwesomeBibError  # noqa: E402
from awesome_bib.library import lockfile  # noqa: E402
from awesome_bib.library.files import lockfile_path_for  # noqa: E402
from awesome_bib.resolve.services import SERVICES  # noqa: E402
from bench.bench_resolve import World, add_arxiv, add_doi, add_title  # noqa: E402
from bench.child import run_child  # noqa: E402
from tests.fakeapi import FakeAPI, Fault  # noqa: E402

LATENCY = 0.05
FAULT_RATE = 0.1
FAULTS = [Fault(429, retry_after="0"), Fault(503), Fault(500), Fault(body='{"status": "ok", "mess'),
          Fault(drop=True)]
# Quick retries against a local server; the throttling, retry and down rules are the real ones.
CONFIG = "".join(f"[services.{name}]\nbackoff = 0.05\nmax-delay = 2\n\n" for name in SERVICES)


@dataclass
class Soak:
    entries: int
    exit_status: int
    seconds: float
    lockfile_valid: bool
    peak_mb: float
    requests: int
    second_run_requests: int
    statuses: dict[str, int]

    @property
    def requests_per_entry(self) -> float:
        return self.requests / self.entries


def generate(entries: int) -> World:
    world = World()
    arxiv, doi = entries * 6 // 10, entries * 2 // 10
    for index in range(arxiv):
        add_arxiv(world, index)
    for index in range(arxiv, arxiv + doi):
        add_doi(world, index)
    for index in range(arxiv + doi, entries):
        add_title(world, index)
    return world


def soak(entries: int = 4000, *, latency: float = LATENCY, fault_rate: float = FAULT_RATE) -> Soak:
    world = generate(entries)
    venue_pages = {hit["title"].rstrip("."): hit["key"].rsplit("/", 1)[-1]
                   for hit in world.fixtures.dblp if hit["key"].startswith("conf/osdi/Title")}
    lines = ["# Soak", "", "## Papers", ""]
    for record in world.records:
        kind, _, value = record.id.partition(":")
        title = record.csl["title"]
        url = {"arxiv": f"https://arxiv.org/abs/{value}", "doi": f"https://doi.org/{value}"}.get(kind, value)
        if title in venue_pages:  # a paper only DBLP knows: linked to its page at the venue
            url = f"https://www.usenix.org/conference/osdi{record.csl['issued']['date-parts'][0][0] % 100}/" \
                  f"presentation/{venue_pages[title].lower()}"
        lines += [f"[{record.csl['custom']['venue-tag']}] [{title}]({url})", ""]
    with tempfile.TemporaryDirectory() as folder, FakeAPI(world.fixtures, latency=latency) as api:
        listing = Path(folder) / "README.md"
        listing.write_text("\n".join(lines), "utf-8")
        listing.with_name("awesome-bib.toml").write_text(CONFIG, "utf-8")
        for number, service in enumerate(SERVICES):
            api.misbehave(service, fault_rate, FAULTS, seed=number)
        env = {**os.environ, **api.env(), "AWESOME_BIB_MAILTO": "soak@example.org",
               "XDG_CACHE_HOME": folder, "XDG_CONFIG_HOME": folder, "XDG_DATA_HOME": folder}
        command = [sys.executable, "-m", "awesome_bib", "resolve", "--list", str(listing)]
        first = run_child(command, cwd=ROOT, env=env)
        requests = sum(api.counts.values())
        try:
            lock = lockfile.load(lockfile_path_for(listing))
            valid = lock is not None and len(lock.records) == entries
        except AwesomeBibError:  # not a valid lockfile: that is the answer
            lock, valid = None, False
        statuses: dict[str, int] = {}
        for record in (lock.records.values() if lock else ()):
            statuses[record.status] = statuses.get(record.status, 0) + 1
        api.counts.clear()
        run_child(command, cwd=ROOT, env=env)
        second = sum(api.counts.values())
    if first.returncode not in (0, 1):
        print(first.stderr[-2000:], file=sys.stderr)
    return Soak(entries, first.returncode, first.wall, valid, first.peak_mb, requests, second, statuses)


def main() -> int:
    entries = int(sys.argv[1]) if len(sys.argv) > 1 else 4000
    result = soak(entries)
    print(f"entries: {result.entries}, latency {LATENCY * 1000:.0f} ms, {FAULT_RATE:.0%} of requests faulty")
    print(f"first run: exit {result.exit_status} in {result.seconds:.1f} s; records {json.dumps(result.statuses)}")
    print(f"lockfile valid: {result.lockfile_valid}")
    print(f"peak memory: {result.peak_mb:.0f} MB")
    print(f"requests: {result.requests}, per entry {result.requests_per_entry:.2f}")
    print(f"second run: {result.second_run_requests} requests")
    goals = {
        "finishes (exit 0 or 1)": result.exit_status in (0, 1),
        "lockfile valid": result.lockfile_valid,
        "peak memory < 300 MB": result.peak_mb < 300,
        "requests per entry <= 1.5": result.requests_per_entry <= 1.5,
        "second run sends 0 requests": result.second_run_requests == 0,
    }
    for goal, met in goals.items():
        print(f"  [{'x' if met else ' '}] {goal}")
    return 0 if all(goals.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
