"""Entries -> records: one record per paper, built from what the list alone says.

The same paper listed under several headings (or twice under one) becomes one record that belongs
to every section listing it.  Evidence is weighed as a careful reader would: a publication URL
(ACL Anthology id, PMLR volume, proceedings page) names the venue more precisely than a hand-written
tag; an arXiv id fixes a preprint's year and month; disagreements are kept as notes for ``check``.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from typing import Any

from awesome_bib.ids import arxiv_doi, arxiv_id_date
from awesome_bib.ids.arxiv import abs_url as arxiv_abs_url
from awesome_bib.records.model import CSLItem, Entry, Record, Section
from awesome_bib.records.names import PARTICLES, SUFFIXES, split_name
from awesome_bib.records.venues import Venue, VenueTag, parse_tag, venue_from_ids

LIST = {"source": "list"}
# Provenance sources that mean "the list said so".
LIST_SOURCES = frozenset({"list", "arxiv-id", "venue-table"})
# Where a paper is listed, as opposed to what the list says about it: these may change without the
# paper's record having to be resolved again.
LISTING_CUSTOM = ("sections", "section-paths", "code")
ARXIV_ID = {"source": "arxiv-id"}
VENUE_TABLE = {"source": "venue-table"}


def build_records(entries: Iterable[Entry], sections: Iterable[Section]) -> Iterator[Record]:
    """Group entries by the paper they name and build one list-derived record each, in list order
    (one at a time: a caller that keeps only some holds no more)."""
    slug_of = {section.path: section.slug for section in sections}
    groups: dict[str, list[Entry]] = {}
    for entry in entries:
        groups.setdefault(entry.identity, []).append(entry)
    return (listed_record(identity, group, slug_of) for identity, group in groups.items())


def listed_record(identity: str, entries: list[Entry], slug_of: dict[str, str]) -> Record:
    """The best record the list's lines allow for one paper."""
    first = entries[0]
    tags = [(entry, parse_tag(entry.venue_tag)) for entry in entries if entry.venue_tag]
    chosen_entry, chosen_tag = _best_tag(tags) if tags else (first, None)
    ids: dict[str, str] = {}
    for entry in entries:
        for kind, value in entry.target.ids.items():
            ids.setdefault(kind, value)
    arxiv = ids.get("arxiv")

    item: CSLItem = {"title": first.title}
    provenance: dict[str, dict[str, Any]] = {"title": LIST}
    notes: list[str] = []

    venue, year, month, precise = _venue_and_date(ids, chosen_tag)
    kind = venue.kind if venue else _kind_without_venue(first, arxiv)
    item["type"] = venue.csl_type if venue else _csl_type_of(kind)
    provenance["type"] = LIST
    if venue and venue.kind != "web":
        item["container-title"] = "arXiv" if venue.short == "arXiv" else precise or venue.name
        provenance["container-title"] = LIST
        if venue.short != venue.name:
            item["container-title-short"] = venue.short
            provenance["container-title-short"] = LIST
    elif kind == "preprint":
        item["container-title"] = "arXiv"
        provenance["container-title"] = LIST

    if arxiv and kind == "preprint":
        id_year, id_month = arxiv_id_date(arxiv)
        if year is not None and year != id_year:
            notes.append(
                f"year: venue tag [{chosen_tag.text if chosen_tag else ''}] says {year}, "
                f"arXiv id {arxiv} says {id_year}; using the arXiv id"
            )
        year, month = id_year, id_month
        provenance["issued"] = ARXIV_ID
        item["number"] = f"arXiv:{arxiv}"
        provenance["number"] = ARXIV_ID
    elif arxiv and year is not None and year < arxiv_id_date(arxiv)[0]:
        notes.append(
            f"year: venue tag [{chosen_tag.text if chosen_tag else ''}] says {year}, "
            f"earlier than arXiv id {arxiv} ({arxiv_id_date(arxiv)[0]})"
        )
    if year is not None:
        item["issued"] = {"date-parts": [[year, month] if month else [year]]}
        provenance.setdefault("issued", LIST)

    doi = ids.get("doi") or (arxiv_doi(arxiv) if arxiv and kind == "preprint" else None)
    if doi:
        item["DOI"] = doi
        provenance["DOI"] = LIST
    item["URL"] = arxiv_abs_url(arxiv) if arxiv else chosen_entry.url
    provenance["URL"] = LIST

    organization = venue.organization if venue else None
    if organization and kind == "blog":
        item["author"] = [{"literal": organization}]
        provenance["author"] = VENUE_TABLE
    elif (authors := next((e.authors_text for e in entries if e.authors_text), None)) and (
        names := split_author_list(authors)
    ):
        item["author"] = names
        provenance["author"] = LIST
    if organization:
        item["publisher"] = organization
        provenance["publisher"] = VENUE_TABLE

    notes.extend(_disagreements(entries))
    custom: dict[str, Any] = {
        "sections": _unique(slug_of.get(e.section, e.section) for e in entries),
        "section-paths": _unique(e.section for e in entries),
        "venue-kind": kind,
    }
    if arxiv:
        custom["arxiv"] = arxiv
    if ids:
        custom["ids"] = dict(sorted(ids.items()))
    if chosen_entry.venue_tag:
        custom["venue-tag"] = chosen_entry.venue_tag
    code = _unique(url for e in entries for url in e.code)
    if code:
        custom["code"] = code
    item["custom"] = custom
    return Record(id=identity, csl=item, status="listed", provenance=provenance, list_notes=notes,
                  list_hash=list_hash(item))


def list_hash(item: CSLItem) -> str:
    """A fingerprint of what the list says about a paper, to tell when its entry changed."""
    said = {**item, "custom": {k: v for k, v in item["custom"].items() if k not in LISTING_CUSTOM}}
    said.pop("id", None)
    return hashlib.sha256(json.dumps(said, sort_keys=True).encode()).hexdigest()[:16]


