"""RIS export: read back with rispy (an independent RIS parser), every field intact, UTF-8."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import rispy
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from awesome_bib.errors import AwesomeBibError
from awesome_bib.export.ris import to_ris
from awesome_bib.records.latex_text import normalize_text
from conftest import run

DATA = Path(__file__).parent / "data" / "bibtex"
ITEMS: list[dict[str, Any]] = json.loads((DATA / "items.json").read_text(encoding="utf-8"))
ANY_TITLE = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=60)


@pytest.fixture(scope="module")
def records() -> dict[str, dict[str, Any]]:
    return {record["id"]: record for record in rispy.loads(to_ris(ITEMS))}


def test_output_is_deterministic_and_matches_the_reviewed_file() -> None:
    text = to_ris(ITEMS)
    assert text == to_ris(json.loads((DATA / "items.json").read_text(encoding="utf-8")))
    assert text == (DATA / "expected.ris").read_text(encoding="utf-8")
    assert all(re.fullmatch(r"[A-Z][A-Z0-9]  - .*|", line) for line in text.splitlines())
    assert to_ris([]) == ""


def test_rispy_reads_every_item_in_order_with_its_core_fields(records: dict[str, dict[str, Any]]) -> None:
    assert list(records) == [item["id"] for item in ITEMS]
    for item in ITEMS:
        record = records[item["id"]]
        assert record["title"] == normalize_text(item["title"])
        named = [name for name in item.get("author", []) if name.get("literal") != "others"]
        assert len(record.get("authors", [])) == len(named)
        if "DOI" in item:
            assert record["doi"] == item["DOI"]
        year = item["issued"]["date-parts"][0][0]
        assert record["year"] == str(year) and record["date"].startswith(f"{year}/")
        container = item.get("container-title") or item.get("event-title")
        assert record.get("secondary_title") == container
        arxiv = (item.get("custom") or {}).get("arxiv")
        assert record.get("accession_number") == (f"arXiv:{arxiv}" if arxiv else None)
        if arxiv:
            assert f"https://arxiv.org/abs/{arxiv}" in record["urls"]


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("lepikhin2021gshard", {
            "type_of_reference": "CPAPER", "date": "2021/05//", "start_page": "12", "end_page": "34",
            "authors": ["Lepikhin, Dmitry", "van der Berg, Jan", "van Beethoven, Ludwig", "Martin, Luther, Jr."],
            "keywords": ["model-level-optimizations", "moe-training"], "publisher": "OpenReview.net"}),
        ("fedus2022switch", {"type_of_reference": "JOUR", "volume": "23", "number": "120", "date": "2022/12/01/"}),
        ("jiang2024mixtral", {"type_of_reference": "UNPB", "urls": ["https://arxiv.org/abs/2401.04088"]}),
        ("qwen2024qwen15moe", {"type_of_reference": "BLOG", "authors": ["Qwen Team"],
                               "notes": ["Accessed 2024-04-01"], "secondary_title": "Qwen Blog"}),
        ("mistral2023webpage", {"type_of_reference": "ELEC", "publisher": "Mistral AI"}),
        ("tr2023moe", {"type_of_reference": "RPRT", "issn": "TR-2023-07", "publisher": "Example University"}),
        ("megablocks2023code", {"type_of_reference": "COMP",
                                "urls": ["https://example.org/a_b/c%20d?x=1&y=~z#frag"]}),
        ("book2020chapter", {"type_of_reference": "CHAP", "start_page": "101", "end_page": "140"}),
        ("many2024authors", {"start_page": "e1001"}),
    ],
)
def test_fields_carry_the_csl_values(records: dict[str, dict[str, Any]], key: str, expected: dict[str, Any]) -> None:
    assert {name: records[key].get(name) for name in expected} == expected


def test_names_and_titles_stay_utf8(records: dict[str, dict[str, Any]], tmp_path: Path) -> None:
    assert "Schölkopf, Bernhard" in records["liang2022m3vit"]["authors"]
    assert records["liang2022m3vit"]["title"].startswith("M³ViT:")
    assert records["unicode2024quotes"]["title"].startswith("“Don’t Stop”")
    result = run("export", "--all", "--format", "ris", "-o", tmp_path / "all.ris")
    assert result.exit_code == 0, result.stderr
    text = (tmp_path / "all.ris").read_bytes().decode("utf-8")
    assert len(rispy.loads(text)) == len(json.loads(run("export", "--all", "-f", "csljson").stdout))


def test_a_title_that_looks_like_ris_stays_one_field() -> None:
    item = {"id": "k", "type": "article", "title": "Stop here\nER  - \nTY  - JOUR", "author": [
        {"family": "Doe", "given": "Jane"}, {"literal": "others"}]}
    [record] = rispy.loads(to_ris([item]))
    assert record["title"] == "Stop here ER - TY - JOUR" and record["authors"] == ["Doe, Jane"]


def test_unusable_items_raise_one_clear_error() -> None:
    with pytest.raises(AwesomeBibError, match=re.escape("RIS export: items 1 and 2 share the citation key 'k'")):
        to_ris([{"id": "k", "type": "article"}, {"id": "k", "type": "book"}])


@settings(max_examples=200, deadline=None)
@given(ANY_TITLE)
def test_any_title_survives_and_reads_back_the_same(title: str) -> None:
    assume(normalize_text(title))
    [record] = rispy.loads(to_ris([{"id": "k", "type": "article-journal", "title": title}]))
    assert record["title"] == normalize_text(title)


def test_export_format_ris_through_the_cli() -> None:
    result = run("export", "--section", "quantization", "--format", "ris")
    assert result.exit_code == 0, result.stderr
    parsed = rispy.loads(result.stdout)
    assert [record["id"] for record in parsed][:3] == ["huang2024mcmoe", "kim2023mixture", "frantar2023qmoe"]
    assert parsed[2]["accession_number"] == "arXiv:2310.16795"
