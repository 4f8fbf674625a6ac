"""Marked text: what the CSL engine writes and the output formats read.

Formatting is a pair of private-use characters around the text it applies to, and the citation
number is one more (it is known only once the entries are in their final order).  Nothing here
imports citeproc, so a run served wholly from the cache never loads it.
"""

from __future__ import annotations

import re

MARKS = {
    "italic": ("\ue000", "\ue001"),
    "bold": ("\ue002", "\ue003"),
    "superscript": ("\ue004", "\ue005"),
    "subscript": ("\ue006", "\ue007"),
    "small-caps": ("\ue008", "\ue009"),
    "underline": ("\ue00a", "\ue00b"),
}
NUMBER_MARK = "\ue010"
# Where an entry's year suffix goes (``2024a``): suffixes depend on the whole list, so they are
# put in after sorting, like the citation number.  The span around it (with the affixes of the
# style's ``year-suffix`` text) goes when an entry needs no suffix.
YEAR_SUFFIX_MARK = "\ue011"
SUFFIX_OPEN, SUFFIX_CLOSE = "\ue018", "\ue019"
# Around the first name list an entry prints, for subsequent-author-substitute (also a list-wide
# decision), and around each name in it.
NAMES_OPEN, NAMES_CLOSE = "\ue012", "\ue013"
NAME_OPEN, NAME_CLOSE = "\ue014", "\ue015"
# Around a name list's label ("ed."): not compared, and kept, by subsequent-author-substitute.
LABEL_OPEN, LABEL_CLOSE = "\ue01c", "\ue01d"
# A straight quote pair in a field: outer or inner quotes, as the text around it decides.
QUOTE_OPEN, QUOTE_CLOSE = "\ue016", "\ue017"
# Either side of a part the style sets apart (``display="block"``): a space between parts, nothing
# at either end of the entry or before punctuation.
DISPLAY_GAP = "\ue01a"
# After a particle written joined to its name (``al-`` in ``al-One``): no space follows it.
JOINED = "\ue01b"
LIST_MARKS = (
    YEAR_SUFFIX_MARK + SUFFIX_OPEN + SUFFIX_CLOSE + NAMES_OPEN + NAMES_CLOSE + NAME_OPEN + NAME_CLOSE
    + LABEL_OPEN + LABEL_CLOSE
)
MARK_CHARS = (
    "".join(mark for pair in MARKS.values() for mark in pair)
    + NUMBER_MARK
    + LIST_MARKS
    + QUOTE_OPEN
    + QUOTE_CLOSE
    + DISPLAY_GAP
    + JOINED
)
ANY_MARK = re.compile(f"[{MARK_CHARS}]")

# How each format writes a mark: (Markdown, HTML).
_MARKUP = {
    "italic": (("*", "*"), ("<i>", "</i>")),
    "bold": (("**", "**"), ("<b>", "</b>")),
    "superscript": (("<sup>", "</sup>"), ("<sup>", "</sup>")),
    "subscript": (("<sub>", "</sub>"), ("<sub>", "</sub>")),
    "small-caps": (("", ""), ('<span style="font-variant:small-caps;">', "</span>")),
    "underline": (("", ""), ('<span style="text-decoration:underline;">', "</span>")),
}
MARKDOWN = {
    mark: _MARKUP[kind][0][side] for kind, pair in MARKS.items() for side, mark in enumerate(pair)
}
HTML = {
    mark: _MARKUP[kind][1][side] for kind, pair in MARKS.items() for side, mark in enumerate(pair)
}


