"""arXiv API (Atom): up to 100 ids per request, matched back by id.

Both renderings of the feed are read with a real XML parser: the classic one (namespaces declared on
each element, titles wrapped over lines) and the one served since late 2025 (namespaces on the root,
https links, unknown ids silently left out).  Ids are validated before asking, because one malformed
id turns the whole answer into an error feed; should arXiv still reject one, it is dropped and the
batch asked again.  An overloaded arXiv answers an empty feed: an answer without entries counts as
"not found" only when the first id, asked alone, comes back empty too; else it is unknown.

    >>> from awesome_bib.resolve.http import ServiceClient
    >>> from awesome_bib.resolve.services import load_settings
    >>> arxiv = ArxivSource(ServiceClient(load_settings().arxiv))
    >>> arxiv.lookup(["2401.04088"])["2401.04088"].csl["title"]  # doctest: +SKIP
    'Mixtral of Experts'
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import Any

import httpx2

from awesome_bib.ids import is_valid_arxiv_id
from awesome_bib.ids.arxiv import abs_url as arxiv_abs_url
from awesome_bib.records.csl import date_parts
from awesome_bib.records.names import split_name
from awesome_bib.resolve.http import MalformedResponse, ServiceClient, ServiceUnavailable
from awesome_bib.resolve.sources import Candidate, compact, reads_answer
from awesome_bib.resolve.sources.registry import register

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"

_VERSION = re.compile(r"v(\d+)$")
_ABS_URL = re.compile(r"^https?://(?:export\.)?arxiv\.org/abs/(.+)$")
_BAD_ID = re.compile(r"incorrect id format for (\S+)")


def split_version(versioned: str) -> tuple[str, int | None]:
    """``"2401.04088v2"`` -> ``("2401.04088", 2)``; an id without version gets ``None``."""
    match = _VERSION.search(versioned)
    if match is None:
        return versioned, None
    return versioned[: match.start()], int(match.group(1))


@register(service="arxiv", lookups=("arxiv",))
class ArxivSource:
    """Looks up arXiv ids, one request per ``batch_size`` ids."""

    name = "arxiv"
    batch_size = 100

    def __init__(self, client: ServiceClient) -> None:
        self.client = client

    def lookup(self, ids: Sequence[str]) -> dict[str, Candidate | None]:
        """Records for ``ids`` (versionless or versioned); malformed ids map to ``None`` unasked."""
        results: dict[str, Candidate | None] = {arxiv_id: None for arxiv_id in ids}
        wanted = [arxiv_id for arxiv_id in results if is_valid_arxiv_id(split_version(arxiv_id)[0])]
        for start in range(0, len(wanted), self.batch_size):
            results.update(self._batch(wanted[start : start + self.batch_size]))
        return results

    def _batch(self, ids: list[str]) -> dict[str, Candidate | None]:
        found: dict[str, Candidate | None] = dict.fromkeys(ids)
        while ids:
            params = {"id_list": ",".join(ids), "max_results": str(len(ids))}
            # arXiv answers a refused id with HTTP 400 and an error feed naming it.
            feed = self.client.get("", params=params, parse=parse_feed, answers=(400,))
            if isinstance(feed, RejectedId):
                if feed.arxiv_id not in ids:
                    raise ServiceUnavailable(self.name, f"rejected the request: {feed.message}")
                ids = [arxiv_id for arxiv_id in ids if arxiv_id != feed.arxiv_id]
                continue
            if not feed and not self._confirmed_empty(ids[0]):
                # an overloaded arXiv answers an empty feed: no verdict on these ids
                raise ServiceUnavailable(self.name, f"an empty feed for {len(ids)} valid ids")
            by_id = {candidate.csl["custom"]["arxiv"]: candidate for candidate in feed}
            by_version = {candidate.id: candidate for candidate in feed}
            for arxiv_id in ids:
                found[arxiv_id] = by_version.get(arxiv_id) or by_id.get(split_version(arxiv_id)[0])
            break
        return found


    def _confirmed_empty(self, arxiv_id: str) -> bool:
        """Whether arXiv, asked again about one id of an empty answer alone, still has nothing."""
        params = {"id_list": arxiv_id, "max_results": "1"}
        again = self.client.get("", params=params, parse=parse_feed, answers=(400,))
        return isinstance(again, RejectedId) or not again


class RejectedId:
    """arXiv's error feed for an id it refuses (``incorrect id format for ...``)."""

    def __init__(self, message: str) -> None:
        self.message = message
        match = _BAD_ID.search(message)
        self.arxiv_id = match.group(1) if match else ""


def parse_feed(response: httpx2.Response) -> list[Candidate] | RejectedId:
    """Candidates from an Atom feed answer; an error entry becomes a :class:`RejectedId`.

    A refusal (HTTP 400) that names no id is no answer at all: it must not read as an empty feed.
    """
    try:
        root = ET.fromstring(response.content)
    except ET.ParseError as error:
        raise MalformedResponse(f"XML: {error}") from error
    if root.tag != f"{ATOM}feed":
        raise MalformedResponse(f"expected an Atom feed, got <{root.tag}>")
    candidates = []
    for entry in root.iter(f"{ATOM}entry"):
        entry_id = _text(entry, f"{ATOM}id")
        if "/api/errors" in entry_id:
            return RejectedId(_text(entry, f"{ATOM}summary"))
        match = _ABS_URL.match(entry_id)
        title = _text(entry, f"{ATOM}title")
        if match is None or not title:
            continue
        candidates.append(entry_to_candidate(entry, match.group(1)))
    if response.status_code == 400:
        raise ServiceUnavailable("arxiv", "400 Bad Request without an error entry")
    return candidates


@reads_answer
def entry_to_candidate(entry: ET.Element, versioned_id: str) -> Candidate:
    """One Atom ``<entry>`` as a CSL item with arXiv's venue evidence."""
    arxiv_id, version = split_version(versioned_id)
    published = _text(entry, f"{ATOM}published")
    year, month, day = (published[:10].split("-") + [None] * 3)[:3]
    primary = entry.find(f"{ARXIV}primary_category")
    csl = compact({
        "type": "article",
        "title": _text(entry, f"{ATOM}title"),
        "author": [
            split_name(_text(author, f"{ATOM}name"))
            for author in entry.iter(f"{ATOM}author")
            if _text(author, f"{ATOM}name")
        ],
        "issued": date_parts(year, month, day),
        "publisher": "arXiv",
        "URL": arxiv_abs_url(arxiv_id),
        "custom": compact({
            "arxiv": arxiv_id,
            "arxiv-category": primary.get("term") if primary is not None else None,
        }),
    })
    evidence: dict[str, Any] = compact({
        "version": version,
        "doi": _text(entry, f"{ARXIV}doi"),
        "journal_ref": _text(entry, f"{ARXIV}journal_ref"),
        "comment": _text(entry, f"{ARXIV}comment"),
    })
    return Candidate("arxiv", versioned_id, csl, evidence)


def _text(element: ET.Element, tag: str) -> str:
    """An element's text with whitespace collapsed (titles arrive wrapped over lines)."""
    found = element.find(tag)
    return " ".join((found.text or "").split()) if found is not None else ""
