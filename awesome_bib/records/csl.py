"""What every stage reads off a CSL-JSON item the same way: its issued date, and how titles compare.

>>> item = {"title": "M$^3$ViT: {Mixture-of-Experts}", "issued": {"date-parts": [[2024, 1]]}}
>>> issued_year(item), issued_date_parts(item), issued_parts(item)
(2024, [2024, 1], (2024, 1))
>>> title_key(item["title"]), title_similarity(item["title"], "M³ViT: Mixture of Experts") >= TITLE_THRESHOLD
('m3vit mixture of experts', True)
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

# Title similarity at or above which two titles name the same paper (typos and markup pass).
TITLE_THRESHOLD = 0.90


def issued_date_parts(item: Mapping[str, Any]) -> list[Any]:
    """The first ``issued.date-parts`` list as stored (``[]`` for none); its values are unchecked."""
    return ((item.get("issued") or {}).get("date-parts") or [[]])[0]


def issued_year(item: Mapping[str, Any]) -> int | None:
    """The year of a CSL item's ``issued`` date, if it has one."""
    try:
        return int(item["issued"]["date-parts"][0][0])
    except (KeyError, IndexError, TypeError, ValueError):
        return None


def issued_parts(item: Mapping[str, Any]) -> tuple[int, ...]:
    """``(year, month, day)`` of ``issued``, as far as each part is a number in range: ``()`` for no year."""
    parts: list[int] = []
    for value, (lowest, highest) in zip(issued_date_parts(item), ((0, 9999), (1, 12), (1, 31)), strict=False):
        text = str(value).strip()
        if not text.isdigit() or not lowest <= int(text) <= highest:
            break
        parts.append(int(text))
    return tuple(parts)


def date_parts(*parts: Any) -> dict[str, list[list[int]]] | None:
    """A CSL date from year[, month[, day]], dropping the missing tail; None without a year.

    >>> date_parts(2024, "5", None), date_parts(None)
    ({'date-parts': [[2024, 5]]}, None)
    """
    numbers: list[int] = []
    for part in parts:
        try:
            numbers.append(int(part))
        except (TypeError, ValueError):
            break
    return {"date-parts": [numbers]} if numbers else None


def title_key(title: str) -> str:
    """Lower-case ASCII words: accents, TeX braces, markup and punctuation gone.

    >>> title_key("M$^3$ViT: {Mixture-of-Experts} Vision Transformer.")
    'm3vit mixture of experts vision transformer'
    """
    text = re.sub(r"[$^{}\\]", "", re.sub(r"<[^>]+>", " ", title))
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.lower()).split())


def title_similarity(a: str, b: str) -> float:
    """0..1 similarity of two titles after :func:`title_key`; 0 when either has no words."""
    from rapidfuzz import fuzz  # not at import time: most commands that read dates never compare titles

    left, right = title_key(a), title_key(b)
    if not left or not right:
        return 0.0
    return fuzz.ratio(left, right) / 100.0
