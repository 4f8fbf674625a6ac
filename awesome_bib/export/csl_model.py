"""citeproc-py's style elements with memoisation and fixes, for styles parsed by :mod:`csl_engine`.

The classes here subclass citeproc-py's element classes without registering them anywhere: only a
style parsed through :func:`element_lookup` uses them, so other users of citeproc-py in the same
process are unaffected.  lxml keeps Python attributes of an element only while its proxy lives;
``ParsedStyle`` holds every proxy of its style.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from citeproc import model as csl
from citeproc.source import VariableError
from citeproc.string import MixedString, NoCase, String, join
from lxml import etree

from awesome_bib.export.marks import (
    DISPLAY_GAP,
    LABEL_CLOSE,
    LABEL_OPEN,
    NAMES_CLOSE,
    NAMES_OPEN,
    SUFFIX_CLOSE,
    SUFFIX_OPEN,
    YEAR_SUFFIX_MARK,
)

CSL_NS = "{http://purl.org/net/xbiblio/csl}"


class EntryState:
    """What the rendering of the current entry has done so far (one entry at a time per process):
    whether its first name list is marked yet, and whether its year suffix is still to place."""

    def __init__(self) -> None:
        self.language = "en"
        self.reset(implicit_year_suffix=False)

    def reset(self, implicit_year_suffix: bool, mark_names: bool = True) -> None:
        self.names_marked = not mark_names
        self.year_suffix_pending = implicit_year_suffix
        self.sorting = False

    def enter(self, language: str, implicit_year_suffix: bool) -> None:
        """A new entry, in ``language`` (two letters): as :meth:`reset`, and its language."""
        self.language = language
        self.reset(implicit_year_suffix)


STATE = EntryState()


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

    def get_term(self, name: str, form: str | None = None, *args: Any, **kwargs: Any) -> Any:
        """Memoised, and with CSL's fallback of forms citeproc-py lacks: a missing ``verb-short``
        term is the ``verb`` one, ``symbol`` is ``short``, and those are the long one."""
        terms = self.get_root().__dict__.setdefault("_terms", {})
        key = (name, form, args, tuple(sorted(kwargs.items())))
        if key not in terms:
            term = super().get_term(name, form, *args, **kwargs)
            if term is None and form in _TERM_FALLBACK:
                term = self.get_term(name, _TERM_FALLBACK[form], *args, **kwargs)
            terms[key] = term
        return terms[key]

    def get_date(self, form: str) -> Any:
        dates = self.get_root().__dict__.setdefault("_dates", {})
        if form not in dates:
            dates[form] = super().get_date(form)
        return dates[form]

    def get_locale_option(self, name: str) -> Any:
        options = self.get_root().__dict__.setdefault("_locale_options", {})
        if name not in options:
            options[name] = super().get_locale_option(name)
        return options[name]


_TERM_FALLBACK = {"verb-short": "verb", "symbol": "short", "verb": None, "short": None}


class _MemoCalls:
    def calls_variable(self) -> bool:
        memo = self.__dict__
        if "_calls_variable" not in memo:
            memo["_calls_variable"] = super().calls_variable()
        return bool(memo["_calls_variable"])


class _Formatted:
    """Speed: an element with no formatting attribute returns its text as it is (citeproc-py asks
    for the formatter and reads five attributes on every rendering)."""

    _NEUTRAL = (
        ("font-style", "normal"),
        ("font-variant", "normal"),
        ("font-weight", "normal"),
        ("text-decoration", "none"),
        ("vertical-align", "baseline"),
    )

    def format(self, string: Any) -> Any:
        memo = self.__dict__
        if "_plain" not in memo:
            memo["_plain"] = all(self.get(name, neutral) == neutral for name, neutral in self._NEUTRAL)
        if memo["_plain"]:
            return str(string) if isinstance(string, (int, float)) else string
        return super().format(string)


def _recording(context: Any) -> set[tuple[str, str]] | None:
    return context.get_layout().__dict__.get("_recording")


class _Cased:
    """text-case on any text, as citeproc-js: citeproc-py's needs its own string types, but
    formatted text is a plain ``str`` (its AttributeError on ``capitalize_first``/``words`` broke
    whole styles); title case follows :func:`title_case`."""

    def case(self, text: Any, language: str | None = None) -> Any:
        text_case = self.get("text-case")
        if text_case is None or not str(text):
            return text
        flat = MixedString(list(_segments(text)))
        cased = (
            title_case(flat)
            if text_case == "title" and language == "en"
            else super().case(flat, language)
        )
        return str(cased) if type(text) is str else cased


def _segments(text: Any) -> Iterator[String]:
    """Text as a flat run of citeproc-py strings (it nests them, and formatting returns ``str``)."""
    if isinstance(text, MixedString):
        for part in text:
            yield from _segments(part)
    elif str(text):
        yield text if isinstance(text, String) else String(text)


class _YearSuffixText:
    """The style's own ``year-suffix``, affixes and all, in a span that goes if it has none."""

    def render(self, *args: Any, **kwargs: Any) -> Any:
        text = super().render(*args, **kwargs)
        return join([String(SUFFIX_OPEN), text, String(SUFFIX_CLOSE)]) if text else text


