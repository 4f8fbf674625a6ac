"""citeproc-py behind one small interface: a parsed CSL style renders CSL items to marked-up text.

Rendered text is plain Unicode in which formatting is a pair of private-use marks (:data:`MARKS`)
and the citation number is :data:`NUMBER_MARK`; :mod:`awesome_bib.export.formatted` turns marks into
Markdown or HTML and puts the final number in.  Rendering is per entry, so one entry's failure is
that entry's alone, and an entry can be cached apart from its position in the list.

What this module fixes in citeproc-py (0.11), each checked against citeproc-js:

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
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cmp_to_key, lru_cache
from pathlib import Path
from typing import Any

import citeproc
from citeproc import model as csl
from citeproc.frontend import CitationStylesStyle
from citeproc.source import BibliographySource, CitationItem, Name, Reference, VariableError
from citeproc.source.json import CiteProcJSON
from citeproc.string import MixedString, NoCase, String, join
from lxml import etree

from ..errors import AwesomeBibError
from ..model import CSLItem

MARKS = {
    "italic": ("\ue000", "\ue001"),
    "bold": ("\ue002", "\ue003"),
    "superscript": ("\ue004", "\ue005"),
    "subscript": ("\ue006", "\ue007"),
    "small-caps": ("\ue008", "\ue009"),
    "underline": ("\ue00a", "\ue00b"),
}
NUMBER_MARK = "\ue010"
_MARK_CHARS = "".join(mark for pair in MARKS.values() for mark in pair) + NUMBER_MARK
_ANY_MARK = re.compile(f"[{_MARK_CHARS}]")
_CSL_NS = "{http://purl.org/net/xbiblio/csl}"


@dataclass(frozen=True)
class RenderedEntry:
    """One bibliography entry: ``label`` is the left-margin field (``[<NUMBER_MARK>]``) or None."""

    label: str | None
    body: str


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
# Style elements: citeproc-py's classes plus memoisation and the substitute fix.  They are used
# only by styles parsed here, so other users of citeproc-py in the process are unaffected.  lxml
# keeps Python attributes of an element only while its proxy lives: ParsedStyle holds them all.


class _Memo:
    def get_root(self) -> Any:
        memo = self.__dict__
        if "_root" not in memo:
            memo["_root"] = super().get_root()
        return memo["_root"]

    def get_layout(self) -> Any:
        memo = self.__dict__
        if "_layout" not in memo:
            memo["_layout"] = super().get_layout()
        return memo["_layout"]

    def xpath_search(self, expression: str) -> Any:
        found = self.__dict__.setdefault("_xpath", {})
        if expression not in found:
            found[expression] = super().xpath_search(expression)
        return found[expression]

    def get_macro(self, name: str) -> Any:
        macros = self.get_root().__dict__.setdefault("_macros", {})
        if name not in macros:
            macros[name] = super().get_macro(name)
        return macros[name]

    def get_term(self, *args: Any, **kwargs: Any) -> Any:
        terms = self.get_root().__dict__.setdefault("_terms", {})
        key = (args, tuple(sorted(kwargs.items())))
        if key not in terms:
            terms[key] = super().get_term(*args, **kwargs)
        return terms[key]

    def get_locale_option(self, name: str) -> Any:
        options = self.get_root().__dict__.setdefault("_locale_options", {})
        if name not in options:
            options[name] = super().get_locale_option(name)
        return options[name]


class _MemoCalls:
    def calls_variable(self) -> bool:
        memo = self.__dict__
        if "_calls_variable" not in memo:
            memo["_calls_variable"] = super().calls_variable()
        return bool(memo["_calls_variable"])


def _recording(context: Any) -> set[tuple[str, str]] | None:
    return context.get_layout().__dict__.get("_recording")


class _Text:
    def case(self, text: Any, language: str | None = None) -> Any:
        if self.get("text-case") == "title" and language == "en":
            return title_case(text)
        return super().case(text, language)

    def _variable(self, item: Any, context: Any) -> Any:
        text = super()._variable(item, context)
        record = _recording(context)
        if record is not None and text:
            record.add((self.tag, self.get("variable")))
        return text


class _Names:
    def process(
        self, item: Any, names_context: Any = None, context: Any = None, **kwargs: Any
    ) -> Any:
        context = self if context is None else context
        roles = self.get("variable", "").split()
        hidden = context.get_layout().repressed.get(self.tag, ())
        if roles and all(role in hidden for role in roles):
            raise VariableError
        text = super().process(item, names_context, context, **kwargs)
        record = _recording(context)
        if record is not None and text:
            record.update(
                (self.tag, role) for role in roles if role.replace("-", "_") in item.reference
            )
        return text


class _Name:
    def initialize(self, given: str, mark: str, context: Any) -> str:
        """``initialize="false"`` (CSL 1.0.1): keep given names, only punctuate initials."""
        if self.get("initialize", "true") != "false":
            return str(super().initialize(given, mark, context))
        return " ".join(
            part[0] + mark.rstrip() if len(part.rstrip(".")) == 1 and part[0].isupper() else part
            for part in given.split()
        )


class _Substitute:
    """Suppresses every variable the chosen substitute rendered, macros included (CSL 1.0.2)."""

    def render(self, item: Any, context: Any = None, **kwargs: Any) -> Any:
        layout = (self if context is None else context).get_layout()
        for child in self.getchildren():
            record: set[tuple[str, str]] = set()
            layout.__dict__["_recording"] = record
            try:
                if isinstance(child, csl.Names) and child.name is None:
                    text = child.render(
                        item, names_context=self.getparent(), context=context, **kwargs
                    )
                else:
                    text = child.render(item, context=context, **kwargs)
            except VariableError:
                continue
            finally:
                layout.__dict__["_recording"] = None
            if text:
                for tag, variable in record:
                    layout.repressed.setdefault(tag, []).append(variable)
                return text
        return None


_FIXES: dict[str, tuple[type, ...]] = {
    "text": (_Text,),
    "names": (_Names,),
    "name": (_Name,),
    "substitute": (_Substitute,),
}


@lru_cache(maxsize=1)
def _element_lookup() -> etree.ElementNamespaceClassLookup:
    lookup = etree.ElementNamespaceClassLookup()
    namespace = lookup.get_namespace(_CSL_NS[1:-1])
    namespace[None] = csl.CitationStylesElement
    for cls in csl.CitationStylesElement.__subclasses__():
        tag = cls.__name__.replace("_", "-").lower()
        bases: tuple[type, ...] = _FIXES.get(tag, ())
        if tag != "locale":  # a locale's own get_term and options differ from the style's
            bases += (_Memo,)
        if hasattr(cls, "calls_variable"):
            bases += (_MemoCalls,)
        namespace[tag] = type(cls.__name__, (*bases, cls), {})
    return lookup


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
    text = _ANY_MARK.sub("", text)
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
            pieces.append(_Capitalised(word.group()))
            position = word.end()
    if position < len(segment):
        pieces.append(String(segment[position:]))
    return pieces


class _Capitalised(NoCase):
    """A word that holds a capital: kept as written, except title case may capitalise its parts."""


_STOP_WORDS = frozenset(csl.TextCased._stop_words)


def title_case(text: Any) -> str:
    """CSL title case as citeproc-js does it: lower-case words and hyphenated parts are capitalised,
    except stop words inside a sentence; words holding a capital and ``nocase`` spans are kept.

    >>> title_case(MixedString([NoCase("Pre-gated"), String(" mixture-of-experts")]))
    'Pre-gated Mixture-of-Experts'
    >>> title_case(MixedString([_Capitalised("Pre-gated"), String(" top-k routing")]))
    'Pre-Gated Top-K Routing'
    """
    words, sentence_start = [], True
    for word in text.words() if hasattr(text, "words") else str(text).split():
        if type(word) is NoCase:
            words.append(str(word))
        else:
            parts = str(word).split("-")
            words.append(
                "-".join(
                    _capitalise(part)
                    if part.islower()
                    and (part not in _STOP_WORDS or (index == 0 and sentence_start))
                    else part
                    for index, part in enumerate(parts)
                )
            )
        sentence_start = str(word)[-1:] in ":.?!"
    return " ".join(words)


def _capitalise(word: str) -> str:
    return re.sub(r"\w", lambda letter: letter[0].upper(), word, count=1)


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
        parser.set_element_class_lookup(_element_lookup())
        try:
            style.xml = etree.parse(str(path), parser)
        except (OSError, etree.XMLSyntaxError) as error:
            raise AwesomeBibError(f"{path}: not a readable CSL style: {error}") from None
        style.root = style.xml.getroot()
        if style.root.tag != f"{_CSL_NS}style":
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
        self._alive = list(style.root.iter())  # keeps memoised attributes (see above)
        self._layout = style.root.bibliography.layout
        self._fields = list(self._layout.iterchildren())
        self._aligns_label = bool(self._style.root.bibliography.get("second-field-align")) or (
            bool(self._fields) and self._fields[0].get("display") == "left-margin"
        )
        self._sort_keys = self._read_sort_keys()
        self._quote_fix = self._punctuation_in_quote()

    def _read_sort_keys(self) -> list[tuple[Any, bool, bool]]:
        sort = self._style.root.bibliography.find(f"{_CSL_NS}sort")
        if sort is None:
            return []
        return [
            (
                key,
                key.get("sort", "ascending") == "descending",
                key.get("variable") == "citation-number",
            )
            for key in sort.iterfind(f"{_CSL_NS}key")
        ]

    def _punctuation_in_quote(self) -> re.Pattern[str] | None:
        root = self._style.root
        if str(root.get_locale_option("punctuation-in-quote")).lower() != "true":
            return None
        closing = {
            str(root.get_single_term(name)) for name in ("close-quote", "close-inner-quote")
        } - {""}
        return (
            re.compile(f"([{re.escape(''.join(closing))}])([{_MARK_CHARS}]*)([.,])")
            if closing
            else None
        )

    def render(
        self, items: Sequence[CSLItem], with_sort_keys: bool
    ) -> list[tuple[RenderedEntry, list[Any]] | Exception]:
        """Each item rendered alone, with its sort keys if asked; a failing item gives its error."""
        source = _Source()
        bibliography = citeproc.CitationStylesBibliography(self._style, source, _Marks)
        results: list[tuple[RenderedEntry, list[Any]] | Exception] = []
        for index, item in enumerate(items):
            key = (
                f"item{index}"  # citeproc-py lower-cases ids: keys differing in case would collide
            )
            try:
                source.add_item(key, item)
                cite = _Cite(key, source[key], bibliography)
                entry = self._render_entry(cite)
                keys = self._sort_values(cite) if with_sort_keys else []
                results.append((entry, keys))
            except Exception as error:  # citeproc-py raises anything on odd styles (#146, #169)
                results.append(error)
        return results

    def _render_entry(self, cite: _Cite) -> RenderedEntry:
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
        return RenderedEntry(label, self._tidy(str(body)))

    def _sort_values(self, cite: _Cite) -> list[Any]:
        values = []
        for key, _, is_number in self._sort_keys:
            value = None if is_number else key.sort_keys([cite], self._layout)[0]
            values.append(None if value is None else _ANY_MARK.sub("", str(value)))
        return values

    def _tidy(self, text: str) -> str:
        if self._quote_fix is not None:
            text = self._quote_fix.sub(r"\3\1\2", text)
        return tidy(text)


_OPENING = "".join(opening for opening, _ in MARKS.values())
_CLOSING = "".join(closing for _, closing in MARKS.values())
_SPACE_AFTER_OPENING = re.compile(f"([{_OPENING}]+)(\\s+)")
_SPACE_BEFORE_CLOSING = re.compile(f"(\\s+)([{_CLOSING}]+)")
_EMPTY_PAIR = re.compile("|".join(opening + closing for opening, closing in MARKS.values()))
_STOP_AFTER_MARK = re.compile(f"(?<=[!?])([{_MARK_CHARS}]*)\\.(?=[\\s”’{_MARK_CHARS}]|$)")
_STOP_REPEATED = re.compile(f"\\.(?=[{_MARK_CHARS} ]+\\.(?:\\s|$))([{_MARK_CHARS}]*) *\\.")
_COMMA_REPEATED = re.compile(r",( *),")


def tidy(text: str) -> str:
    """One line, marks hugging their text, and punctuation met twice across fields said once.

    >>> tidy("In MLSys, 2024. . Retrieved from x")
    'In MLSys, 2024. Retrieved from x'
    >>> tidy("Is it all you need?. 2024.")
    'Is it all you need? 2024.'
    >>> tidy("“Is it all you need?.” 2024.")
    '“Is it all you need?” 2024.'
    >>> tidy("Wait... what,  ,  then")
    'Wait... what, then'
    """
    text = " ".join(text.split())
    text = _SPACE_AFTER_OPENING.sub(r"\2\1", _SPACE_BEFORE_CLOSING.sub(r"\2\1", text))
    text = _EMPTY_PAIR.sub("", _without_nested_marks(text))
    text = _STOP_AFTER_MARK.sub(r"\1", text)
    text = _STOP_REPEATED.sub(r".\1", text)
    return " ".join(_COMMA_REPEATED.sub(",", text).split())


_KIND_OF_MARK = {mark: kind for kind, pair in MARKS.items() for mark in pair}


def _without_nested_marks(text: str) -> str:
    """Bold inside bold says nothing and breaks Markdown: keep the outer pair only."""
    if not _ANY_MARK.search(text):
        return text
    depth = dict.fromkeys(MARKS, 0)
    kept = []
    for char in text:
        kind = _KIND_OF_MARK.get(char)
        if kind is None:
            kept.append(char)
            continue
        if char == MARKS[kind][0]:
            depth[kind] += 1
            if depth[kind] == 1:
                kept.append(char)
        elif depth[kind]:  # a closing mark with no opening one is dropped
            if depth[kind] == 1:
                kept.append(char)
            depth[kind] -= 1
    kept += [MARKS[kind][1] for kind, open_count in depth.items() if open_count]
    return "".join(kept)


def collation_key(text: str) -> str:
    """Sorting text as citeproc-js does: case, accents and punctuation (quotes) ignored.

    >>> sorted(["“SiDA”", "Tan, M.", "Émile"], key=collation_key)
    ['Émile', '“SiDA”', 'Tan, M.']
    """
    decomposed = unicodedata.normalize("NFKD", text)
    kept = (
        char
        for char in decomposed
        if not unicodedata.combining(char) and not unicodedata.category(char).startswith("P")
    )
    return "".join(kept).casefold()


def sort_order(keys: Sequence[Sequence[Any]], spec: Sequence[tuple[bool, bool]]) -> list[int]:
    """Positions of entries in the style's order; ties and citation-number keys keep list order."""

    def compare(left: int, right: int) -> int:
        for column, (descending, is_number) in enumerate(spec):
            a, b = (left, right) if is_number else (keys[left][column], keys[right][column])
            if a is None or b is None:
                if a is None and b is None:
                    continue
                return 1 if a is None else -1  # missing values last, whatever the direction
            if isinstance(a, str) and isinstance(b, str):
                a, b = (
                    (int(a), int(b))
                    if a.isdigit() and b.isdigit()
                    else (collation_key(a), collation_key(b))
                )
            result = (a > b) - (a < b)
            if result:
                return -result if descending else result
        return left - right

    return sorted(range(len(keys)), key=cmp_to_key(compare))


@lru_cache(maxsize=16)
def _parsed(path: Path, mtime_ns: int) -> ParsedStyle:
    return ParsedStyle(path)


def load_style(path: Path) -> ParsedStyle:
    """The parsed style at ``path``, parsed once per process (re-read if the file changes)."""
    return _parsed(path, path.stat().st_mtime_ns)
