"""DBLP publication search: venue papers, and the published version of arXiv preprints.

A preprint and its published version are different DBLP records: the preprint lives under CoRR
(``journals/corr/abs-2310-16795``), the paper under its venue (``conf/mlsys/FrantarA24``).
:func:`is_corr` tells them apart; the resolver decides which one it is looking for.

    >>> from awesome_bib.http import ServiceClient
    >>> from awesome_bib.services import load_settings
    >>> dblp = DblpSource(ServiceClient(load_settings().dblp))
    >>> [hit.id for hit in dblp.search(Reference("QMoE: Sub-1-Bit Compression"))]  # doctest: +SKIP
    ['conf/mlsys/FrantarA24', 'journals/corr/abs-2310-16795']
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import httpx2

from ..http import MalformedResponse, ServiceClient
from . import Candidate, Reference, compact, date_parts
from .names import split_name

HITS_PER_SEARCH = 10
CSL_TYPES = {
    "Conference and Workshop Papers": "paper-conference",
    "Journal Articles": "article-journal",
    "Informal and Other Publications": "article",
    "Informal Publications": "article",
    "Books and Theses": "book",
    "Parts in Books or Collections": "chapter",
    "Reference Works": "entry",
}
_CORR_VOLUME = re.compile(r"^abs/(.+)$")


def venue_title(venue: str) -> str:
    """The container title for a DBLP venue name ("MLSys", "EMNLP (Findings)").

    DBLP's short names stay as they are; this is the one place that will expand them to full
    proceedings names through the venue table.
    """
    return venue


def is_corr(candidate: Candidate) -> bool:
    """Whether a DBLP record is an arXiv preprint (CoRR) rather than a published paper."""
    return bool(candidate.evidence.get("corr"))


class DblpSource:
    """Title search over DBLP publications."""

    name = "dblp"

    def __init__(self, client: ServiceClient) -> None:
        self.client = client

    def search(self, reference: Reference) -> list[Candidate]:
        """DBLP's best hits for the reference (see :func:`search_words`)."""
        query = search_words(reference)
        if not query:
            return []
        params = {"q": query, "format": "json", "h": str(HITS_PER_SEARCH)}
        return self.client.get("", params=params, parse=parse_hits)


def search_words(reference: Reference) -> str:
    """What to ask DBLP, whose search wants every word to match.

    A published version is often retitled ("QMoE: Practical Sub-1-Bit ..." became "QMoE: Sub-1-Bit
    ..."), so for a title with a short name before its colon, the name and the first author's
    family name find it better than the whole title.  Query syntax characters are left out.

    >>> search_words(Reference("QMoE: Practical Sub-1-Bit Compression", ({"family": "Frantar"},)))
    'QMoE Frantar'
    >>> search_words(Reference("Mixtral of Experts"))
    'Mixtral of Experts'
    """
    name, colon, _ = reference.title.partition(":")
    if colon and len(name.split()) <= 3 and reference.first_family:
        text = f"{name} {reference.first_family}"
    else:
        text = reference.title
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def parse_hits(response: httpx2.Response) -> list[Candidate]:
    """Candidates from a search answer (``result.hits.hit``; absent when nothing matched)."""
    try:
        hits = response.json()["result"]["hits"]
    except (ValueError, KeyError, TypeError) as error:
        raise MalformedResponse(f"DBLP search answer: {error!r}") from error
    if not isinstance(hits, dict):
        raise MalformedResponse("DBLP search answer: hits is not an object")
    found = hits.get("hit") or []
    if isinstance(found, dict):
        found = [found]
    return [
        hit_to_candidate(hit["info"])
        for hit in found
        if isinstance(hit, dict) and isinstance(hit.get("info"), dict) and hit["info"].get("key")
    ]


def hit_to_candidate(info: Mapping[str, Any]) -> Candidate:
    """One DBLP hit's ``info`` as a candidate; CoRR records carry their arXiv id."""
    key = str(info["key"])
    venue = _one(info.get("venue"))
    volume = _one(info.get("volume"))
    corr = key.startswith("journals/corr/") or venue == "CoRR"
    arxiv_match = _CORR_VOLUME.match(volume) if corr else None
    authors = info["authors"].get("author", []) if isinstance(info.get("authors"), dict) else []
    if isinstance(authors, dict):
        authors = [authors]
    csl = compact({
        "type": CSL_TYPES.get(str(info.get("type")), "article"),
        "title": " ".join(str(info.get("title") or "").split()).rstrip("."),
        "author": [
            split_name(_author_text(author)) for author in authors if _author_text(author)
        ],
        "issued": date_parts(info.get("year")),
        "container-title": venue_title(venue) if venue and not corr else None,
        "volume": volume if not corr else None,
        "issue": _one(info.get("number")),
        "page": _one(info.get("pages")),
        "DOI": _one(info.get("doi")),
        "URL": _one(info.get("ee")) or _one(info.get("url")),
        "custom": compact({"dblp": key, "arxiv": arxiv_match.group(1) if arxiv_match else None}),
    })
    return Candidate("dblp", key, csl, compact({"corr": corr, "venue": venue}))


def _one(value: Any) -> str:
    """DBLP gives a list where a record has several values (``ee``, sometimes ``venue``)."""
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, dict):
        value = value.get("text", "")
    return str(value or "")


def _author_text(author: Any) -> str:
    return str(author.get("text", "")) if isinstance(author, dict) else str(author or "")
