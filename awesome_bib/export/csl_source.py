"""CSL items as citeproc-py references, read as citeproc-js reads them, for :mod:`csl_engine`.

What an item's fields mean is settled here, before any style sees them: rich text and straight
quotes become marks, words holding a capital are protected from text-case, variables citeproc-py
does not list are kept, ``note`` lines stand for missing fields, and family names give up their
particles.  Each reference is built alone, so a malformed item fails alone.
"""

from __future__ import annotations

import re
from typing import Any

import citeproc
from citeproc.source import BibliographySource, CitationItem, Name, Reference, VariableError
from citeproc.source.json import CiteProcJSON
from citeproc.string import MixedString, NoCase, String

from awesome_bib.export.csl_text import Capitalised
from awesome_bib.export.marks import (
    ANY_MARK,
    JOINED,
    MARKS,
    NUMBER_MARK,
    QUOTE_CLOSE,
    QUOTE_OPEN,
    YEAR_SUFFIX_MARK,
)
from awesome_bib.records.model import CSLItem

_KNOWN_FIELDS = {name for name in citeproc.VARIABLES} | {"title_short"}
# CSL-JSON aliases citeproc-js reads (Zotero's spelling of the short container title).
_ALIASES = {"journalAbbreviation": "container-title-short", "shortTitle": "title-short"}
# Text fields that are identifiers: their quotes and apostrophes are not typography.
_VERBATIM = frozenset({"URL", "DOI", "ISBN", "ISSN", "PMID", "PMCID", "call-number", "language"})
# Number variables whose ``3-4`` is a range, printed with an en dash as citeproc-js does.
_RANGES = frozenset({"issue", "volume", "number-of-volumes"})
_NUMBER_RANGE = re.compile(r"\d+\s*-\s*\d+")
_NAME_PARTS = ("family", "given", "dropping-particle", "non-dropping-particle", "suffix")
_RICH_TAG = re.compile(
    r"<(?P<open>i|b|sup|sub|sc)>"
    r'|<span\s+(?P<span>class="(?:nocase|nodecor)"|style="font-variant:\s*small-caps;?")\s*>'
    r"|</(?P<close>i|b|sup|sub|sc|span)>"
)
_RICH_MARKS = {
    "i": MARKS["italic"],
    "b": MARKS["bold"],
    "sup": MARKS["superscript"],
    "sub": MARKS["subscript"],
    "sc": MARKS["small-caps"],
    "small-caps": MARKS["small-caps"],
}
_SPANS = ("nocase", "nodecor", "small-caps")


def rich_text_to_marks(text: str) -> str:
    """CSL-JSON rich text -> marks; unknown or unbalanced tags stay literal text.

    >>> rich_text_to_marks("<i>In vivo</i> & <b>x</b> < y")
    '\\ue000In vivo\\ue001 & \\ue002x\\ue003 < y'

    ``<span class="nocase">`` is kept for citeproc-py, which reads it itself; ``nodecor`` (undo
    the surrounding formatting) has no mark and becomes ``nocase``: citeproc-js leaves its case.
    """
    text = ANY_MARK.sub("", text)
    tokens = list(_RICH_TAG.finditer(text))
    replacement: dict[int, str] = {}
    stack: list[tuple[str, int]] = []
    for index, token in enumerate(tokens):
        if token["open"] or token["span"]:
            span = token["span"] or ""
            kind = token["open"] or next(name for name in _SPANS if name in span)
            stack.append((kind, index))
            continue
        closing = token["close"]
        if stack and (stack[-1][0] == closing or (closing == "span" and stack[-1][0] in _SPANS)):
            kind, opened = stack.pop()
            if kind in _RICH_MARKS:
                replacement[opened], replacement[index] = _RICH_MARKS[kind]
            elif kind == "nodecor":  # no formatting of its own, and kept as written (as nocase)
                replacement[opened], replacement[index] = '<span class="nocase">', "</span>"
    if not replacement:
        return text
    pieces, position = [], 0
    for index, token in enumerate(tokens):
        if index in replacement:
            pieces += [text[position : token.start()], replacement[index]]
            position = token.end()
    pieces.append(text[position:])
    return "".join(pieces)


_STRAIGHT_QUOTE = re.compile(
    r"""(?P<open>(?<![^\s(\[{>"'\u2013\u2014\ue000-\ue01f-])["'](?=\S))"""
    r"""|(?P<close>(?<=\S)["'](?=[\s.,;:!?)\]}<"'\u2013\u2014\ue000-\ue01f-]|$))"""
    r"""|["']"""
)


