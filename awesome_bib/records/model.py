"""Plain data types that flow through the pipeline.

list (Markdown) -> :class:`Section` tree and :class:`Entry` lines -> :class:`Record` (one per paper).

A record's ``csl`` is a CSL-JSON item (https://citeproc-js.readthedocs.io/en/latest/csl-json/markup.html)
whose ``id`` is the citation key.  What CSL-JSON has no field for lives in ``csl["custom"]``:

``custom.arxiv``            arXiv id without version, e.g. ``"2401.04088"`` (old style: ``"hep-th/9901001"``)
``custom.arxiv-category``   primary arXiv category when known, e.g. ``"cs.LG"``
``custom.sections``         slugs of the sections that list the paper, in list order
``custom.section-paths``    their paths, e.g. ``"model-level-optimizations/model-compression/quantization"``
``custom.code``             code / model links given in the list
``custom.ids``              every identifier found in the list's links (``{"acl": ..., "openreview": ...}``)
``custom.venue-tag``        the list's venue tag as written, e.g. ``"Arxiv'24"``
``custom.venue-kind``       ``conference | journal | preprint | blog | report | workshop | web | software``
``custom.dblp``             the DBLP key of the record's published version, when resolved
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from awesome_bib.ids.target import LinkTarget

CSLItem = dict[str, Any]


@dataclass(frozen=True)
class Section:
    """A heading of the list. ``path`` joins the slugs of the heading and its ancestors with ``/``."""

    title: str
    level: int
    slug: str
    path: str
    line: int
    parent: str | None = None


@dataclass(frozen=True, slots=True)
class Link:
    """A Markdown link on an entry's line: its label and where it points."""

    label: str
    target: LinkTarget


@dataclass(frozen=True, slots=True)
class Entry:
    """One paper line of the list, as written."""

    line: int
    source: str
    section: str
    title: str
    url: str
    target: LinkTarget
    venue_tag: str | None = None
    code: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    authors_text: str | None = None
    shape: str = "tagged"
    links: tuple[Link, ...] = ()

    @property
    def identity(self) -> str:
        """The paper this entry names: its strongest identifier, else its URL."""
        return self.target.identity or f"url:{self.target.url}"


@dataclass(slots=True)
class Record:
    """One paper: the CSL item exporters read, plus where each field came from.

    ``notes`` are the resolver's (kept in the lockfile); ``list_notes`` are what the list's own lines
    disagree on (recomputed from the list on every read, never stored); ``list_hash`` fingerprints
    what the list said when the record was made, so a changed entry is resolved again.
    ``provisional_key`` says the key was made from the list's data alone: the first resolve that
    brings metadata gives a better one (see :meth:`awesome_bib.library.Library.settle_keys`).
    ``missing_since`` is the day (``YYYY-MM-DD``, UTC) every service answered that it does not know
    the paper: ``resolve`` does not ask again for a while (``[resolve] retry-missing-after``).
    """

    id: str
    csl: CSLItem
    status: str = "listed"
    provenance: dict[str, dict[str, Any]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    list_notes: list[str] = field(default_factory=list)
    list_hash: str = ""
    provisional_key: bool = False
    missing_since: str = ""

    @property
    def key(self) -> str:
        return str(self.csl["id"])


NAME_FIELDS = frozenset({"author", "editor", "translator", "container-author", "collection-editor",
                         "composer", "director", "illustrator", "interviewer", "recipient", "reviewed-author"})
DATE_FIELDS = frozenset({"issued", "accessed", "event-date", "original-date", "submitted", "available-date"})


def csl_field_problem(field: str, value: Any) -> str | None:
    """What is wrong with a CSL field's value, in words for the user; None when it is right."""
    if field in NAME_FIELDS:
        if not isinstance(value, list) or not all(isinstance(name, dict) for name in value):
            return 'must be a list of names, e.g. [{ family = "Jiang", given = "A." }, { literal = "Qwen Team" }]'
        if not all(isinstance(part, str) for name in value for part in name.values()):
            return "names must hold text (family, given, literal, …)"
        return None
    if field in DATE_FIELDS:
        parts = value.get("date-parts") if isinstance(value, dict) else None
        if not (isinstance(parts, list) and parts and all(isinstance(p, list) for p in parts)
                and all(isinstance(n, int) for p in parts for n in p)):
            return "must be a date, e.g. { date-parts = [[2024, 5]] }"
        return None
    if field == "custom":
        if not isinstance(value, dict):
            return "must be a table, e.g. custom = { arxiv = \"2401.04088\" }"
        return next((f"{name} {problem}" for name, inner in value.items()
                     if (problem := _custom_problem(name, inner))), None)
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        return "must be text or a number"
    return None


# custom keys awesome-bib writes and reads, by the shape their values have.
_CUSTOM_LISTS = frozenset({"sections", "section-paths", "code"})
_CUSTOM_TABLES = frozenset({"ids"})
_CUSTOM_TEXTS = frozenset({"arxiv", "arxiv-category", "venue-tag", "venue-kind"})


def _custom_problem(name: str, value: Any) -> str | None:
    if name in _CUSTOM_LISTS and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
        return "must be a list of text"
    if name in _CUSTOM_TABLES and not (isinstance(value, dict) and all(isinstance(v, str) for v in value.values())):
        return "must be a table of text"
    if name in _CUSTOM_TEXTS and not isinstance(value, str):
        return "must be text"
    return None


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