class _Text:
    def process(self, item: Any, context: Any = None, **kwargs: Any) -> tuple[Any, str]:
        """citeproc-py's, with the entry's language read once per entry (:data:`STATE`), not
        through a raised VariableError on every text of an entry that has none."""
        context = self if context is None else context
        attributes = self.attrib
        text = None
        if "variable" in attributes:
            text = self._variable(item, context)
        elif "macro" in attributes:
            text = self.get_macro(self.get("macro")).render(item, context)
        elif "term" in attributes:
            text = self._term(item)
        elif "value" in attributes:
            text = String(self.preformat(self.get("value")))
        return text, STATE.language

    def _variable(self, item: Any, context: Any) -> Any:
        text = super()._variable(item, context)
        record = _recording(context)
        if record is not None and text:
            record.add((self.tag, self.get("variable")))
        return text


class _Names:
    """Hidden substituted variables stay hidden, each alone; the entry's first name list is marked
    (:data:`NAMES_OPEN`), inside the element's affixes, for subsequent-author-substitute."""

    def process(
        self, item: Any, names_context: Any = None, context: Any = None, **kwargs: Any
    ) -> Any:
        context = self if context is None else context
        roles = self.get("variable", "").split()
        hidden = context.get_layout().repressed.get(self.tag, ())
        visible = [role for role in roles if role not in hidden]
        if roles and not visible:
            raise VariableError
        marking = not STATE.names_marked
        STATE.names_marked = True
        if len(visible) < len(roles):  # "editor translator" after editor stood in for the author
            self.set("variable", " ".join(visible))
        try:
            text = super().process(item, names_context, context, **kwargs)
        except VariableError:
            STATE.names_marked = not marking
            raise
        finally:
            if len(visible) < len(roles):
                self.set("variable", " ".join(roles))
        if marking:
            if text:
                text = join([String(NAMES_OPEN), text, String(NAMES_CLOSE)])
            else:
                STATE.names_marked = False
        record = _recording(context)
        if record is not None and text:
            record.update(
                (self.tag, role) for role in roles if role.replace("-", "_") in item.reference
            )
        return text


class _Name:
    def get_option(self, name: str, context: Any = None, sort_options: Any = None) -> Any:
        """``after-inverted-name`` (CSL 1.0.1), unknown to citeproc-py: a delimiter before the last
        name (or et al.) when the name before it is inverted (``Leong, G. B., & Silva``)."""
        value = super().get_option(name, context, sort_options)
        in_sort_key = isinstance(sort_options, dict) and "et-al-use-first" in sort_options
        if name == "et-al-min" and not in_sort_key and not self._sets("et-al-use-first", context):
            return 0  # CSL: et al. needs both et-al-min and et-al-use-first; citeproc-py needs one
        if value == "after-inverted-name":
            order = super().get_option("name-as-sort-order", context, sort_options)
            names = self.__dict__.get("_names") or []
            # the name before the last: inverted unless a literal (an institution's name)
            before_last = names[-2] if len(names) > 1 else None
            inverted = order == "all" or (order == "first" and len(names) == 2)
            return "always" if inverted and before_last is not None and "literal" not in before_last else "never"
        return value

    def process(self, item: Any, variable: str, *args: Any, **kwargs: Any) -> Any:
        self.__dict__["_names"] = item.reference.get(variable, [])
        return super().process(item, variable, *args, **kwargs)

    def _sets(self, option: str, context: Any) -> bool:
        """Whether this name, its citation or bibliography, or the style sets ``option``."""
        if self.get(option) is not None:
            return True
        expression = "./ancestor::*[self::cs:citation or self::cs:bibliography][1]"
        scopes = (self if context is None else context).xpath_search(expression)
        return any(scope.get(option) is not None for scope in scopes) or (
            self.get_root().get(option) is not None
        )

    def initialize(self, given: str, mark: str, context: Any) -> str:
        """``initialize="false"`` (CSL 1.0.1): keep given names, only punctuate initials.  A given
        name with no capital letter at all ("seung-won", as some arXiv metadata has it) stays as
        written, as citeproc-js keeps it: citeproc-py would take each word for a particle (the
        embedded list's APA reference list, ``default-list-apa.txt``)."""
        if not any(char.isupper() for char in given):
            return given
        # A lower-case part after a hyphen ("Wen-tau") gives no initial, as in citeproc-js ("W.").
        given = "-".join(part for number, part in enumerate(given.split("-"))
                         if number == 0 or any(char.isupper() for char in part))
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


