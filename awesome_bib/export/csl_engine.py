"""citeproc-py behind one small interface: a parsed CSL style renders CSL items to marked-up text.

Rendered text is plain Unicode in which formatting is a pair of private-use marks (:data:`MARKS`)
and the citation number is :data:`NUMBER_MARK`; :mod:`awesome_bib.export.formatted` turns marks into
Markdown or HTML and puts the final number in.  Rendering is per entry, so one entry's failure is
that entry's alone, and an entry can be cached apart from its position in the list.

What this module and :mod:`csl_model` fix in citeproc-py (0.11), each checked against citeproc-js:

* speed: citeproc-py re-runs an XPath query for every macro call and recomputes, for every group
  of every entry, whether it calls a variable; here the style's elements memoise what depends on
  the style alone (macros, terms, layout, ``calls_variable``).  That is most of its time.
* ``cs:substitute`` with a macro (APA's title-for-author) did not suppress the substituted
  variables, so an entry without authors showed its title twice.
* text-case: citeproc-py capitalises and lower-cases mixed-case words (``arXiv`` -> ``ArXiv``);
  CSL changes only lower-case words, so words holding a capital are protected here.
* CSL-JSON rich text (``<i>``, ``<b>``, ``<sup>``, ``<sub>``, small caps) was printed as literal
  tags, and nothing was escaped; here it becomes marks and :mod:`formatted` escapes everything else.
* ``punctuation-in-quote`` (en-US: ``“Title,”``) was ignored, and punctuation met twice across
  fields (``2024. .``, ``need?.``) was kept.
* second-field-align: the label (``[1]``) is rendered as its own field, not glued to the author.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import citeproc
from citeproc.frontend import CitationStylesStyle
from citeproc.source import BibliographySource, CitationItem, Name, Reference, VariableError
from citeproc.source.json import CiteProcJSON
from citeproc.string import MixedString, NoCase, String, join
from lxml import etree

from ..errors import AwesomeBibError
from ..model import CSLItem
from .csl_model import CSL_NS, Capitalised, element_lookup
from .marks import ANY_MARK, MARK_CHARS, MARKS, NUMBER_MARK, tidy


@dataclass(frozen=True)
class RenderedEntry:
    """One entry: ``label`` is the left-margin field (``[<NUMBER_MARK>]``) or None; ``sort`` holds
    its values for the style's sort keys (None when not asked for)."""

    label: str | None
    body: str
    sort: list[str | None] | None = None


def _marked(kind: str) -> Any:
    opening, closing = MARKS[kind]
    return staticmethod(lambda text: f"{opening}{text}{closing}")


class _Marks:
    """A citeproc-py output format that writes marks instead of markup, and escapes nothing."""

    preformat = staticmethod(str)
    Italic = Oblique = _marked("italic")
    Bold = _marked("bold")
    Light = staticmethod(str)
    Underline = _marked("underline")
    Superscript = _marked("superscript")
    Subscript = _marked("subscript")
    SmallCaps = _marked("small-caps")


# ---------------------------------------------------------------------------------------------
# Items -> citeproc-py references


_KNOWN_FIELDS = {name for name in citeproc.VARIABLES} | {"title_short"}
_NAME_PARTS = ("family", "given", "dropping-particle", "non-dropping-particle", "suffix")
_RICH_TAG = re.compile(
    r'<(?P<open>i|b|sup|sub)>|<span\s+(?P<span>class="nocase"|style="font-variant:\s*small-caps;?")\s*>'
    r"|</(?P<close>i|b|sup|sub|span)>"
)
_RICH_MARKS = {
    "i": MARKS["italic"],
    "b": MARKS["bold"],
    "sup": MARKS["superscript"],
    "sub": MARKS["subscript"],
    "small-caps": MARKS["small-caps"],
}


