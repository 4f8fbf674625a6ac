"""citeproc-py's style elements with memoisation and fixes, for styles parsed by :mod:`csl_engine`.

Each element's class is citeproc-py's with mixins, chosen here by tag (and for a few by attribute):
the fixes to name elements are in :mod:`csl_names`, those to elements that print text and to
text-case in :mod:`csl_text`; the ones here apply across kinds (memoisation, formatting, conditions,
display).  The classes subclass citeproc-py's element classes without registering them anywhere:
only a style parsed through :func:`element_lookup` uses them, so other users of citeproc-py in the
same process are unaffected.  lxml keeps Python attributes of an element only while its proxy lives;
``ParsedStyle`` holds every proxy of its style.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from citeproc import model as csl
from citeproc.source import VariableError
from citeproc.string import String, join, normalize_seam
from lxml import etree

from awesome_bib.export.csl_names import NameFix, NamesFix, SubstituteFix
from awesome_bib.export.csl_text import CaseFix, DateFix, LabelFix, TextFix, YearSuffixTextFix
from awesome_bib.export.marks import DISPLAY_GAP

CSL_NS = "{http://purl.org/net/xbiblio/csl}"


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

    def get_single_term(self, name: str, *args: Any, **kwargs: Any) -> Any:
        return self._term_form("single", name, args, kwargs)

    def get_plural_term(self, name: str, *args: Any, **kwargs: Any) -> Any:
        return self._term_form("plural", name, args, kwargs)

    def _term_form(self, number: str, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        forms = self.get_root().__dict__.setdefault("_term_forms", {})
        key = (number, name, args, tuple(sorted(kwargs.items())))
        if key not in forms:
            method = super().get_single_term if number == "single" else super().get_plural_term
            forms[key] = method(name, *args, **kwargs)
        return forms[key]

    def get_date(self, form: str) -> Any:
        """Memoised; the localized date is known to be in a locale, which citeproc-py asks with
        an XPath query each time it renders a date (a locale's elements are citeproc-py's own)."""
        dates = self.get_root().__dict__.setdefault("_dates", {})
        if form not in dates:
            dates[form] = super().get_date(form)
            if dates[form] is not None:
                dates[form].__dict__["is_locale_date"] = _in_a_locale
        return dates[form]

    def get_locale_option(self, name: str) -> Any:
        options = self.get_root().__dict__.setdefault("_locale_options", {})
        if name not in options:
            options[name] = super().get_locale_option(name)
        return options[name]


def _in_a_locale() -> bool:
    return True


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


class _Affixed:
    """Speed: affixes read once; an element without them returns its text as it is."""

    def wrap(self, string: Any) -> Any:
        memo = self.__dict__
        if "_affixes" not in memo:
            memo["_affixes"] = (self.get("prefix", ""), self.get("suffix", ""))
        prefix, suffix = memo["_affixes"]
        if string is None or not (prefix or suffix):
            return string
        text = prefix + normalize_seam(prefix, string)
        return text + normalize_seam(text, suffix)


class _Quoted:
    """Speed: ``quotes`` read once (citeproc-py also reads a locale option on every call)."""

    def quote(self, string: Any) -> Any:
        memo = self.__dict__
        if "_quoted" not in memo:
            memo["_quoted"] = self.get("quotes", "false").lower() == "true"
        return super().quote(string) if memo["_quoted"] else string


class _StrippedPeriods:
    def strip_periods(self, string: Any) -> Any:
        memo = self.__dict__
        if "_strips" not in memo:
            memo["_strips"] = self.get("strip-periods", "false").lower() == "true"
        return string.replace(".", "") if memo["_strips"] else string


class _Children:
    """Speed: a parent's children, and which are ``cs:choose``, read once (the tree of a parsed
    style does not change; ``cs:names``, whose children citeproc-py may add to, renders its own)."""

    def children_and_chooses(self) -> tuple[tuple[Any, bool], ...]:
        """Each child, with whether it is a ``cs:choose`` (which takes the delimiter around it)."""
        memo = self.__dict__
        if "_children" not in memo:
            memo["_children"] = tuple((child, isinstance(child, csl.Choose)) for child in self.iterchildren())
        return memo["_children"]

    def render_children(self, item: Any, delimiter: str = "", **kwargs: Any) -> Any:
        output = []
        for child, is_choose in self.children_and_chooses():
            try:
                text = child.render(item, delimiter=delimiter, **kwargs) if is_choose else child.render(item, **kwargs)
            except VariableError:
                continue
            if text is not None:
                output.append(text)
        return join(output, delimiter) if output else None


class _Group:
    """Speed: citeproc-py's ``cs:group``, with its children (:class:`_Children`) and delimiter
    read once."""

    def process(self, item: Any, context: Any = None, **kwargs: Any) -> Any:
        memo = self.__dict__
        if "_delimiter" not in memo:
            memo["_delimiter"] = self.get("delimiter", "")
        delimiter = memo["_delimiter"]
        output = []
        variable_called = variable_rendered = False
        for child, is_choose in self.children_and_chooses():
            # asked as citeproc-py asks, as a broken macro reference fails there
            variable_called = variable_called or child.calls_variable()
            try:
                if is_choose:
                    text = child.render(item, context=context, delimiter=delimiter, **kwargs)
                else:
                    text = child.render(item, context=context, **kwargs)
                if text is not None:
                    output.append(text)
                    variable_rendered = variable_rendered or child.calls_variable()
            except VariableError:
                continue
        if output and (not variable_called or variable_rendered):
            return self.join(output)
        raise VariableError


class _Choose:
    """Speed: the branch is chosen without raising an exception for each branch that fails, where
    its tests are the common ones (:class:`_If`); and chosen once for each shape of reference
    (type and variables present), which is all that those tests read."""

    def render(self, item: Any, context: Any = None, delimiter: str = "", **kwargs: Any) -> Any:
        memo = self.__dict__
        if "_branches" not in memo:
            memo["_branches"] = tuple((branch, isinstance(branch, _If)) for branch in self.getchildren())
            memo["_chosen"] = {}
        chosen = memo["_chosen"]
        shape = item.reference.shape
        if shape in chosen:
            branch = chosen[shape]
            return None if branch is None else branch.render_children(
                item, context=context, delimiter=delimiter, **kwargs
            )
        remembered = True
        for branch, is_if in memo["_branches"]:
            passed = branch.passes(item) if is_if else isinstance(branch, csl.Else) or None
            if passed is None:
                remembered = False
                try:
                    return branch.render(item, context=context, delimiter=delimiter, **kwargs)
                except csl.ConditionFailed:
                    continue
            if passed:
                if remembered:
                    chosen[shape] = branch
                return branch.render_children(item, context=context, delimiter=delimiter, **kwargs)
        if remembered:
            chosen[shape] = None
        return None


class _If:
    """``position`` tests in a macro the bibliography calls: citeproc-py looks for the cites of a
    citation there and fails (TypeError); a bibliography entry is in no position, as citeproc-js.

    Speed: the common tests (``type``, ``variable``, ``match``) are read from the attributes once,
    not on every entry; any other test takes citeproc-py's way."""

    _SIMPLE = frozenset({"type", "variable", "match"})

    def render(self, item: Any, context: Any = None, delimiter: str = "", **kwargs: Any) -> Any:
        passed = self.passes(item)
        if passed is None:
            return super().render(item, context=context, delimiter=delimiter, **kwargs)
        if not passed:
            raise csl.ConditionFailed
        return self.render_children(item, context=context, delimiter=delimiter, **kwargs)

    def passes(self, item: Any) -> bool | None:
        """Whether the item passes the tests, or None where they are not the common ones."""
        memo = self.__dict__
        if "_tests" not in memo:
            memo["_tests"] = self._read_tests()
        tests = memo["_tests"]
        if tests is None:
            return None
        types, variables, match = tests
        reference = item.reference
        kind = dict.get(reference, "type")
        if match == "any":
            return kind in types or any(name in reference for name in variables)
        if match == "none":
            return kind not in types and not any(name in reference for name in variables)
        return all(test == kind for test in types) and all(name in reference for name in variables)

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