class _Date:
    """The implicit year suffix (CSL: after the first year of ``issued`` the entry prints, unless
    the style places ``year-suffix`` itself); citeproc-py prints none in a bibliography.  Found in
    the rendered date, as a localized date's parts are the locale's elements, not the style's."""

    def process(self, item: Any, variable: str | None = None, *args: Any, **kwargs: Any) -> Any:
        text = super().process(item, variable, *args, **kwargs)
        if not (STATE.year_suffix_pending and text and variable in (None, "issued")):
            return text
        date = item.reference.get("issued")
        date = date.get("begin", date) if isinstance(date, dict) else date
        year = date.get("year") if isinstance(date, dict) else None  # citeproc-py's dates are dicts
        flat = str(text)
        at = flat.find(str(abs(year))) if isinstance(year, int) else -1
        if at < 0:
            return text
        STATE.year_suffix_pending = False
        end = at + len(str(abs(year)))
        return join([String(flat[:end]), String(SUFFIX_OPEN + YEAR_SUFFIX_MARK + SUFFIX_CLOSE), String(flat[end:])])


class _If:
    """``position`` tests in a macro the bibliography calls: citeproc-py looks for the cites of a
    citation there and fails (TypeError); a bibliography entry is in no position, as citeproc-js.

    Speed: the common tests (``type``, ``variable``, ``match``) are read from the attributes once,
    not on every entry; any other test takes citeproc-py's way."""

    _SIMPLE = frozenset({"type", "variable", "match"})

    def render(self, item: Any, context: Any = None, delimiter: str = "", **kwargs: Any) -> Any:
        memo = self.__dict__
        if "_tests" not in memo:
            memo["_tests"] = self._read_tests()
        tests = memo["_tests"]
        if tests is None:
            return super().render(item, context=context, delimiter=delimiter, **kwargs)
        types, variables, match = tests
        reference = item.reference
        results = [kind == reference.type for kind in types] + [name in reference for name in variables]
        passed = any(results) if match == "any" else not any(results) if match == "none" else all(results)
        if not passed:
            raise csl.ConditionFailed
        return self.render_children(item, context=context, delimiter=delimiter, **kwargs)

    def _read_tests(self) -> tuple[tuple[str, ...], tuple[str, ...], str] | None:
        if not set(self.attrib) <= self._SIMPLE:
            return None
        variables = tuple(name.replace("-", "_") for name in self.get("variable", "").split())
        if "locator" in variables:
            return None
        return tuple(self.get("type", "").lower().split()), variables, self.get("match", "all")

    def _position(self, item: Any, context: Any) -> list[bool]:
        try:
            return list(super()._position(item, context))
        except TypeError:
            return [False] * len(self.get("position", "").split())


