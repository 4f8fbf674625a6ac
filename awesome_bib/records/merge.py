"""How records are put together: fields with provenance, list values kept, overrides on top.

A record's ``provenance`` maps each CSL field (``custom`` sub-keys as ``custom.<key>``) to where it
came from: ``{"source": "list"}``, ``{"source": "override"}``, or ``{"source": <service>, "id":
<record id there>, "score": <match score>}`` (a local file's entry: ``"source": "file"``, ``"id":
"<file>#<key>"`` and ``"origin"``, the page or repository the entry names as its source) -- plus
``"list": <value>`` when a service value
replaced the list's, so that the record alone can be resolved again from scratch.

Origins are shared, between the fields of a record and between records (a large list holds
hundreds of thousands): a new origin replaces an old one, none is changed in place.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from awesome_bib.errors import AwesomeBibError
from awesome_bib.ids import arxiv_doi, arxiv_id_date, normalize_doi, parse_arxiv_id
from awesome_bib.ids.arxiv import abs_url as arxiv_abs_url
from awesome_bib.records.model import Candidate, Record

# What a published version replaces on a preprint's record (the authors and arXiv id stay).
PUBLISHED_FIELDS = (
    "title", "type", "container-title", "container-title-short", "event-title", "collection-title", "issued", "page",
    "volume", "issue", "number", "DOI", "URL", "publisher", "publisher-place", "ISSN", "ISBN",
    "custom.dblp",
)

# Fields through which a preprint's record names the preprint itself.
PREPRINT_IDENTIFIERS = ("DOI", "number")

# Where a paper appeared: on a preprint's record the list's claims of these go unless confirmed.
VENUE_FIELDS = (
    "container-title", "container-title-short", "event-title", "collection-title", "volume", "issue", "number", "page",
    "publisher", "publisher-place", "ISSN", "ISBN",
)
TRUSTED_SOURCES = ("list", "override")


def flat(csl: Mapping[str, Any]) -> Iterable[tuple[str, Any]]:
    """A CSL item's fields, ``custom`` sub-keys as ``custom.<key>`` (the provenance keys)."""
    for name, value in csl.items():
        if name == "custom" and isinstance(value, Mapping):
            yield from ((f"custom.{key}", sub) for key, sub in value.items())
        elif name != "id":
            yield name, value


def trusted_part(record: Record) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The record as the list and the overrides gave it: what earlier runs took from services
    goes (they are asked afresh), and list values they replaced come back."""
    csl: dict[str, Any] = {"id": record.csl["id"]}
    provenance: dict[str, dict[str, Any]] = {}
    for name, value in flat(record.csl):
        origin = record.provenance.get(name, {"source": "list"})
        if origin.get("source") in TRUSTED_SOURCES:
            assign(csl, name, value)
            provenance[name] = origin
        elif "list" in origin:
            assign(csl, name, copy.deepcopy(origin["list"]))
            provenance[name] = {"source": "list"}
    return csl, provenance


def canonical(name: str, value: Any) -> Any:
    """A field's value in the one form records store: DOIs lower case and bare, whoever wrote them
    (DBLP and the overrides may write ``10.1023/A:…``, Crossref ``10.1023/a:…``)."""
    if name == "DOI" and isinstance(value, str):
        return normalize_doi(value) or value.strip().lower()
    return value


def assign(csl: dict[str, Any], name: str, value: Any) -> None:
    value = canonical(name, value)
    if name.startswith("custom."):
        csl.setdefault("custom", {})[name[len("custom."):]] = value
    else:
        csl[name] = value


def put(
    csl: dict[str, Any], provenance: dict[str, dict[str, Any]], name: str, value: Any,
    candidate: Candidate, score: float,
) -> None:
    """Set one field from a candidate.  A list value it replaces is kept in the provenance
    (``"list": ...``), so that the record alone can be resolved again from scratch."""
    origin: dict[str, Any] = {
        "source": candidate.source, "id": candidate.id, "score": round(score, 3)
    }
    if candidate.evidence.get("origin"):  # where a local file's entry was copied from
        origin["origin"] = candidate.evidence["origin"]
    previous = provenance.get(name, {})
    if previous.get("source") == "list":
        origin["list"] = dict(flat(csl)).get(name)
    elif "list" in previous:
        origin["list"] = previous["list"]
    assign(csl, name, value)
    provenance[name] = origin


def put_all(
    csl: dict[str, Any], provenance: dict[str, dict[str, Any]], candidate: Candidate, score: float
) -> None:
    """Every field of a candidate (the record identified by the entry)."""
    for name, value in flat(candidate.csl):
        put(csl, provenance, name, value, candidate, score)


def put_published(
    csl: dict[str, Any], provenance: dict[str, dict[str, Any]], base: Candidate,
    published: Candidate, score: float,
) -> None:
    """Venue fields from the published version; the preprint's venue fields it lacks go, and so do
    the preprint identifiers the list gave (the arXiv DOI, ``arXiv:<id>``): they name the preprint."""
    fields = dict(flat(published.csl))
    for name in PUBLISHED_FIELDS:
        if name in fields:
            put(csl, provenance, name, fields[name], published, score)

    def preprints_own(name: str) -> bool:
        source = provenance.get(name, {}).get("source")
        return source == base.source or (name in PREPRINT_IDENTIFIERS and source in ("list", "arxiv-id"))

    drop(csl, provenance, [name for name in PUBLISHED_FIELDS if name not in fields and preprints_own(name)])


def drop_list_venue(csl: dict[str, Any], provenance: dict[str, dict[str, Any]]) -> None:
    """Remove the list's venue fields (the venue tag stays in ``custom.venue-tag``)."""
    drop(csl, provenance, [
        name for name in VENUE_FIELDS if provenance.get(name, {}).get("source") == "list"
    ])