def typographic_quotes(text: str) -> str:
    """Straight quotes in a field as citeproc-js reads them: a pair of ``"`` or ``'`` around words
    is a quotation (:data:`QUOTE_OPEN` ... :data:`QUOTE_CLOSE`, outer or inner once the entry is
    known), and any other ``'`` is an apostrophe.

    >>> typographic_quotes("D'Arcus on 'Informal' rules") == (
    ...     f"D’Arcus on {QUOTE_OPEN}Informal{QUOTE_CLOSE} rules")
    True
    """
    if '"' not in text and "'" not in text:
        return text
    tokens = list(_STRAIGHT_QUOTE.finditer(text))
    chosen: dict[int, str] = {}
    openers: list[int] = []
    for index, token in enumerate(tokens):
        same = [at for at in openers if tokens[at][0] == token[0]]
        if token["close"] and same:
            opened = same[-1]
            chosen[opened], chosen[index] = QUOTE_OPEN, QUOTE_CLOSE
            openers = openers[: openers.index(opened)]
        elif token["open"]:
            openers.append(index)
    pieces, position = [], 0
    for index, token in enumerate(tokens):
        pieces += [text[position : token.start()], chosen.get(index, token[0].replace("'", "’"))]
        position = token.end()
    pieces.append(text[position:])
    return "".join(pieces)


class _Reference(Reference):
    """citeproc-py's reference, its variables read in one call (its own way takes three), and its
    ``shape``: its type and the variables it has, all that the common conditions test."""

    __slots__ = ("shape",)

    def __getitem__(self, key: str) -> Any:
        try:
            return dict.__getitem__(self, key)
        except KeyError:
            raise VariableError from None

    __getattr__ = __getitem__


class ItemSource(CiteProcJSON):
    """Builds one reference at a time, so a malformed item fails alone.  A name or text met again
    in the batch (a co-author, a venue) is read once: rendering never changes what it reads."""

    def __init__(self, year_suffix_variable: bool) -> None:
        BibliographySource.__init__(self)
        self._year_suffix = year_suffix_variable
        self._names: dict[tuple[tuple[str, str], ...], Name] = {}
        self._strings: dict[tuple[str, bool], MixedString] = {}

    def add_item(self, key: str, item: CSLItem) -> None:
        if "note" in item and ":" in str(item["note"]):
            item = _with_note_fields(item)
        fields: dict[str, Any] = {}
        extra: dict[str, Any] = {}
        for field, value in item.items():
            if value in (None, "", []) or field in ("id", "type", "custom"):
                continue
            canonical = _ALIASES.get(field, field)
            if canonical != field and item.get(canonical):
                continue
            field, name = canonical, canonical.replace("-", "_")
            if isinstance(value, list) and value and isinstance(value[0], dict):
                value = [self._name(part) for part in value]
                # citeproc-py looks name variables up by their CSL (hyphenated) name
                extra[field] = value
            elif isinstance(value, dict) and ("date-parts" in value or "literal" in value):
                value = self.parse_date(value)
                if value is None:
                    continue
            elif field in _VERBATIM or not isinstance(value, (str, int, float)):
                value = value if field == "language" else self.parse_string(value, verbatim=True)
            elif field in _RANGES and _NUMBER_RANGE.fullmatch(str(value)):
                value = self.parse_string(re.sub(r"\s*-\s*", "–", str(value)))
            else:
                value = self.parse_string(value)
            (fields if name in _KNOWN_FIELDS else extra)[name] = value
        if self._year_suffix:
            fields["year_suffix"] = String(YEAR_SUFFIX_MARK)
        reference = _Reference(key, str(item.get("type") or "article"), **fields)
        dict.update(reference, extra)  # variables citeproc-py does not list (volume-title, ...)
        object.__setattr__(reference, "shape", (reference["type"], frozenset(reference)))
        self.add(reference)

    def _name(self, name: dict[str, Any]) -> Name:
        key = tuple((part, str(name[part])) for part in ("literal", *_NAME_PARTS) if name.get(part))
        if key not in self._names:
            self._names[key] = self._read_name(name)
        return self._names[key]

    def _read_name(self, name: dict[str, Any]) -> Name:
        if name.get("literal"):
            return Name(literal=rich_text_to_marks(str(name["literal"])))
        parts = {part: str(name[part]) for part in _NAME_PARTS if name.get(part)}
        for part, value in parts.items():
            marked = rich_text_to_marks(value)
            # initials are taken from the given name's letters: its formatting cannot survive
            parts[part] = ANY_MARK.sub("", marked) if part == "given" else marked
            parts[part] = parts[part].replace("'", "’")
        if "family" in parts and not {"dropping-particle", "non-dropping-particle"} & set(parts):
            parts.update(_family_particle(parts["family"]))
        return Name(**parts)

    def parse_string(self, string: object, verbatim: bool = False) -> MixedString:
        """Rich text, quotes and protected capitals read; ``verbatim`` (identifiers) reads none."""
        key = (str(string), verbatim)
        if key not in self._strings:
            self._strings[key] = self._read_string(*key)
        return self._strings[key]

    def _read_string(self, text: str, verbatim: bool) -> MixedString:
        if verbatim:
            return MixedString([String(text)])
        parsed = super().parse_string(typographic_quotes(rich_text_to_marks(text)))
        if text.isupper():  # CSL: an all-capitals string is re-cased as a whole
            return parsed
        return MixedString([piece for segment in parsed for piece in _protect_capitalised(segment)])


