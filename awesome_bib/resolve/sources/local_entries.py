"""Local bibliography entries parsed in full, as candidates: BibTeX with bibtexparser, LaTeX decoded
to Unicode; CSL-JSON items as they are.  Only an entry that may be a paper of the list is parsed.

Every candidate names where it came from: ``id`` is ``<file>#<entry key>``, and ``evidence``
carries ``origin``, the entry's own ``source`` (or DBLP's ``biburl``) field -- the public page or
``repository@commit:path`` the entry was copied from.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from awesome_bib.ids import arxiv_id_date, ids_from_doi, normalize_doi
from awesome_bib.ids.arxiv import abs_url as arxiv_abs_url
from awesome_bib.records.csl import date_parts
from awesome_bib.records.latex_text import unescape_latex
from awesome_bib.records.model import CSLItem
from awesome_bib.records.names import split_name
from awesome_bib.resolve.sources import Candidate, compact
from awesome_bib.resolve.sources.local_files import BRACED, EntrySpan, IndexedEntry, year_in

SOURCE = "file"  # the source every local candidate names

_PREPRINT_VENUES = re.compile(r"^(?:arxiv\b.*|corr|arxiv preprint.*|preprint)$", re.IGNORECASE)
_MONTHS = {name: number for number, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
_DBLP_KEY = re.compile(r"^DBLP:(.+)$")
_BIBTEX_TYPES = {
    "inproceedings": "paper-conference", "conference": "paper-conference", "proceedings": "book",
    "article": "article-journal", "book": "book", "incollection": "chapter", "inbook": "chapter",
    "techreport": "report", "report": "report", "phdthesis": "thesis", "mastersthesis": "thesis",
    "thesis": "thesis", "online": "webpage", "electronic": "webpage", "www": "webpage",
    "unpublished": "manuscript", "misc": "article",
}


class UnreadableEntry(ValueError):
    """An entry the index found but bibtexparser cannot read."""


def entry_candidate(entry: IndexedEntry) -> Candidate:
    """The entry parsed in full; raises :class:`UnreadableEntry` for BibTeX bibtexparser cannot read."""
    if isinstance(entry.raw, Mapping):
        return _csl_candidate(entry, entry.raw)
    return _bibtex_candidate(entry, entry.raw.text() if isinstance(entry.raw, EntrySpan) else entry.raw)


def _csl_candidate(entry: IndexedEntry, item: Mapping[str, Any]) -> Candidate:
    csl = {key: value for key, value in item.items() if key not in ("id", "custom", "citation-key")}
    csl = _with_ids(compact(csl), entry.ids)
    preprint = _is_preprint_venue(str(item.get("container-title") or item.get("publisher") or "")) or (
        "arxiv" in entry.ids and not item.get("container-title"))
    return _candidate(entry, csl, preprint, origin=str(item.get("source") or ""))


def _bibtex_candidate(entry: IndexedEntry, chunk: str) -> Candidate:
    import bibtexparser

    library = bibtexparser.parse_string("@" + chunk)
    if library.failed_blocks or not library.entries:
        raise UnreadableEntry("bibtexparser cannot read it")
    parsed = library.entries[0]
    fields = {f.key.lower(): f.value for f in parsed.fields}
    kind = parsed.entry_type.lower()
    venue = _plain(fields.get("booktitle") or fields.get("journal") or fields.get("journaltitle") or "")
    arxiv = entry.ids.get("arxiv")
    published_doi = "doi" in entry.ids and "arxiv" not in ids_from_doi(normalize_doi(entry.ids["doi"]))
    preprint = _is_preprint_venue(venue) or (bool(arxiv) and not venue and not published_doi
                                             and kind in ("misc", "article", "online", "unpublished"))
    csl: CSLItem = compact({
        "type": "article" if preprint else _BIBTEX_TYPES.get(kind, "article"),
        "title": _plain(fields.get("title", "")),
        "author": _names(fields.get("author", "")),
        "editor": _names(fields.get("editor", "")),
        "issued": _issued(fields),
        "container-title": None if preprint else venue,
        "publisher": "arXiv" if preprint else _plain(fields.get("publisher") or fields.get("organization")
                                                      or fields.get("institution") or fields.get("school") or ""),
        "volume": None if preprint else _plain(fields.get("volume", "")),
        "issue": None if preprint else _plain(fields.get("number", "")),
        "page": _plain(fields.get("pages", "").replace("--", "-")),
        "URL": _plain(fields.get("url", "")),
    })
    if kind in ("online", "electronic", "www") or (kind == "misc" and not preprint and not venue):
        csl["type"] = "webpage" if kind != "misc" or fields.get("url") else "article"
    dblp = _DBLP_KEY.match(parsed.key)
    if dblp:
        csl.setdefault("custom", {})["dblp"] = dblp.group(1)
    csl = _with_ids(csl, entry.ids)
    if preprint and arxiv:
        csl["URL"] = arxiv_abs_url(arxiv)
        csl.pop("DOI", None)
        year, month = arxiv_id_date(arxiv)  # the id spells out its month, by arXiv's fixed rule
        if csl.get("issued") in (None, date_parts(year)):
            csl["issued"] = date_parts(year, month)
    origin = _plain(fields.get("source") or fields.get("biburl") or "")
    return _candidate(entry, csl, preprint, origin)


def _with_ids(csl: CSLItem, ids: Mapping[str, str]) -> CSLItem:
    if "doi" in ids:
        csl["DOI"] = ids["doi"]
    if "arxiv" in ids:
        csl.setdefault("custom", {})["arxiv"] = ids["arxiv"]
    return csl


def _candidate(entry: IndexedEntry, csl: CSLItem, preprint: bool, origin: str) -> Candidate:
    evidence = compact({"origin": origin, "preprint": preprint, "file": entry.file, "key": entry.key})
    return Candidate(SOURCE, f"{entry.file}#{entry.key}", csl, evidence)


def _is_preprint_venue(venue: str) -> bool:
    return bool(_PREPRINT_VENUES.match(venue.strip()))


def _plain(value: str) -> str:
    """A field's LaTeX as Unicode text, whitespace collapsed."""
    return " ".join(unescape_latex(value).split())


def _issued(fields: Mapping[str, str]) -> dict[str, Any] | None:
    date = _plain(fields.get("date", ""))
    if date:
        return date_parts(*date.split("-")[:3])
    month = fields.get("month", "").strip().lower()[:3]
    return date_parts(year_in(fields.get("year")), _MONTHS.get(month, month if month.isdigit() else None))


def _names(value: str) -> list[dict[str, Any]]:
    """BibTeX names (``Family, Given and {Organisation} and others``) as CSL names."""
    from bibtexparser.middlewares.names import parse_single_name_into_parts, split_multiple_persons_names

    names: list[dict[str, Any]] = []
    for raw in split_multiple_persons_names(value) if value.strip() else []:
        raw = raw.strip()
        if raw.lower() == "others":
            names.append({"literal": "others"})
        elif raw.startswith("{") and raw.endswith("}") and BRACED.fullmatch(raw):
            names.append({"literal": _plain(raw[1:-1])})  # {Mistral AI}: one name, as written
        elif "," in raw:
            parts = parse_single_name_into_parts(raw)
            family = " ".join([*parts.von, *parts.last])
            name = compact({"given": _plain(" ".join(parts.first)), "family": _plain(family),
                            "suffix": _plain(" ".join(parts.jr))})
            names.append(name if name.get("family") else {"literal": _plain(raw)})
        else:
            names.append(split_name(_plain(raw)))
    return names