def keep_venue_table(
    csl: dict[str, Any], provenance: dict[str, dict[str, Any]], record: Record, candidate: Candidate
) -> None:
    """Fields the list's venue table gave (a blog's organisation as author, a report's publisher)
    that the candidate has nothing for stay on the record."""
    given = dict(flat(candidate.csl))
    for name, value in flat(record.csl):
        if record.provenance.get(name, {}).get("source") == "venue-table" and name not in given:
            assign(csl, name, copy.deepcopy(value))
            provenance[name] = {"source": "venue-table"}


def keep_list_venue(
    csl: dict[str, Any], provenance: dict[str, dict[str, Any]], listed: Mapping[str, Any]
) -> None:
    """Put back the type, venue fields and date the list gave (``listed``, the record's trusted
    part), dropping those a preprint's record brought in their place (``publisher = arXiv``)."""
    for name in ("type", *VENUE_FIELDS):
        if name in listed:
            csl[name] = copy.deepcopy(listed[name])
            provenance[name] = {"source": "list"}
        elif name in csl:
            drop(csl, provenance, [name])
    if "issued" in listed:  # the venue's year, not the preprint's
        csl["issued"], provenance["issued"] = copy.deepcopy(listed["issued"]), {"source": "list"}


def drop(csl: dict[str, Any], provenance: dict[str, dict[str, Any]], names: Iterable[str]) -> None:
    """Remove fields and their provenance."""
    for name in names:
        provenance.pop(name, None)
        target = csl.get("custom", {}) if name.startswith("custom.") else csl
        target.pop(name.removeprefix("custom."), None)


IDENTIFYING_FIELDS = ("DOI", "custom.arxiv", "custom.ids")

# Fields the list derives from a preprint's arXiv id (see awesome_bib.records.listed): they name that id.
ARXIV_DERIVED: dict[str, Callable[[str], Any]] = {
    "DOI": arxiv_doi,
    "number": lambda arxiv: f"arXiv:{arxiv}",
    "URL": arxiv_abs_url,
    "issued": lambda arxiv: {"date-parts": [list(arxiv_id_date(arxiv))]},
}
DERIVING_SOURCES = ("list", "arxiv-id")


def apply_overrides(record: Record, overrides: Mapping[str, Any] | None) -> bool:
    """Pin or patch ``record``'s CSL fields from the user's overrides; provenance ``override``.

    ``{"title": "Exact Title"}`` pins a field, ``{"DOI": None}`` removes one, and
    ``{"custom": {"arxiv": "2401.04088"}}`` patches single ``custom`` keys.  The citation key
    (``id``) is not the overrides' business.  Returns whether an identifier (DOI, arXiv id, list
    ids) changed, which means the record must be looked up again.

    >>> record = Record("arxiv:2401.04088", {"id": "jiang2024mixtral", "title": "Mixtral"})
    >>> apply_overrides(record, {"title": "Mixtral of Experts", "custom": {"arxiv": "2401.04088"}})
    True
    >>> record.csl["title"], record.provenance["custom.arxiv"]
    ('Mixtral of Experts', {'source': 'override'})
    """
    if not overrides:
        return False
    if "id" in overrides:
        raise AwesomeBibError(
            f"overrides for {record.id}: the citation key 'id' cannot be overridden; "
            "remove it from the overrides file"
        )
    if not isinstance(overrides.get("custom", {}), Mapping):
        raise AwesomeBibError(
            f"overrides for {record.id}: 'custom' must be a table of fields, "
            f"not {overrides['custom']!r}"
        )
    changed = False
    for name, value in flat(overrides):
        before = dict(flat(record.csl)).get(name)
        if value is None:
            drop(record.csl, record.provenance, [name])
        else:
            assign(record.csl, name, copy.deepcopy(value))
        record.provenance[name] = {"source": "override"}
        changed |= name in IDENTIFYING_FIELDS and before != canonical(name, value)
        if name == "custom.arxiv" and before != value:
            follow_arxiv_id(record, before, value)
    return changed


def follow_arxiv_id(record: Record, old: Any, new: Any) -> None:
    """The fields the list derived from the arXiv id ``old`` (its DOI, ``arXiv:<id>``, URL and
    date) now derive from ``new``: a pinned arXiv id must not leave the old one's DOI behind.
    Values earlier runs replaced follow too (the ``"list"`` kept in their provenance).

    >>> record = Record("arxiv:2401.99999", {"id": "k", "DOI": "10.48550/arxiv.2401.99999"},
    ...                 provenance={"DOI": {"source": "list"}})
    >>> follow_arxiv_id(record, "2401.99999", "2405.04434")
    >>> record.csl["DOI"]
    '10.48550/arxiv.2405.04434'
    """
    parsed_old, parsed_new = (parse_arxiv_id(str(i or "")) for i in (old, new))
    if parsed_old is None or parsed_new is None:
        return
    for name, derive in ARXIV_DERIVED.items():
        stale, fresh = derive(parsed_old[0]), derive(parsed_new[0])
        origin = record.provenance.get(name, {})
        if origin.get("source") in DERIVING_SOURCES and _same(record.csl.get(name), stale):
            record.csl[name] = fresh
        if "list" in origin and _same(origin["list"], stale):
            record.provenance[name] = {**origin, "list": fresh}


def _same(value: Any, derived: Any) -> bool:
    if isinstance(value, str) and isinstance(derived, str):
        return value.lower() == derived.lower()  # DOIs are case-insensitive
    return bool(value == derived)