class _Displayed:
    """``display`` (block, left-margin, right-inline, indent) sets a part apart; citeproc-py
    ignores it and runs the parts together.  In one-line output the parts are spaced."""

    def render(self, *args: Any, **kwargs: Any) -> Any:
        text = super().render(*args, **kwargs)
        if text:
            return join([String(DISPLAY_GAP), text, String(DISPLAY_GAP)])
        return text


_FIXES: dict[str, tuple[type, ...]] = {
    "text": (TextFix,),
    "names": (NamesFix,),
    "if": (_If,),
    "label": (LabelFix,),
    "else-if": (_If,),
    "name": (NameFix,),
    "substitute": (SubstituteFix,),
    "group": (_Group,),
    "choose": (_Choose,),
}


# Fixes for some elements of a tag only, chosen by an attribute when the element is parsed: the
# others keep the plain class and pay nothing for them (a render call is most of the time).
_ATTRIBUTE_FIXES: list[tuple[str, str, str | None, type]] = [
    ("text", "variable", "year-suffix", YearSuffixTextFix),
    ("date", "variable", "issued", DateFix),
    *((tag, "display", None, _Displayed) for tag in ("text", "group", "names", "date", "number", "label")),
]


# Fixes for every element with one of citeproc-py's behaviours (its mixin classes).
_BEHAVIOUR_FIXES: list[tuple[type, type]] = [
    (csl.TextCased, CaseFix),
    (csl.Formatted, _Formatted),
    (csl.Affixed, _Affixed),
    (csl.Quoted, _Quoted),
    (csl.StrippedPeriods, _StrippedPeriods),
    (csl.Parent, _Children),
]


class _Lookup(etree.PythonElementClassLookup):
    """citeproc-py's classes with the fixes (mixins), per tag and, for a few, per attribute."""

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
        bases += tuple(fix for behaviour, fix in _BEHAVIOUR_FIXES if issubclass(cls, behaviour))
        return type(cls.__name__, (*bases, cls), {})


@lru_cache(maxsize=1)
def element_lookup() -> etree.PythonElementClassLookup:
    """lxml's class lookup for CSL elements: citeproc-py's classes with our fixes."""
    return _Lookup()
