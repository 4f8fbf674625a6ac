"""CSL-JSON exporter: the records' items as a JSON array, valid against the official CSL schema."""

from __future__ import annotations

import json
from collections.abc import Iterable

from awesome_bib.records.model import CSLItem


def to_csljson(items: Iterable[CSLItem]) -> str:
    """A deterministic JSON array (keys sorted, two-space indent, trailing newline).

    >>> to_csljson([{"id": "doe2024x", "type": "article", "title": "X"}]).splitlines()[2]
    '    "id": "doe2024x",'
    """
    return json.dumps(list(items), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
