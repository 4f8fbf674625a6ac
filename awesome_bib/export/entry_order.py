"""The style's order of formatted entries: their sort values, compared as citeproc-js compares them.

A style's sort is a list of keys, each ``(descending, by citation number)``; an entry's values
are a list with one value per key, or only the first ones.  Most entries are told apart by their
first key, so they are rendered with its value only: :func:`tied_on_first_key` names the entries
that need the others before :func:`style_order` can place them.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Sequence
from functools import cmp_to_key
from typing import Any

SortSpec = Sequence[tuple[bool, bool]]


def tied_on_first_key(values: Sequence[list[Any] | None], spec: SortSpec) -> list[int]:
    """The entries holding fewer values than there are keys whose first value another shares
    (None counts as a value: an entry without any sorts as one without its first)."""
    if not spec or spec[0][1]:  # a citation number first tells every entry apart
        return []
    firsts = [sortable(entry[0]) if entry else None for entry in values]
    count = Counter(firsts)
    return [
        index
        for index, entry in enumerate(values)
        if entry is not None and len(entry) < len(spec) and count[firsts[index]] > 1
    ]


def style_order(values: Sequence[list[Any] | None], spec: SortSpec) -> list[int]:
    """The entries' indices in the style's order; ties and citation-number keys keep list order,
    and missing values go last."""
    if not spec:
        return list(range(len(values)))
    blank: list[Any] = [None] * len(spec)
    keys = [
        [sortable(value) for value in entry] + blank[len(entry) :]
        if entry is not None and len(entry) <= len(spec)
        else blank
        for entry in values
    ]

    def compare(left: int, right: int) -> int:
        for column, (descending, by_number) in enumerate(spec):
            a, b = (left, right) if by_number else (keys[left][column], keys[right][column])
            if a == b:
                continue
            if a is None or b is None:
                return 1 if a is None else -1  # missing values last, whatever the direction
            return (1 if a > b else -1) * (-1 if descending else 1)
        return left - right

    return sorted(range(len(values)), key=cmp_to_key(compare))


def sortable(value: Any) -> tuple[int, int, str] | None:
    """Numbers compare as numbers, text as :func:`collation_key` says."""
    if value is None:
        return None
    text = str(value)
    return (0, int(text), "") if text.isdigit() else (1, 0, collation_key(text))


def collation_key(text: str) -> str:
    """Sorting text as citeproc-js does: case, accents and punctuation (quotes) ignored, except
    that an apostrophe inside a name sorts before any letter (``d’Wander`` before ``de’ Frinkle``).

    >>> sorted(["“SiDA”", "Tan, M.", "Émile"], key=collation_key)
    ['Émile', '“SiDA”', 'Tan, M.']
    >>> sorted(["de’ Frinkle", "’t Horvath", "d’Wander", "Klabdaggit"], key=collation_key)
    ['d’Wander', 'de’ Frinkle', 'Klabdaggit', '’t Horvath']
    """
    decomposed = unicodedata.normalize("NFKD", text)
    return (decomposed[:1].translate(_FIRST) + decomposed[1:].translate(_AFTER_FIRST)).casefold()


class _Collated(dict[int, str | None]):
    """A table for ``str.translate`` filled as characters are met: marks and punctuation go."""

    def __missing__(self, code: int) -> str | None:
        char = chr(code)
        dropped = unicodedata.combining(char) or unicodedata.category(char).startswith("P")
        self[code] = None if dropped else char
        return self[code]


_FIRST = _Collated()
_AFTER_FIRST = _Collated({ord("’"): "\x01", ord("'"): "\x01"})