def rich_text_to_marks(text: str) -> str:
    """CSL-JSON rich text -> marks; unknown or unbalanced tags stay literal text.

    >>> rich_text_to_marks("<i>In vivo</i> & <b>x</b> < y")
    '\\ue000In vivo\\ue001 & \\ue002x\\ue003 < y'

    ``<span class="nocase">`` is kept for citeproc-py, which reads it itself.
    """
    text = ANY_MARK.sub("", text)
    tokens = list(_RICH_TAG.finditer(text))
    replacement: dict[int, str] = {}
    stack: list[tuple[str, int]] = []
    for index, token in enumerate(tokens):
        if token["open"] or token["span"]:
            kind = token["open"] or ("nocase" if "nocase" in token["span"] else "small-caps")
            stack.append((kind, index))
            continue
        closing = token["close"]
        if stack and (
            stack[-1][0] == closing
            or (closing == "span" and stack[-1][0] in ("nocase", "small-caps"))
        ):
            kind, opened = stack.pop()
            if kind != "nocase":
                replacement[opened], replacement[index] = _RICH_MARKS[kind]
    if not replacement:
        return text
    pieces, position = [], 0
    for index, token in enumerate(tokens):
        if index in replacement:
            pieces += [text[position : token.start()], replacement[index]]
            position = token.end()
    pieces.append(text[position:])
    return "".join(pieces)


class _Source(CiteProcJSON):
    """Builds one reference at a time, so a malformed item fails alone."""

    def __init__(self) -> None:
        BibliographySource.__init__(self)

    def add_item(self, key: str, item: CSLItem) -> None:
        fields: dict[str, Any] = {}
        for field, value in item.items():
            name = "title_short" if field == "shortTitle" else field.replace("-", "_")
            if name not in _KNOWN_FIELDS or value in (None, "", []):
                continue
            if name in citeproc.NAMES:
                value = [self._name(part) for part in value]
            elif name in citeproc.DATES:
                value = self.parse_date(value)
                if value is None:
                    continue
            elif field != "language":
                value = self.parse_string(value)
            fields[name] = value
        self.add(Reference(key, str(item.get("type") or "article"), **fields))

    @staticmethod
    def _name(name: dict[str, Any]) -> Name:
        if name.get("literal"):
            return Name(literal=str(name["literal"]))
        return Name(**{part: str(name[part]) for part in _NAME_PARTS if name.get(part)})

    def parse_string(self, string: object) -> MixedString:
        text = str(string)
        parsed = super().parse_string(rich_text_to_marks(text))
        if text.isupper():  # CSL: an all-capitals string is re-cased as a whole
            return parsed
        return MixedString([piece for segment in parsed for piece in _protect_capitalised(segment)])


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


class _Cite(CitationItem):
    """A cite bound to its reference, whose citation number is a mark (known only after sorting).

    citeproc-py looks the reference up through three dictionaries on every variable access.
    """

    def __init__(self, key: str, reference: Reference, bibliography: Any) -> None:
        super().__init__(key)
        object.__setattr__(self, "_bound", (reference, bibliography))

    @property
    def reference(self) -> Reference:
        return self.__dict__["_bound"][0]

    @property
    def bibliography(self) -> Any:
        return self.__dict__["_bound"][1]

    @property
    def number(self) -> str:
        return NUMBER_MARK


# ---------------------------------------------------------------------------------------------
# Parsed styles