_OPENING = "".join(opening for opening, _ in MARKS.values())
_CLOSING = "".join(closing for _, closing in MARKS.values())
_SPACE_AFTER_OPENING = re.compile(f"([{_OPENING}]+)(\\s+)")
_SPACE_BEFORE_CLOSING = re.compile(f"(\\s+)([{_CLOSING}]+)")
_EMPTY_PAIR = re.compile("|".join(opening + closing for opening, closing in MARKS.values()))
_STOP_AFTER_MARK = re.compile(f"(?<=[!?])([{MARK_CHARS}]*)\\.(?=[\\s”’{MARK_CHARS}]|$)")
_STOP_REPEATED = re.compile(f"\\.(?=[{MARK_CHARS} ]+\\.(?:\\s|$))([{MARK_CHARS}]*) *\\.")
_COMMA_REPEATED = re.compile(r",( *),")
# ``et al.`` then the style's ``. ``: keep the full stop outside the name list, so that a
# substituted list (``———.``) keeps it.
_STOP_AFTER_NAMES = re.compile(f"\\.([{NAMES_CLOSE}{NAME_CLOSE}]+)\\.")
_DISPLAY_GAP_DROPPED = re.compile(f"[{DISPLAY_GAP} ]+(?=[{MARK_CHARS}]*[.,;:]|$)")
_DISPLAY_GAP_KEPT = re.compile(f"[{DISPLAY_GAP} ]+")


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
    >>> tidy(f"{DISPLAY_GAP}Doe, 2024{DISPLAY_GAP}{DISPLAY_GAP}Title{DISPLAY_GAP}.")
    'Doe, 2024 Title.'
    """
    if JOINED in text:
        text = re.sub(f"{JOINED} ?", "", text)
    if DISPLAY_GAP in text:
        text = _DISPLAY_GAP_KEPT.sub(" ", _DISPLAY_GAP_DROPPED.sub("", text.strip(f"{DISPLAY_GAP} ")))
    text = " ".join(text.split())
    text = _SPACE_AFTER_OPENING.sub(r"\2\1", _SPACE_BEFORE_CLOSING.sub(r"\2\1", text))
    text = _EMPTY_PAIR.sub("", _without_nested_marks(text))
    text = _STOP_AFTER_MARK.sub(r"\1", text)
    text = _STOP_AFTER_NAMES.sub(r"\1.", text)
    text = _STOP_REPEATED.sub(r".\1", text)
    return " ".join(_COMMA_REPEATED.sub(",", text).split())


_KIND_OF_MARK = {mark: kind for kind, pair in MARKS.items() for mark in pair}
_FORMATTING_MARK = re.compile(f"[{''.join(_KIND_OF_MARK)}]")


def _without_nested_marks(text: str) -> str:
    """Bold inside bold says nothing and breaks Markdown: keep the outer pair only."""
    depth = dict.fromkeys(MARKS, 0)
    pieces, position = [], 0
    for found in _FORMATTING_MARK.finditer(text):
        mark = found[0]
        kind = _KIND_OF_MARK[mark]
        if mark == MARKS[kind][0]:
            depth[kind] += 1
            kept = depth[kind] == 1
        else:  # a closing mark with no opening one is dropped
            kept = depth[kind] == 1
            depth[kind] = max(depth[kind] - 1, 0)
        if not kept:
            pieces.append(text[position : found.start()])
            position = found.end()
    if not pieces and not any(depth.values()):
        return text
    pieces.append(text[position:])
    pieces += [MARKS[kind][1] for kind, open_count in depth.items() if open_count]
    return "".join(pieces)


def with_year_suffix(text: str, suffix: str) -> str:
    """The first year-suffix span of ``text`` filled with ``suffix``."""
    start = text.find(SUFFIX_OPEN)
    end = text.find(SUFFIX_CLOSE, start)
    if start < 0 or end < 0:
        return text
    filled = text[start + 1 : end].replace(YEAR_SUFFIX_MARK, suffix)
    return text[:start] + filled + text[end + 1 :]


def names_span(body: str) -> str | None:
    """The first name list an entry prints, as printed, its label left out (None if none)."""
    start = body.find(NAMES_OPEN)
    end = body.find(NAMES_CLOSE, start)
    if start < 0 or end < 0:
        return None
    return LABEL_SPAN.sub("", body[start + 1 : end]).replace(NAME_OPEN, "").replace(NAME_CLOSE, "").strip()


LABEL_SPAN = re.compile(f"{LABEL_OPEN}[^{LABEL_CLOSE}]*{LABEL_CLOSE}")


def year_suffix(number: int) -> str:
    """The year suffix of the ``number``-th (from 0) of several entries: a ... z, aa, ab, ...

    >>> [year_suffix(n) for n in (0, 1, 25, 26, 27)]
    ['a', 'b', 'z', 'aa', 'ab']
    """
    letters = ""
    number += 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters
