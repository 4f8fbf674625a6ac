"""Semantic Scholar Graph API ``/paper/batch``: up to 500 papers per request.

The cheap route from an arXiv id (or a DOI) to where the paper was published: its venue, the
published DOI and the DBLP key.  Answers are matched back to the requested ids through
``externalIds``, never by position; ``null`` entries mean Semantic Scholar has no such paper.  The
answer has one entry per id sent: an array of another length is malformed, not "none of them".

Ids are written as the API wants them: ``ARXIV:2401.04088``, ``DOI:10.18653/v1/2024.acl-long.571``,
``ACL:2024.acl-long.571``.

    >>> from awesome_bib.resolve.http import ServiceClient
    >>> from awesome_bib.resolve.services import load_settings
    >>> s2 = SemanticScholarSource(ServiceClient(load_settings().semanticscholar))
    >>> s2.lookup(["ARXIV:2310.16795"])["ARXIV:2310.16795"].evidence["dblp"]  # doctest: +SKIP
    'conf/mlsys/FrantarA24'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any

import httpx2

from awesome_bib.ids import ARXIV_DOI_PREFIX
from awesome_bib.records.csl import date_parts
from awesome_bib.records.names import split_name
from awesome_bib.resolve.http import MalformedResponse, ServiceClient
from awesome_bib.resolve.sources import Candidate, compact, full_venue, mapping, reads_answer, text
from awesome_bib.resolve.sources.registry import register

FIELDS = (
    "externalIds,title,venue,publicationVenue,year,authors,publicationTypes,publicationDate,journal"
)
# Prefixes of our ids -> the externalIds key that carries the same id in an answer.
EXTERNAL_ID_KEYS = {"ARXIV": "ArXiv", "DOI": "DOI", "ACL": "ACL", "DBLP": "DBLP"}


def is_arxiv_venue(venue: str) -> bool:
    return not venue or "arxiv" in venue.lower()


@register(service="semanticscholar", lookups=("s2",))
class SemanticScholarSource:
    """Batch lookup of papers by external id."""

    name = "semanticscholar"
    batch_size = 500

    def __init__(self, client: ServiceClient) -> None:
        self.client = client

    def lookup(self, ids: Sequence[str]) -> dict[str, Candidate | None]:
        """Papers for ``PREFIX:value`` ids; ids with an unknown prefix map to ``None`` unasked."""
        results: dict[str, Candidate | None] = dict.fromkeys(ids)
        wanted = [paper_id for paper_id in results if _split(paper_id)[0] in EXTERNAL_ID_KEYS]
        for start in range(0, len(wanted), self.batch_size):
            chunk = wanted[start : start + self.batch_size]
            papers = self.client.post(
                "/paper/batch", params={"fields": FIELDS}, json={"ids": chunk},
                parse=partial(parse_batch, sent=len(chunk)), answers=(),
            )
            index = {
                (prefix, str(value).lower()): paper
                for paper in papers
                for prefix, key in EXTERNAL_ID_KEYS.items()
                if (value := paper.evidence.get("externalIds", {}).get(key))
            }
            for paper_id in chunk:
                prefix, value = _split(paper_id)
                results[paper_id] = index.get((prefix, value.lower()))
        return results


def _split(paper_id: str) -> tuple[str, str]:
    prefix, _, value = paper_id.partition(":")
    return prefix.upper(), value


def parse_batch(response: httpx2.Response, sent: int) -> list[Candidate]:
    """The papers of a batch answer to ``sent`` ids: one entry per id, ``null`` for unknown ids."""
    try:
        papers = response.json()
    except ValueError as error:
        raise MalformedResponse(f"JSON: {error}") from error
    if not isinstance(papers, list) or len(papers) != sent:
        got = f"{len(papers)} entries" if isinstance(papers, list) else type(papers).__name__
        raise MalformedResponse(f"expected a JSON array of {sent} papers, got {got}")
    return [paper_to_candidate(paper) for paper in papers if paper is not None]


@reads_answer
def paper_to_candidate(paper: Mapping[str, Any]) -> Candidate:
    """A paper object as a candidate; evidence says whether it names a published version."""
    external = mapping(paper.get("externalIds"))
    venue = text(paper.get("venue")) or text(mapping(paper.get("publicationVenue")).get("name"))
    journal = mapping(paper.get("journal"))
    doi = text(external.get("DOI"))
    published_doi = doi if doi and not doi.lower().startswith(ARXIV_DOI_PREFIX) else ""
    dblp = text(external.get("DBLP"))
    published_dblp = dblp if dblp and not dblp.startswith("journals/corr/") else ""
    published = bool(published_doi or published_dblp or not is_arxiv_venue(venue))
    container, short = full_venue(venue) if published and venue else (None, None)
    csl = compact({
        "title": " ".join(text(paper.get("title")).split()),
        "author": [
            split_name(name)
            for author in paper.get("authors") or []
            if (name := text(mapping(author).get("name"), numbers=False))
        ],
        "issued": date_parts(paper.get("year")),
        "container-title": container,
        "container-title-short": short,
        "volume": text(journal.get("volume")) if published else None,
        "page": " ".join(text(journal.get("pages")).split()) if published else None,
        "DOI": published_doi,
        "custom": compact({"arxiv": text(external.get("ArXiv"))}),
    })
    evidence = compact({
        "published": published,
        "doi": published_doi,
        "dblp": published_dblp,
        "venue": venue,
        "externalIds": dict(external),
    })
    return Candidate("semanticscholar", text(paper.get("paperId")), csl, evidence)
