"""Metadata sources: one module per service, each behind one of two small interfaces.

A :class:`Lookup` source turns identifiers into records, many per request (arXiv ids, DOIs,
Semantic Scholar ids).  A :class:`Search` source finds candidate records for a :class:`Reference`
(what the list tells about a paper) by title.  Both hand back :class:`Candidate` objects: a CSL
item plus the source's own evidence (DBLP key, ``journal_ref``, external ids...).  A failed request
raises :class:`awesome_bib.http.ServiceUnavailable`; ``None`` in a lookup means the service
answered and has no such record.

Adding a source means adding a module with a class that has ``name`` and ``lookup`` or ``search``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..model import CSLItem


@dataclass(frozen=True)
class Candidate:
    """One record a service returned.

    ``source`` is the provenance name (``arxiv``, ``crossref``, ``dblp``, ``semanticscholar``),
    ``id`` the record's id at that service (versioned arXiv id, DOI, DBLP key, S2 paper id).
    """

    source: str
    id: str
    csl: CSLItem
    evidence: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Reference:
    """What is known about a paper while looking for it: enough to search and to judge answers."""

    title: str
    authors: tuple[Mapping[str, Any], ...] = ()
    year: int | None = None

    @classmethod
    def from_csl(cls, csl: Mapping[str, Any]) -> Reference:
        return cls(str(csl.get("title") or ""), tuple(csl.get("author") or ()), issued_year(csl))

    @property
    def first_family(self) -> str | None:
        if not self.authors:
            return None
        first = self.authors[0]
        return str(first.get("family") or first.get("literal") or "") or None


class Lookup(Protocol):
    """A source that resolves identifiers in batches of at most ``batch_size``."""

    name: str
    batch_size: int

    def lookup(self, ids: Sequence[str]) -> dict[str, Candidate | None]:
        """Map every requested id to its record, or ``None`` when the service has none."""
        ...


class Search(Protocol):
    """A source that finds candidate records by title; the caller judges them."""

    name: str

    def search(self, reference: Reference) -> list[Candidate]:
        ...


def issued_year(csl: Mapping[str, Any]) -> int | None:
    """The year of a CSL item's ``issued`` date, if it has one."""
    try:
        return int(csl["issued"]["date-parts"][0][0])
    except (KeyError, IndexError, TypeError, ValueError):
        return None


def date_parts(*parts: Any) -> dict[str, list[list[int]]] | None:
    """A CSL date from year[, month[, day]], dropping the missing tail; None without a year."""
    numbers: list[int] = []
    for part in parts:
        try:
            numbers.append(int(part))
        except (TypeError, ValueError):
            break
    return {"date-parts": [numbers]} if numbers else None


def compact(item: Mapping[str, Any]) -> CSLItem:
    """Drop empty values, so a missing field is absent rather than ``""`` or ``[]``."""
    return {key: value for key, value in item.items() if value not in (None, "", [], {})}
