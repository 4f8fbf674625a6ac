"""Semantic Scholar Graph API ``/paper/batch``: up to 500 papers per request.

The cheap route from an arXiv id (or a DOI) to where the paper was published: its venue, the
published DOI and the DBLP key.  Answers are matched back to the requested ids through
``externalIds``, never by position; ``null`` entries mean Semantic Scholar has no such paper.

Ids are written as the API wants them: ``ARXIV:2401.04088``, ``DOI:10.18653/v1/2024.acl-long.571``,
``ACL:2024.acl-long.571``.

    >>> from awesome_bib.http import ServiceClient
    >>> from awesome_bib.services import load_settings
    >>> s2 = SemanticScholarSource(ServiceClient(load_settings().semanticscholar))
    >>> s2.lookup(["ARXIV:2310.16795"])["ARXIV:2310.16795"].evidence["dblp"]  # doctest: +SKIP
    'conf/mlsys/FrantarA24'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import httpx2

from ..http import MalformedResponse, ServiceClient
from . import Candidate, compact, date_parts
from .names import split_name

FIELDS = (
    "externalIds,title,venue,publicationVenue,year,authors,publicationTypes,publicationDate,journal"
)
# Prefixes of our ids -> the externalIds key that carries the same id in an answer.
EXTERNAL_ID_KEYS = {"ARXIV": "ArXiv", "DOI": "DOI", "ACL": "ACL", "DBLP": "DBLP"}
ARXIV_DOI_PREFIX = "10.48550/arxiv."


def is_arxiv_venue(venue: str) -> bool:
    return not venue or "arxiv" in venue.lower()


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
                "/paper/batch", params={"fields": FIELDS}, json={"ids": chunk}, parse=parse_batch
            )
            index = {
                (prefix, str(value).lower()): paper
                for paper in papers
                for prefix, key in EXTERNAL_ID_KEYS.items()
                if (value := (paper.get("externalIds") or {}).get(key))
            }
            for paper_id in chunk:
                prefix, value = _split(paper_id)
                paper = index.get((prefix, value.lower()))
                results[paper_id] = paper_to_candidate(paper) if paper else None
        return results


def _split(paper_id: str) -> tuple[str, str]:
    prefix, _, value = paper_id.partition(":")
    return prefix.upper(), value


def parse_batch(response: httpx2.Response) -> list[Mapping[str, Any]]:
    """The non-null paper objects of a batch answer."""
    try:
        papers = response.json()
    except ValueError as error:
        raise MalformedResponse(f"JSON: {error}") from error
    if response.status_code == 404 or not isinstance(papers, list):
        raise MalformedResponse("expected a JSON array of papers")
    return [paper for paper in papers if isinstance(paper, dict)]


def paper_to_candidate(paper: Mapping[str, Any]) -> Candidate:
    """A paper object as a candidate; evidence says whether it names a published version."""
    external = paper.get("externalIds") or {}
    venue = str(paper.get("venue") or (paper.get("publicationVenue") or {}).get("name") or "")
    journal = paper.get("journal") or {}
    doi = str(external.get("DOI") or "")
    published_doi = doi if doi and not doi.lower().startswith(ARXIV_DOI_PREFIX) else ""
    dblp = str(external.get("DBLP") or "")
    published_dblp = dblp if dblp and not dblp.startswith("journals/corr/") else ""
    published = bool(published_doi or published_dblp or not is_arxiv_venue(venue))
    csl = compact({
        "title": " ".join(str(paper.get("title") or "").split()),
        "author": [
            split_name(str(author["name"]))
            for author in paper.get("authors") or []
            if isinstance(author, dict) and author.get("name")
        ],
        "issued": date_parts(paper.get("year")),
        "container-title": venue if published else None,
        "volume": journal.get("volume") if published else None,
        "page": " ".join(str(journal.get("pages") or "").split()) if published else None,
        "DOI": published_doi,
        "custom": compact({"arxiv": external.get("ArXiv")}),
    })
    evidence = compact({
        "published": published,
        "doi": published_doi,
        "dblp": published_dblp,
        "venue": venue,
        "externalIds": dict(external),
    })
    return Candidate("semanticscholar", str(paper.get("paperId") or ""), csl, evidence)
