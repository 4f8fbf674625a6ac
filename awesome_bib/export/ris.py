"""RIS from CSL-JSON items, for Zotero, EndNote and Mendeley: a pure, deterministic function.

>>> print(to_ris([{
...     "id": "jiang2024mixtral", "type": "article", "title": "Mixtral of Experts",
...     "author": [{"family": "Jiang", "given": "Albert Q."}], "container-title": "arXiv",
...     "issued": {"date-parts": [[2024, 1, 8]]}, "DOI": "10.48550/arXiv.2401.04088",
...     "custom": {"arxiv": "2401.04088"},
... }]), end="")  # doctest: +NORMALIZE_WHITESPACE
TY  - UNPB
ID  - jiang2024mixtral
AU  - Jiang, Albert Q.
TI  - Mixtral of Experts
T2  - arXiv
PY  - 2024
DA  - 2024/01/08/
DO  - 10.48550/arXiv.2401.04088
UR  - https://arxiv.org/abs/2401.04088
AN  - arXiv:2401.04088
ER  -

One ``TAG  - value`` line per field, an entry per item ending with ``ER  - `` and a blank line.  RIS
has no escaping: every value is the field's text on one line (normalised as in the BibTeX export,
so a title cannot start a line of its own), in UTF-8.  The citation key is ``ID``, the arXiv id is
``AN`` (``arXiv:<id>``, the form reference managers recognise), its abstract page a ``UR`` beside
the record's own URL, and the sections listing the paper are ``KW`` keywords.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from awesome_bib.export.bibtex import PAGE_RANGE, field_text, keyed, person_name, url_beside_doi
from awesome_bib.ids.arxiv import abs_url as arxiv_abs_url
from awesome_bib.records.csl import issued_parts
from awesome_bib.records.latex_text import normalize_text
from awesome_bib.records.model import CSLItem

# CSL type -> RIS type: conference paper, journal article, unpublished work (a preprint), blog, web
# page, report, book chapter, computer program, data set; anything else is generic.
_TYPES = {
    "paper-conference": "CPAPER",
    "article-journal": "JOUR",
    "article": "UNPB",
    "post-weblog": "BLOG",
    "webpage": "ELEC",
    "post": "ELEC",
    "report": "RPRT",
    "chapter": "CHAP",
    "software": "COMP",
    "dataset": "DATA",
}


def to_ris(items: Iterable[CSLItem]) -> str:
    """One RIS record per CSL item, in input order ("" for none)."""
    records = []
    for key, item in keyed(items, "RIS"):
        lines = [f"{tag}  - {value}" for tag, value in _tags(key, item) if value]
        records.append("\n".join([*lines, "ER  - "]) + "\n")
    return "\n".join(records)


def ris_type(item: CSLItem) -> str:
    return _TYPES.get(str(item.get("type", "")), "GEN")


def ris_name(name: dict[str, Any]) -> str:
    """``Family, Given[, Suffix]`` with particles before the family name; a literal name as it is."""
    person = person_name(name)
    if person.single or not person.family:
        return person.single
    last = " ".join(part for part in (person.particles, person.family) if part)
    return ", ".join(part for part in (last, person.given, person.suffix) if part)


def _tags(key: str, item: CSLItem) -> Iterator[tuple[str, str]]:
    def text(field: str, source: dict[str, Any] | None = None) -> str:
        return normalize_text(field_text(item, field, source))

    custom = item.get("custom") or {}
    arxiv = text("arxiv", custom)
    doi = text("DOI")
    yield "TY", ris_type(item)
    yield "ID", key
    for name in item.get("author") or []:
        if not person_name(name).is_others:  # RIS has no "et al.": the named authors are the list
            yield "AU", ris_name(name)
    yield "TI", text("title")
    yield "T2", text("container-title") or text("event-title")
    parts = issued_parts(item)
    if parts:
        yield "PY", f"{parts[0]:04d}"
        yield "DA", "/".join([f"{parts[0]:04d}", *(f"{part:02d}" for part in parts[1:])]) + "/" * (4 - len(parts))
    yield "VL", text("volume")
    yield "IS", text("issue")
    pages = PAGE_RANGE.split(text("page"), maxsplit=1)
    yield "SP", pages[0]
    yield "EP", pages[1] if len(pages) > 1 else ""
    yield "PB", text("publisher")
    if ris_type(item) == "RPRT":
        yield "SN", text("number")
    yield "DO", doi
    abstract_page = arxiv_abs_url(arxiv) if arxiv else ""
    # A preprint's link is its abstract page (as in the BibTeX export); a published paper keeps its own.
    own = "" if item.get("type") == "article" and arxiv else url_beside_doi(text("URL"), doi)
    for url in dict.fromkeys(url for url in (own, abstract_page) if url):
        yield "UR", url
    yield "AN", f"arXiv:{arxiv}" if arxiv else ""
    for slug in custom.get("sections") or []:
        yield "KW", normalize_text(str(slug))
    yield "N1", text("note")
