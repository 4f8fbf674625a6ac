"""Crossref REST API through ``habanero``: works by DOI (singly or in ``filter=doi:`` batches) and
``query.bibliographic`` search.

habanero makes the HTTP calls; they run under the service's limiter and retries like every other
request, and habanero's exceptions are mapped back to retry / not-found / unavailable here.  Only
``/works/{doi}`` reads a 404 as "no such work"; a 404 on a search or a ``filter`` request means the
endpoint is wrong, which is a failure (unknown), not an empty answer.

    >>> from awesome_bib.resolve.http import ServiceClient
    >>> from awesome_bib.resolve.services import load_settings
    >>> settings = load_settings(mailto="you@example.org")
    >>> crossref = CrossrefSource(ServiceClient(settings.crossref, mailto=settings.mailto))
    >>> crossref.lookup(["10.18653/v1/2024.findings-emnlp.372"])  # doctest: +SKIP
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar
from urllib.parse import quote

import habanero
import httpx2

from awesome_bib import __version__
from awesome_bib.ids.doi import doi_url, is_doi
from awesome_bib.records.csl import date_parts
from awesome_bib.resolve.http import MalformedResponse, Retry, ServiceClient, ServiceUnavailable, retry_after_seconds
from awesome_bib.resolve.sources import Candidate, Reference, compact, mapping, reads_answer, text
from awesome_bib.resolve.sources.registry import register

T = TypeVar("T")

# Crossref work types -> CSL types (crossref.org/documentation: "types").
CSL_TYPES = {
    "journal-article": "article-journal",
    "proceedings-article": "paper-conference",
    "posted-content": "article",
    "book-chapter": "chapter",
    "book-section": "chapter",
    "book-part": "chapter",
    "book": "book",
    "monograph": "book",
    "edited-book": "book",
    "reference-book": "book",
    "report": "report",
    "dataset": "dataset",
    "dissertation": "thesis",
    "reference-entry": "entry",
    "standard": "standard",
}
SEARCH_FIELDS = [
    "DOI", "title", "subtitle", "author", "issued", "container-title", "short-container-title",
    "event", "type", "score", "page", "volume", "issue", "publisher", "ISSN", "ISBN", "relation",
    "URL",
]
_TAG = re.compile(r"<[^>]+>")


class _NotFound:
    """Crossref answered 404: it has no work with this DOI (it may be registered elsewhere)."""


@register(service="crossref", lookups=("doi",), search="crossref")
class CrossrefSource:
    """Works by DOI and bibliographic search."""

    name = "crossref"
    batch_size = 50

    def __init__(self, client: ServiceClient) -> None:
        self.client = client
        settings = client.settings
        self._crossref = habanero.Crossref(
            base_url=settings.base_url,
            mailto=client.mailto,
            ua_string=f"awesome-bib/{__version__}",
            timeout=settings.timeout,  # type: ignore[arg-type]
        )

    def lookup(self, ids: Sequence[str]) -> dict[str, Candidate | None]:
        """Works for DOIs (keys as given).  Several DOIs go in one ``filter=doi:`` request."""
        results: dict[str, Candidate | None] = dict.fromkeys(ids)
        valid = [doi for doi in results if is_doi(doi)]
        batchable = [doi for doi in valid if "," not in doi]
        singles = [doi for doi in valid if "," in doi]
        if len(batchable) == 1:
            singles += batchable
            batchable = []
        for start in range(0, len(batchable), self.batch_size):
            chunk = batchable[start : start + self.batch_size]
            try:
                results.update(self._filter(chunk))
            except ServiceUnavailable as error:
                if not error.reason.startswith("400"):
                    raise
                singles += chunk  # one DOI the filter refuses must not sink the others
        for doi in singles:
            results[doi] = self._work(doi)
        return results

    def search(self, reference: Reference) -> list[Candidate]:
        """Up to five candidates for a title (plus first author and year when known)."""
        words = [reference.title, reference.first_family or "", str(reference.year or "")]
        return self._call(
            lambda: self._crossref.works(
                query_bibliographic=" ".join(word for word in words if word),
                limit=5,
                select=SEARCH_FIELDS,
            ),
            lambda answer: [work_to_candidate(item) for item in _items(answer)],
        )

    def _work(self, doi: str) -> Candidate | None:
        def read(answer: dict[str, Any] | _NotFound) -> Candidate | None:
            if isinstance(answer, _NotFound):
                return None
            if not answer["message"].get("DOI"):
                raise MalformedResponse(f"work for {doi} without a DOI")
            return work_to_candidate(answer["message"])

        return self._call(
            lambda: self._crossref.works(ids=quote(doi, safe="/:;()")), read, absent_on_404=True
        )

    def _filter(self, dois: list[str]) -> dict[str, Candidate | None]:
        def read(answer: dict[str, Any] | _NotFound) -> dict[str, Candidate | None]:
            works = {text(item["DOI"]).lower(): item for item in _items(answer)}
            return {
                doi: work_to_candidate(works[doi.lower()]) if doi.lower() in works else None
                for doi in dois
            }

        return self._call(
            lambda: self._crossref.works(filter={"doi": dois}, limit=len(dois)), read
        )

    def _call(
        self, call: Callable[[], Any], read: Callable[[dict[str, Any] | _NotFound], T],
        *, absent_on_404: bool = False,
    ) -> T:
        """One habanero call under the client's limiter and retries; ``read`` turns its answer
        into the result, inside the retries (a malformed answer is retried like a 5xx)."""

        def attempt() -> T:
            answer = _attempt(self.name, call, absent_on_404)
            try:
                return read(answer)
            except MalformedResponse as error:
                raise Retry(f"malformed response ({error})") from error

        return self.client.run(attempt)


def _attempt(service: str, call: Callable[[], Any], absent_on_404: bool) -> dict[str, Any] | _NotFound:
    """One habanero call, its exceptions sorted into retry, not found and unavailable."""
    try:
        answer = call()
    except httpx2.HTTPStatusError as error:
        return _status(service, error.response.status_code, error.response.reason_phrase,
                       error.response.headers, absent_on_404)
    except habanero.RequestError as error:
        code = int(error.status_code) if str(error.status_code).isdigit() else 0
        if code < 400:  # habanero's complaint about a 2xx body that is not JSON
            raise Retry("malformed response (not JSON)") from error
        return _status(service, code, str(error.error), {}, absent_on_404)
    except httpx2.TimeoutException as error:
        raise Retry("timed out") from error
    except httpx2.TransportError as error:
        raise Retry(f"connection failed ({error or type(error).__name__})") from error
    except RuntimeError as error:  # habanero wraps transport errors of list queries
        if isinstance(error.__cause__, httpx2.HTTPError):
            raise Retry(f"connection failed ({error.__cause__})") from error
        raise
    except (json.JSONDecodeError, KeyError, TypeError) as error:
        raise Retry(f"malformed response ({error})") from error
    if not isinstance(answer, dict) or not isinstance(answer.get("message"), dict):
        raise Retry("malformed response (no message)")
    return answer


def _status(
    service: str, code: int, reason: str, headers: Mapping[str, str], absent_on_404: bool
) -> _NotFound:
    status = f"{code} {reason}".strip()
    if code == 404 and absent_on_404:
        return _NotFound()
    if code == 404:
        raise ServiceUnavailable(service, f"{status} for a list request (is the base URL right?)")
    if code == 429 or code >= 500:
        raise Retry(status, retry_after_seconds(headers.get("Retry-After")))
    raise ServiceUnavailable(service, status)


def _items(answer: dict[str, Any] | _NotFound) -> list[dict[str, Any]]:
    items = None if isinstance(answer, _NotFound) else answer["message"].get("items")
    if not isinstance(items, list):
        raise MalformedResponse("list answer without items")
    return [item for item in items if isinstance(item, dict) and item.get("DOI")]


@reads_answer
def work_to_candidate(work: Mapping[str, Any]) -> Candidate:
    """A Crossref work (``message`` of ``/works/{doi}`` or an ``items`` entry) as a candidate."""
    doi = text(work["DOI"])
    title = _first(work.get("title"))
    subtitle = _first(work.get("subtitle"))
    if title and subtitle and subtitle.lower() not in title.lower():
        title = f"{title}: {subtitle}"
    date = next(
        (work[key]["date-parts"][0] for key in ("issued", "published-print", "published-online")
         if _has_date(work.get(key))),
        [],
    )
    event = mapping(work.get("event"))
    csl = compact({
        "type": CSL_TYPES.get(text(work.get("type")), "article"),
        "title": title,
        "author": [name for person in _list(work.get("author")) if (name := _name(person))],
        "issued": date_parts(*date),
        "container-title": _first(work.get("container-title")),
        "container-title-short": _first(work.get("short-container-title")),
        "event-title": _clean(text(event.get("name"))),
        "page": text(work.get("page")),
        "volume": text(work.get("volume")),
        "issue": text(work.get("issue")),
        "publisher": text(work.get("publisher")),
        "ISSN": _first(work.get("ISSN")),
        "ISBN": _first(work.get("ISBN")),
        "DOI": doi,
        "URL": doi_url(doi),
    })
    evidence = compact({
        "type": text(work.get("type")),
        "score": work.get("score"),
        "preprint-of": [
            text(link.get("id"))
            for link in _list(mapping(work.get("relation")).get("is-preprint-of"))
            if mapping(link).get("id-type") == "doi"
        ],
    })
    return Candidate("crossref", doi.lower(), csl, evidence)


def _has_date(value: Any) -> bool:
    try:
        return value["date-parts"][0][0] is not None
    except (KeyError, IndexError, TypeError):
        return False


def _first(values: Any) -> str:
    if isinstance(values, list):
        values = values[0] if values else ""
    return _clean(text(values))


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise TypeError(f"expected a list, got {type(value).__name__}")
    return value


def _clean(text: str) -> str:
    """Crossref titles carry JATS/HTML markup (``<i>``, ``<sub>``) and entities."""
    return " ".join(html.unescape(_TAG.sub("", text)).split())


def _name(person: Any) -> dict[str, str]:
    person = mapping(person)
    if person.get("family"):
        name = {
            part: _clean(text(person.get(part), numbers=False))
            for part in ("given", "family", "suffix")
        }
        return {key: value for key, value in name.items() if value}
    literal = _clean(text(person.get("name"), numbers=False))
    return {"literal": literal} if literal else {}
