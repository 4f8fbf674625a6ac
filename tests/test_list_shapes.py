"""Each list shape of tests/data/lists/by-shape gives, through `export --format csljson`, the title,
authors, venue and date its JSON twin expects."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import DATA, copy_list, run

SHAPES = DATA / "lists" / "by-shape"


def _name(name: dict[str, str]) -> str:
    return name.get("literal") or f"{name.get('given', '')} {name.get('family', '')}".strip()


def _said(item: dict[str, Any]) -> dict[str, Any]:
    """What a CSL item says, in the terms of the expectation files."""
    issued = item.get("issued", {}).get("date-parts", [None])[0]
    return {
        "title": item["title"],
        "authors": [_name(name) for name in item.get("author", [])],
        "venue": item["custom"].get("venue-tag"),
        "container": item.get("container-title-short") or item.get("container-title"),
        "issued": issued,
    }


@pytest.mark.parametrize("shape", [
    "kept-shapes", "markers", "shortname-colon-title", "table-br-authors", "table-label-links", "table-model-column",
    "title-date-links",
])
def test_every_shape_gives_title_authors_venue_and_date(shape: str, tmp_path: Path) -> None:
    listed = copy_list(SHAPES / f"{shape}.md", tmp_path)
    result = run("export", "--list", listed, "--format", "csljson")
    assert result.exit_code == 0, result.stderr
    expected = json.loads((SHAPES / f"{shape}.json").read_text("utf-8"))
    said = [_said(item) for item in json.loads(result.stdout)]
    assert said == [{k: v for k, v in want.items() if k != "line"} for want in expected]