_NOTE_FIELD = re.compile(r"^([a-z][a-z-]+):\s*(.+?)\s*$", re.MULTILINE)
_TEXT_VARIABLES = frozenset(
    name.replace("_", "-") for name in citeproc.VARIABLES if name not in citeproc.NAMES + citeproc.DATES
) | {"volume-title", "event-title", "part-title", "reviewed-title", "container-title-short", "title-short"}


_NAME_VARIABLES = frozenset(name.replace("_", "-") for name in citeproc.NAMES) | {
    "reviewed-author",
    "editorial-director",
    "chair",
    "contributor",
    "series-creator",
}


_DATE_VARIABLES = frozenset(name.replace("_", "-") for name in citeproc.DATES)
_ISO_DATES = re.compile(r"\d{4}(?:-\d{1,2}){0,2}(?:/\d{4}(?:-\d{1,2}){0,2})?")


def _with_note_fields(item: CSLItem) -> CSLItem:
    """``note`` lines ``variable: value`` are fields the item lacks, as citeproc-js (and Zotero's
    Extra field) read them; a name is ``family || given``, a date ``2004-10-01/2004-10-14``; the
    lines leave the note.

    >>> _with_note_fields({"note": "container-title: Serving MoE\\nreviewed-author: Hall || W.C."})
    {'note': '', 'container-title': 'Serving MoE', 'reviewed-author': [{'family': 'Hall', 'given': 'W.C.'}]}
    """
    found: dict[str, Any] = {}
    kept = []
    for line in str(item["note"]).splitlines():
        match = _NOTE_FIELD.fullmatch(line)
        name = match[1] if match else ""
        if match and name in _TEXT_VARIABLES and not item.get(name):
            found[name] = match[2]
        elif match and name in _DATE_VARIABLES and not item.get(name) and _ISO_DATES.fullmatch(match[2]):
            found[name] = {
                "date-parts": [[int(part) for part in date.split("-")] for date in match[2].split("/")]
            }
        elif match and name in _NAME_VARIABLES and not item.get(name):
            family, _, given = match[2].partition("||")
            person = {"family": family.strip(), "given": given.strip()} if given else {"literal": family.strip()}
            found.setdefault(name, []).append(person)
        else:
            kept.append(line)
    return {**item, "note": "\n".join(kept), **found} if found else item


_JOINED_PARTICLE = re.compile(r"([a-z]+-)(?=[A-Z])")


def _family_particle(family: str) -> dict[str, str]:
    """A family name's leading lower-case words are its particle, as citeproc-js parses them
    (``von Hoppel``: particle ``von``); a family name in double quotes is taken as it stands.

    >>> _family_particle("van der Berg"), _family_particle('"van Happel"')
    ({'non-dropping-particle': 'van der', 'family': 'Berg'}, {'family': 'van Happel'})
    >>> _family_particle("al-One") == {"non-dropping-particle": "al-" + JOINED, "family": "One"}
    True
    """
    if len(family) > 1 and family[0] == family[-1] == '"':
        return {"family": family[1:-1]}
    joined = _JOINED_PARTICLE.match(family)
    if joined:  # al-One: the particle is printed joined to the name, whatever the order
        return {"non-dropping-particle": joined[1] + JOINED, "family": family[joined.end() :]}
    words = family.split(" ")
    particle = []
    while len(words) > 1 and words[0].islower() and words[0].isalpha():
        particle.append(words.pop(0))
    if not particle:
        return {}
    return {"non-dropping-particle": " ".join(particle), "family": " ".join(words)}


def _protect_capitalised(segment: String) -> list[String]:
    """CSL's text-case changes only lower-case words: make words holding a capital NoCase."""
    if isinstance(segment, NoCase):
        return [segment]
    pieces: list[String] = []
    position = 0
    for word in re.finditer(r"\S+", str(segment)):
        if word.group() != word.group().lower():
            if word.start() > position:
                pieces.append(String(segment[position : word.start()]))
            pieces.append(Capitalised(word.group()))
            position = word.end()
    if position < len(segment):
        pieces.append(String(segment[position:]))
    return pieces


class BoundCite(CitationItem):
    """A cite bound to its reference, whose citation number is a mark (known only after sorting).

    citeproc-py looks the reference up through three dictionaries on every variable access.
    """

    # Slots, read in one step, in place of citeproc-py's properties.
    __slots__ = ("bibliography", "reference")

    def __init__(self, key: str, reference: Reference, bibliography: Any) -> None:
        super().__init__(key)
        object.__setattr__(self, "reference", reference)
        object.__setattr__(self, "bibliography", bibliography)

    @property
    def number(self) -> str:
        return NUMBER_MARK
