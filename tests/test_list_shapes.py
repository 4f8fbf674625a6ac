"""Each list shape of tests/data/lists/by-shape gives, through `export --format csljson`, the title,
authors, venue and date its JSON twin expects."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from awesome_bib.lists.document import read_list
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


@pytest.mark.parametrize("shape", sorted(path.stem for path in SHAPES.glob("*.md")))
def test_every_shape_gives_title_authors_venue_and_date(shape: str, tmp_path: Path) -> None:
    listed = copy_list(SHAPES / f"{shape}.md", tmp_path)
    result = run("export", "--list", listed, "--format", "csljson")
    assert result.exit_code == 0, result.stderr
    expected = json.loads((SHAPES / f"{shape}.json").read_text("utf-8"))
    said = [_said(item) for item in json.loads(result.stdout)]
    assert said == [{k: v for k, v in want.items() if k != "line"} for want in expected]


def test_every_shape_has_its_expectations() -> None:
    lists = {path.stem for path in SHAPES.glob("*.md")}
    assert len(lists) >= 8 and lists == {path.stem for path in SHAPES.glob("*.json")}


@pytest.mark.parametrize("shape", sorted(path.stem for path in SHAPES.glob("*.md")))
def test_expected_lines_are_where_the_papers_are(shape: str) -> None:
    """The expectation files name each paper's line, so a failure points at the list."""
    expected = json.loads((SHAPES / f"{shape}.json").read_text("utf-8"))
    entries = read_list(SHAPES / f"{shape}.md").entries
    assert [(e.line, e.title) for e in entries] == [(want["line"], want["title"]) for want in expected]