def _best_tag(tags: list[tuple[Entry, VenueTag | None]]) -> tuple[Entry, VenueTag | None]:
    """Of several tags for one paper, the published venue beats a preprint, then the later year."""

    def rank(pair: tuple[Entry, VenueTag | None]) -> tuple[int, int, int]:
        tag = pair[1]
        if tag is None:
            return (0, 0, 0)
        published = int(tag.venue is None or tag.venue.kind != "preprint")
        return (1, published, tag.year or 0)

    best = max(rank(pair) for pair in tags)
    return next(pair for pair in tags if rank(pair) == best)


def _venue_and_date(
    ids: dict[str, str], tag: VenueTag | None
) -> tuple[Venue | None, int | None, int | None, str | None]:
    from_url = venue_from_ids(ids)
    tag_year = tag.year if tag else None
    tag_month = tag.month if tag else None
    if from_url:
        venue, url_year, precise = from_url
        return venue, url_year or tag_year, tag_month, precise
    if tag and tag.venue:
        return tag.venue, tag_year, tag_month, None
    if tag and tag.name:
        unknown = Venue(short=tag.name, name=tag.name, kind="unknown")
        return unknown, tag_year, tag_month, None
    return None, tag_year, tag_month, None


def _kind_without_venue(entry: Entry, arxiv: str | None) -> str:
    if arxiv:
        return "preprint"
    if entry.target.role == "web":
        return "web"
    return "unknown"


def _csl_type_of(kind: str) -> str:
    return {"preprint": "article", "web": "webpage"}.get(kind, "article")


def _disagreements(entries: list[Entry]) -> list[str]:
    notes = []
    titles = _unique(entry.title for entry in entries)
    if len(titles) > 1:
        where = ", ".join(f"{e.title!r} (line {e.line})" for e in entries)
        notes.append(f"listed under different titles: {where}")
    tags = _unique(entry.venue_tag for entry in entries if entry.venue_tag)
    if len(tags) > 1:
        where = ", ".join(f"[{e.venue_tag}] (line {e.line})" for e in entries if e.venue_tag)
        notes.append(f"listed with different venue tags: {where}")
    return notes


# The name that stands for authors a list leaves unnamed ("et al."), as BibTeX spells it.
OTHERS = {"literal": "others"}


def split_author_list(text: str) -> list[dict[str, str]]:
    """An author list as a list writes it -> CSL names; ``[]`` unless every name looks like a person's.

    A wrong author is worse than none, so one doubtful name drops the whole list.  "et al." and
    "others" become the name ``others`` (BibTeX's "and others", printed "et al."): the list is known
    to go on.  "Jr."/"III" are the name's ``suffix``.

    >>> split_author_list("Aidan N. Gomez and Martin Luther King, Jr. et al.")[1:]
    [{'given': 'Martin Luther', 'family': 'King', 'suffix': 'Jr.'}, {'literal': 'others'}]
    >>> split_author_list("Jiang et al.")
    [{'literal': 'Jiang'}, {'literal': 'others'}]
    >>> split_author_list("Mixtral, Qwen and DeepSeek")  # one-word names, and not "X et al.": unsure
    []
    >>> split_author_list("(2015), G")
    []
    """
    shortened = bool(_UNNAMED.search(text))
    names: list[str] = []
    for part in _AUTHOR_SEPARATOR.split(_UNNAMED.sub(",", unicodedata.normalize("NFC", text))):
        name = _without_full_stop(part.strip(" \t-–—:"))
        if not name:
            continue
        if name in SUFFIXES and names:  # "King, Jr."
            names[-1] = f"{names[-1]} {name}"
        else:
            names.append(name)
    lone_surname = shortened and len(names) == 1  # "Jiang et al."
    if not names or not all(_looks_like_person(name, lone_surname) for name in names):
        return []
    return [split_name(name) for name in names] + ([OTHERS] if shortened else [])


_AUTHOR_SEPARATOR = re.compile(r"\s*(?:[,;&]|\band\b)\s*(?:and\s+)?")
_UNNAMED = re.compile(r"\bet\.?\s*al\b\.?|\band\s+others\b|\bothers\b|\betc\b\.?|…|\.{3}", re.IGNORECASE)
_NAME_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|[.'’\-])*")
_MAX_NAME_WORDS = 5


def _without_full_stop(name: str) -> str:
    """``Illia Polosukhin.`` ends a sentence; ``Aidan N.`` and ``Jr.`` keep their stop."""
    words = name.split()
    if name.endswith(".") and len(words[-1].rstrip(".")) > 1 and words[-1] not in SUFFIXES:
        return name.rstrip(".")
    return name


def _looks_like_person(name: str, lone_surname: bool) -> bool:
    """Up to five capitalised words (particles such as ``van``, ``de`` aside), no digits or brackets,
    at least one of them more than an initial; one word only for "Surname et al."."""
    words = [word for word in name.split() if word not in SUFFIXES]
    if not words or len(words) > _MAX_NAME_WORDS or (len(words) == 1 and not lone_surname):
        return False
    if not all(_NAME_WORD.fullmatch(word) for word in words):
        return False
    if any(word[0].islower() and word not in PARTICLES for word in words):
        return False
    return any(len(re.sub(r"[.'’\-]", "", word)) > 1 and not _is_initials(word) for word in words)


def _is_initials(word: str) -> bool:
    """``N.``, ``J.R.R.``, ``A.-B.``"""
    return "." in word and all(len(piece) <= 1 for piece in re.split(r"[.\-]", word))


def _unique(values: Iterable[str | None]) -> list[str]:
    return [v for v in dict.fromkeys(values) if v]
