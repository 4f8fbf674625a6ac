"""The URL side of `check`: abstract pages for PDF links, and junk in URLs (cases in tests/data/check/urls.json)."""

from __future__ import annotations

import json

import pytest

from awesome_bib.check.links import has_whitespace, junk_in
from awesome_bib.ids import abstract_page
from conftest import DATA

CASES = json.loads((DATA / "check" / "urls.json").read_text("utf-8"))


@pytest.mark.parametrize(("url", "expected"), CASES["abstract-pages"])
def test_abstract_page_of_a_pdf_link(url: str, expected: str | None) -> None:
    assert abstract_page(url) == expected


@pytest.mark.parametrize(("url", "expected"), CASES["junk"])
def test_junk_in_a_url(url: str, expected: str | None) -> None:
    assert junk_in(url) == expected


@pytest.mark.parametrize(
    ("url", "blank"),
    [("https://arxiv.org/abs/ 2401.04088", True), ("https://example.org/a\u00a0b", True),
     ("https://example.org/\u200bb", True), ("https://example.org/\ufeffb", True),
     ("https://example.org/a%20b", False)],
)
def test_whitespace_includes_invisible_characters(url: str, blank: bool) -> None:
    assert has_whitespace(url) is blank
