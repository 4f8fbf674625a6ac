"""Fixes to citeproc-py's elements that print text: ``cs:text``, ``cs:label`` and ``cs:date``, and
text-case on any element (title case as citeproc-js does it).  Wired into parsed styles by
:mod:`csl_model`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from citeproc import model as csl
from citeproc.string import MixedString, NoCase, String, join

from awesome_bib.export.csl_state import STATE, substitute_record
from awesome_bib.export.marks import (
    LABEL_CLOSE,
    LABEL_OPEN,
    SUFFIX_CLOSE,
    SUFFIX_OPEN,
    YEAR_SUFFIX_MARK,
)


class CaseFix:
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


class YearSuffixTextFix:
    """The style's own ``year-suffix``, affixes and all, in a span that goes if it has none."""

    def render(self, *args: Any, **kwargs: Any) -> Any:
        text = super().render(*args, **kwargs)
        return join([String(SUFFIX_OPEN), text, String(SUFFIX_CLOSE)]) if text else text


class TextFix:
    def process(self, item: Any, context: Any = None, **kwargs: Any) -> tuple[Any, str]:
        """citeproc-py's, with the entry's language read once per entry (:data:`STATE`), not
        through a raised VariableError on every text of an entry that has none.

        Speed: a macro none of whose variables the entry has renders what it rendered for the
        first entry of its type like that (in the same context, language and sort state): with no
        variable to print it prints only terms and values, and changes no state."""
        context = self if context is None else context
        memo = self.__dict__
        if "_source" not in memo:
            memo["_source"] = next(
                (name for name in ("variable", "macro", "term", "value") if name in self.attrib), None
            )
            memo["_macro"] = self.get_macro(self.get("macro")) if memo["_source"] == "macro" else None
        source = memo["_source"]
        text = None
        if source == "variable":
            text = self._variable(item, context)
        elif source == "macro":
            macro = memo["_macro"]
            kind, present = item.reference.shape
            if variables_read(macro).isdisjoint(present):
                constant = memo.setdefault("_without_variables", {})
                key = (kind, context, STATE.language, STATE.sorting)
                if key not in constant:
                    constant[key] = macro.render(item, context)
                text = constant[key]
            else:
                text = macro.render(item, context)
        elif source == "term":
            text = self._term(item)
        elif source == "value":
            text = String(self.preformat(self.get("value")))
        return text, STATE.language

    def _variable(self, item: Any, context: Any) -> Any:
        text = super()._variable(item, context)
        record = substitute_record(context)
        if record is not None and text:
            record.add((self.tag, self.get("variable")))
        return text


_READING_ATTRIBUTES = ("variable", "is-numeric", "is-uncertain-date")


def variables_read(element: Any) -> frozenset[str]:
    """Every reference key the element may read, its macros' included, as citeproc-py spells
    them (``container_title`` and ``container-title``, the short forms, ``page`` for
    ``page-first``); memoised on the element."""
    memo = element.__dict__
    if "_variables_read" not in memo:
        names: set[str] = set()
        for descendant in element.iter():
            for attribute in _READING_ATTRIBUTES:
                for name in (descendant.get(attribute) or "").split():
                    names.update((name, f"{name}-short", "page" if name.startswith("page") else name))
            macro = descendant.get("macro")
            if macro is not None and descendant is not element:
                names |= variables_read(descendant.get_macro(macro))
        memo["_variables_read"] = frozenset(names | {name.replace("-", "_") for name in names})
    return memo["_variables_read"]


class DateFix:
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


class LabelFix:
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