class ParsedStyle:
    """A CSL style parsed once; renders entries and sort keys for many items."""

    def __init__(self, path: Path) -> None:
        self.path = path
        style = CitationStylesStyle.__new__(CitationStylesStyle)
        parser = etree.XMLParser(remove_comments=True, encoding="UTF-8", no_network=True)
        parser.set_element_class_lookup(element_lookup())
        try:
            style.xml = etree.parse(str(path), parser)
        except (OSError, etree.XMLSyntaxError) as error:
            raise AwesomeBibError(f"{path}: not a readable CSL style: {error}") from None
        style.root = style.xml.getroot()
        if style.root.tag != f"{CSL_NS}style":
            raise AwesomeBibError(f"{path}: not a CSL style (root element is not <style>)")
        if style.root.bibliography is None:
            raise AwesomeBibError(
                f"{path}: this CSL style has no bibliography; choose another style"
            )
        try:
            style.root.set_locale_list(style.root.get("default-locale", "en-US"), validate=False)
        except ValueError as error:
            raise AwesomeBibError(f"{path}: {error}") from None
        style.root.formatter = _Marks
        self._style = style
        self._alive = list(style.root.iter())  # keeps memoised attributes (see csl_model)
        self._layout = style.root.bibliography.layout
        if self._layout is None:
            raise AwesomeBibError(f"{path}: the style's bibliography has no layout")
        self._fields = list(self._layout.iterchildren())
        self._aligns_label = bool(self._style.root.bibliography.get("second-field-align")) or (
            bool(self._fields) and self._fields[0].get("display") == "left-margin"
        )
        self._sort_keys = self._read_sort_keys()
        self._quote_fix = self._punctuation_in_quote()

    def _read_sort_keys(self) -> list[tuple[Any, bool]]:
        """The bibliography's sort keys, each with whether it is the citation number."""
        sort = self._style.root.bibliography.find(f"{CSL_NS}sort")
        keys = [] if sort is None else sort.iterfind(f"{CSL_NS}key")
        return [(key, key.get("variable") == "citation-number") for key in keys]

    def _punctuation_in_quote(self) -> re.Pattern[str] | None:
        root = self._style.root
        if str(root.get_locale_option("punctuation-in-quote")).lower() != "true":
            return None
        closing = {
            str(root.get_single_term(name)) for name in ("close-quote", "close-inner-quote")
        } - {""}
        return (
            re.compile(f"([{re.escape(''.join(closing))}])([{MARK_CHARS}]*)([.,])")
            if closing
            else None
        )

    def render(
        self, items: Sequence[CSLItem], with_sort_keys: bool
    ) -> list[RenderedEntry | Exception]:
        """Each item rendered alone, with its sort keys if asked; a failing item gives its error."""
        source = _Source()
        bibliography = citeproc.CitationStylesBibliography(self._style, source, _Marks)
        results: list[RenderedEntry | Exception] = []
        for index, item in enumerate(items):
            # Our own keys: citeproc-py lower-cases ids, so keys differing in case would collide.
            key = f"item{index}"
            try:
                source.add_item(key, item)
                cite = _Cite(key, source[key], bibliography)
                label, body = self._render_fields(cite)
                keys = self._sort_values(cite) if with_sort_keys else None
                results.append(RenderedEntry(label, body, keys))
            except Exception as error:  # citeproc-py raises anything on odd styles (#146, #169)
                results.append(error)
        return results

    def _render_fields(self, cite: _Cite) -> tuple[str | None, str]:
        layout = self._layout
        layout.repressed = {}
        label: str | None = None
        fields = []
        for position, field in enumerate(self._fields):
            try:
                text = field.render(cite)
            except VariableError:
                text = None
            if position == 0 and self._aligns_label:
                label = self._tidy(str(text)) if text else None
            elif text is not None:
                fields.append(text)
        body = layout.format(layout.wrap(join(fields))) if fields else ""
        return label, self._tidy(str(body))

    def _sort_values(self, cite: _Cite) -> list[str | None]:
        values: list[str | None] = []
        for key, is_number in self._sort_keys:
            value = None if is_number else key.sort_keys([cite], self._layout)[0]
            values.append(None if value is None else ANY_MARK.sub("", str(value)))
        return values

    def _tidy(self, text: str) -> str:
        if self._quote_fix is not None:
            text = self._quote_fix.sub(r"\3\1\2", text)
        return tidy(text)


@lru_cache(maxsize=16)
def _parsed(path: Path, mtime_ns: int) -> ParsedStyle:
    return ParsedStyle(path)


def load_style(path: Path) -> ParsedStyle:
    """The parsed style at ``path``, parsed once per process (re-read if the file changes)."""
    return _parsed(path, path.stat().st_mtime_ns)