class _Label:
    """A label of its own (``<label variable="page"/>``) for a variable the entry lacks prints
    nothing; citeproc-py printed the term anyway (``Anonymous Journal, p.``).  A name list's
    label is marked (:data:`LABEL_OPEN`) for subsequent-author-substitute."""

    def render(self, item: Any, variable: str | None = None, *args: Any, **kwargs: Any) -> Any:
        text = super().render(item, variable, *args, **kwargs)
        if text and variable is not None:
            return join([String(LABEL_OPEN), text, String(LABEL_CLOSE)])
        return text

    def process(self, item: Any, variable: str | None = None, *args: Any, **kwargs: Any) -> Any:
        if variable is not None and STATE.sorting:
            return None  # a name's label ("ed.") is no part of its sort key, as in citeproc-js
        own = self.get("variable") if variable is None else None
        if own == "locator" and not getattr(item, "has_locator", False):
            return None
        if own and own != "locator" and own.replace("-", "_") not in item.reference:
            return None
        return super().process(item, variable, *args, **kwargs)


class _Displayed:
    """``display`` (block, left-margin, right-inline, indent) sets a part apart; citeproc-py
    ignores it and runs the parts together.  In one-line output the parts are spaced."""

    def render(self, *args: Any, **kwargs: Any) -> Any:
        text = super().render(*args, **kwargs)
        if text:
            return join([String(DISPLAY_GAP), text, String(DISPLAY_GAP)])
        return text


_FIXES: dict[str, tuple[type, ...]] = {
    "text": (_Text,),
    "names": (_Names,),
    "if": (_If,),
    "label": (_Label,),
    "else-if": (_If,),
    "name": (_Name,),
    "substitute": (_Substitute,),
}


# Fixes for some elements of a tag only, chosen by an attribute when the element is parsed: the
# others keep the plain class and pay nothing for them (a render call is most of the time).
_ATTRIBUTE_FIXES: list[tuple[str, str, str | None, type]] = [
    ("text", "variable", "year-suffix", _YearSuffixText),
    ("date", "variable", "issued", _Date),
    *((tag, "display", None, _Displayed) for tag in ("text", "group", "names", "date", "number", "label")),
]


class _Lookup(etree.PythonElementClassLookup):
    """citeproc-py's classes with the mixins above, per tag and, for a few, per attribute."""

    def __init__(self) -> None:
        super().__init__()
        self._classes: dict[tuple[str, tuple[type, ...]], type] = {}
        self._base = {cls.__name__.replace("_", "-").lower(): cls for cls in csl.CitationStylesElement.__subclasses__()}

    def lookup(self, document: Any, element: Any) -> type | None:
        if not isinstance(element.tag, str) or not element.tag.startswith(CSL_NS):
            return None
        tag = element.tag[len(CSL_NS) :]
        extra = tuple(
            fix
            for fix_tag, attribute, value, fix in _ATTRIBUTE_FIXES
            if fix_tag == tag and element.get(attribute) is not None and value in (None, element.get(attribute))
        )
        key = (tag, extra)
        if key not in self._classes:
            self._classes[key] = self._class(tag, extra)
        return self._classes[key]

    def _class(self, tag: str, extra: tuple[type, ...]) -> type:
        cls = self._base.get(tag)
        if cls is None:
            return csl.CitationStylesElement
        bases: tuple[type, ...] = (*extra, *_FIXES.get(tag, ()))
        if tag != "locale":  # a locale's own get_term and options differ from the style's
            bases += (_Memo,)
        if hasattr(cls, "calls_variable"):
            bases += (_MemoCalls,)
        if issubclass(cls, csl.TextCased):
            bases += (_Cased,)
        if issubclass(cls, csl.Formatted):
            bases += (_Formatted,)
        return type(cls.__name__, (*bases, cls), {})


@lru_cache(maxsize=1)
def element_lookup() -> etree.PythonElementClassLookup:
    """lxml's class lookup for CSL elements: citeproc-py's classes with the mixins above."""
    return _Lookup()


class Capitalised(NoCase):
    """A word that holds a capital: kept as written, except title case may capitalise its parts."""


_STOP_WORDS = frozenset(csl.TextCased._stop_words)


def title_case(text: Any) -> str:
    """CSL title case as citeproc-js does it: lower-case words and hyphenated parts are capitalised,
    except stop words inside a sentence; words holding a capital and ``nocase`` spans are kept.

    >>> from citeproc.string import MixedString, String
    >>> title_case(MixedString([NoCase("Pre-gated"), String(" mixture-of-experts")]))
    'Pre-gated Mixture-of-Experts'
    >>> title_case(MixedString([Capitalised("Pre-gated"), String(" top-k routing")]))
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
