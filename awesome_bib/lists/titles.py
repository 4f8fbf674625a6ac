"""A paper's title as a list writes it -> the title: the markers around it taken off, a subtitle after
a short name joined on, its spaces and final full stop tidied.

Lists put emoji, stars, ``[ShortName]`` tags, ``(@Org)`` and dates around a title, and often name a
work by a short link followed by the rest of its title (``[QLoRA](…): Efficient Finetuning of
Quantized LLMs``).
"""

from __future__ import annotations

import re
import unicodedata

from awesome_bib.lists.bylines import read_byline, read_date
from awesome_bib.lists.pieces import LINK_SLOT
from awesome_bib.records.venues import parse_tag

_LEAD_BRACKET = re.compile(r"^\[([^\[\]]+)\]\s*(?=\S)")
_TAIL_BRACKET = re.compile(r"\s*(?:\[([^\[\]]+)\]|\(([^()]+)\))\s*$")
_WHOLE_BRACKET = re.compile(r"^\[([^\[\]]*)\]$")
_MARKER_JOINERS = "\u200d\ufe0e\ufe0f\u20e3"  # joiners and variation selectors of emoji
_EDGE_PUNCTUATION = "-–—:|•·,;"
_SUBTITLE_COLON = re.compile(r"^[ \t]?:\s+")
_SUBTITLE_END = re.compile(rf"\s[|–—-]\s|\s*\[|\s*{LINK_SLOT}|\s*\((?=[^()]*\d{{2}}[^()]*\))")
_MAX_NAME_WORDS = 3  # "[Short Name](…): Title": the link names a work, not a title
_FUNCTION_WORDS = frozenset(
    "a an and as at by for from in into is of on onto or over the to under via vs with without".split()
)


def subtitle_after(name: str, after: str) -> tuple[str, str]:
    """``[QLoRA](…): Efficient Finetuning of Quantized LLMs | NeurIPS'23``: the link names the work
    and the words after its colon are the rest of the title -> (those words, what follows them).

    Only after a short name, and only words in title case, so that a description
    (``[vLLM](…): a fast serving engine.``) stays out of the title.

    >>> subtitle_after("QLoRA", ": Efficient Finetuning of Quantized LLMs | NeurIPS'23")
    ('Efficient Finetuning of Quantized LLMs', " | NeurIPS'23")
    >>> subtitle_after("vLLM", ": a fast serving engine.")
    ('', ': a fast serving engine.')
    """
    colon = _SUBTITLE_COLON.match(after)
    if colon is None or ":" in name or len(name.split()) > _MAX_NAME_WORDS:
        return "", after
    end = _SUBTITLE_END.search(after, colon.end())
    stop = end.start() if end else len(after)
    words = after[colon.end():stop].strip()
    if words.endswith(".") or not _in_title_case(words) or read_byline(words).authors:
        return "", after
    return words, after[stop:]


def _in_title_case(text: str) -> bool:
    """Two or more words with letters, every one that is not a short function word capitalised (or a number)."""
    words = [bare for word in text.split() if (bare := word.lstrip("\"'“‘([{")) and bare.lower() not in _FUNCTION_WORDS]
    named = [word for word in words if word[0].isalpha()]  # "Apache 2.0" is a licence, not a title
    return len(named) >= 2 and all(word[0].isupper() or word[0].isdigit() for word in words)


def without_markers(text: str) -> tuple[str, tuple[int, int | None] | None]:
    """A title without what lists put around it -> (the title, a date among them).

    Emoji and stars (``⭐``, ``🔥``), a leading ``[ShortName]`` tag, a trailing ``(@Org)``, a trailing
    ``[Dec 2023]`` or ``(2023)`` date, trailing ``[Tags]`` and commas; a title in brackets is unwrapped.
    A marker that is all there is stays.

    >>> without_markers("🔥 [RouteBench] RouteBench: A Benchmark (@Example Labs) [Dec 2023],")
    ('RouteBench: A Benchmark', (2023, 12))
    >>> without_markers("Mixture of Quantized Experts (MoQE)"), without_markers("[QuantMix]")
    (('Mixture of Quantized Experts (MoQE)', None), ('QuantMix', None))
    """
    date = None
    while True:
        stripped = _strip_symbols(text)
        if (lead := _LEAD_BRACKET.match(stripped)) and not parse_tag(lead[1]):
            stripped = stripped[lead.end():]
        if (tail := _TAIL_BRACKET.search(stripped)) and tail.start() > 0:
            inside = (tail[1] or tail[2]).strip()
            if date is None and (found := read_date(inside)):
                date, stripped = found, stripped[:tail.start()]
            elif inside.startswith("@") or tail[0].lstrip().startswith("["):
                stripped = stripped[:tail.start()]
        if (whole := _WHOLE_BRACKET.match(stripped)) and whole[1].strip():
            stripped = whole[1]
        stripped = _strip_symbols(stripped)
        if stripped == text or not stripped:
            return text, date
        text = stripped


def _strip_symbols(text: str) -> str:
    """Emoji, stars and separators at either end of a title."""
    start, end = 0, len(text)
    while start < end and _is_marker_character(text[start]):
        start += 1
    while end > start and _is_marker_character(text[end - 1]):
        end -= 1
    return text[start:end]


def _is_marker_character(character: str) -> bool:
    return (character.isspace() or character in _MARKER_JOINERS or character in _EDGE_PUNCTUATION
            or unicodedata.category(character) in ("So", "Sk", "Cs", "Co"))


def clean_title(title: str) -> str:
    """The title as it is kept: its spaces collapsed, a final full stop dropped."""
    return " ".join(title.split()).rstrip(".")
