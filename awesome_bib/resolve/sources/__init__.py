"""Metadata sources: one module per service, each behind one of two small interfaces.

A :class:`Lookup` source turns identifiers into records, many per request (arXiv ids, DOIs,
Semantic Scholar ids).  A :class:`Search` source finds candidate records for a :class:`Reference`
(what the list tells about a paper) by title.  Both hand back :class:`Candidate` objects: a CSL
item plus the source's own evidence (DBLP key, ``journal_ref``, external ids...).  A failed request
raises :class:`awesome_bib.resolve.http.ServiceUnavailable`; ``None`` in a lookup means the service
answered and has no such record.  An answer of an unexpected shape (a string where an object
belongs, a number where text belongs) is a malformed answer, retried and then *unknown*: the
functions that turn answers into candidates are wrapped in :func:`reads_answer`.

Adding a source means adding a module with a class that has ``name`` and ``lookup`` or ``search``,
registered for the step kinds it answers (:mod:`awesome_bib.resolve.sources.registry`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ParamSpec, Protocol, TypeVar

from awesome_bib.records import venues
from awesome_bib.records.csl import issued_year
from awesome_bib.records.model import Candidate, CSLItem
from awesome_bib.resolve.http import MalformedResponse

P = ParamSpec("P")
T = TypeVar("T")


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


def compact(item: Mapping[str, Any]) -> CSLItem:
    """Drop empty values, so a missing field is absent rather than ``""`` or ``[]``."""
    return {key: value for key, value in item.items() if value not in (None, "", [], {})}


# A DBLP venue's volume part ("ACL (1)", "ECCV (12)") or ICLR's "(Poster)" name no other venue.
_VOLUME_PART = re.compile(r"\s*\((?:\d+|Poster)\)$")
EXPANDED_KINDS = {"conference", "journal", "workshop"}


def full_venue(name: str) -> tuple[str, str | None]:
    """(container title, short title) for a venue as a service names it.

    A short name the venue table knows (``ICLR``, ``USENIX ATC``) or an abbreviated full name
    (``J. Mach. Learn. Res.``) becomes the table's full name, with the service's short form kept
    as the short title; anything else stays as the service wrote it, with no short title.

    >>> full_venue("MLSys")
    ('Conference on Machine Learning and Systems (MLSys)', 'MLSys')
    >>> full_venue("J. Mach. Learn. Res.")
    ('Journal of Machine Learning Research (JMLR)', 'J. Mach. Learn. Res.')
    >>> full_venue("NeurIPS Datasets and Benchmarks")
    ('NeurIPS Datasets and Benchmarks', None)
    """
    short = _VOLUME_PART.sub("", name.strip())
    venue = venues.lookup(short)
    if venue is None and "." in short:  # abbreviated words: match them against full names
        venue = venues.venue_of({"container-title": short})
    if venue is None or venue.kind not in EXPANDED_KINDS or venue.name == short:
        return name, None
    return venue.name, short


def reads_answer(read: Callable[P, T]) -> Callable[P, T]:
    """Wrap a function that reads part of a service's answer: should the answer not have the
    shape it expects, :class:`~awesome_bib.resolve.http.MalformedResponse` says so (retried, then
    unknown) instead of a ``TypeError`` ending the run."""

    @functools.wraps(read)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return read(*args, **kwargs)
        except (AttributeError, LookupError, TypeError, ValueError) as error:
            raise MalformedResponse(
                f"unexpected data in the answer: {type(error).__name__}: {error}"
            ) from error

    return guarded


def text(value: Any, *, numbers: bool = True) -> str:
    """A scalar field of an answer as text, ``""`` when absent; a list or an object is malformed,
    and so is a number unless ``numbers`` (a volume may come as 12, a name never as 5).

    >>> text(12), text(None), text("6401-6417")
    ('12', '', '6401-6417')
    """
    kinds = (str, int, float) if numbers else (str,)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, kinds):
        raise TypeError(f"expected text, got {type(value).__name__} {value!r:.40}")
    return str(value)


def mapping(value: Any) -> Mapping[str, Any]:
    """An object field of an answer, ``{}`` when absent or null; anything else is malformed."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise TypeError(f"expected an object, got {type(value).__name__} {value!r:.40}")
    return value
