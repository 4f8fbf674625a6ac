"""DBLP publication search: venue papers, and the published version of arXiv preprints.

A preprint and its published version are different DBLP records: the preprint lives under CoRR
(``journals/corr/abs-2310-16795``), the paper under its venue (``conf/mlsys/FrantarA24``).
:func:`is_corr` tells them apart; the resolver decides which one it is looking for.

    >>> from awesome_bib.resolve.http import ServiceClient
    >>> from awesome_bib.resolve.services import load_settings
    >>> dblp = DblpSource(ServiceClient(load_settings().dblp))
    >>> [hit.id for hit in dblp.search(Reference("QMoE: Sub-1-Bit Compression"))]  # doctest: +SKIP
    ['conf/mlsys/FrantarA24', 'journals/corr/abs-2310-16795']
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import httpx2

from awesome_bib.records.csl import date_parts
from awesome_bib.records.names import split_name
from awesome_bib.resolve.http import MalformedResponse, ServiceClient
from awesome_bib.resolve.sources import Candidate, Reference, compact, full_venue, mapping, reads_answer, text
from awesome_bib.resolve.sources.registry import register

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
_FINDINGS = re.compile(r"^(?P<event>[A-Z]+) \(Findings\)$")


def venue_title(venue: str, year: str = "") -> tuple[str, str | None]:
    """(container title, short title) for a DBLP venue name.

    DBLP writes venues short (``MLSys``, ``J. Mach. Learn. Res.``); the venue table gives their
    full names (see :func:`awesome_bib.resolve.sources.full_venue`).  ``EMNLP (Findings)`` is the ACL
    Anthology's *Findings of the Association for Computational Linguistics: EMNLP <year>*.

    >>> venue_title("USENIX ATC")
    ('USENIX Annual Technical Conference (USENIX ATC)', 'USENIX ATC')
    >>> venue_title("EMNLP (Findings)", "2024")
    ('Findings of the Association for Computational Linguistics: EMNLP 2024', 'Findings of EMNLP')
    >>> venue_title("Example J.")
    ('Example J.', None)
    """
    findings = _FINDINGS.match(venue)
    if findings and year:
        event = findings["event"]
        return f"Findings of the Association for Computational Linguistics: {event} {year}", (
            f"Findings of {event}"
        )
    return full_venue(venue)


def is_corr(candidate: Candidate) -> bool:
    """Whether a DBLP record is an arXiv preprint (CoRR) rather than a published paper."""
    return bool(candidate.evidence.get("corr"))


@register(service="dblp", search="dblp")
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
        return self.client.get("", params=params, parse=parse_hits, answers=())


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
    if not isinstance(found, list):
        raise MalformedResponse(f"DBLP search answer: hit is a {type(found).__name__}")
    return [
        hit_to_candidate(hit["info"])
        for hit in found
        if isinstance(hit, dict) and isinstance(hit.get("info"), dict) and hit["info"].get("key")
    ]


@reads_answer
def hit_to_candidate(info: Mapping[str, Any]) -> Candidate:
    """One DBLP hit's ``info`` as a candidate; CoRR records carry their arXiv id."""
    key = text(info["key"])
    venue = _one(info.get("venue"))
    volume = _one(info.get("volume"))
    year = _one(info.get("year"))
    corr = key.startswith("journals/corr/") or venue == "CoRR"
    arxiv_match = _CORR_VOLUME.match(volume) if corr else None
    authors = mapping(info.get("authors")).get("author") or []
    if not isinstance(authors, list):
        authors = [authors]
    container, short = venue_title(venue, year) if venue and not corr else (None, None)
    csl = compact({
        "type": CSL_TYPES.get(_one(info.get("type")), "article"),
        "title": " ".join(_one(info.get("title")).split()).rstrip("."),
        "author": [split_name(name) for author in authors if (name := _author_text(author))],
        "issued": date_parts(year),
        "container-title": container,
        "container-title-short": short,
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
    return text(value)


def _author_text(author: Any) -> str:
    return text(author.get("text") if isinstance(author, dict) else author, numbers=False)
