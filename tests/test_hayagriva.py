"""Hayagriva export: read back with PyYAML, every field where Typst looks for it, and compiled by Typst."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import pytest
import typst
import yaml
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from awesome_bib.errors import AwesomeBibError
from awesome_bib.export.hayagriva import to_hayagriva
from awesome_bib.records.latex_text import normalize_text
from conftest import run

DATA = Path(__file__).parent / "data" / "bibtex"
ITEMS: list[dict[str, Any]] = json.loads((DATA / "items.json").read_text(encoding="utf-8"))
ANY_TITLE = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=60)


def read_formattable(text: str) -> str:
    """What a Hayagriva formattable string says: escapes resolved, grouping braces dropped."""
    return re.sub(r"\\(.)|[{}]", lambda match: match.group(1) or "", text)


def typeset(yml: str, tmp_path: Path, keys: list[str], style: str = "ieee") -> list[str]:
    """The bibliography entries Typst prints for ``keys`` (compiled to HTML), as plain text."""
    (tmp_path / "refs.yml").write_text(yml, encoding="utf-8")
    cites = " ".join(f'#cite(label("{key}"))' for key in keys)
    (tmp_path / "doc.typ").write_text(f'{cites}\n#bibliography("refs.yml", style: "{style}")\n', encoding="utf-8")
    page = typst.compile(str(tmp_path / "doc.typ"), format="html", ignore_system_fonts=True).decode()
    return [html.unescape(re.sub(r"<[^>]+>", "", entry)) for entry in re.findall(r"<li[^>]*>(.*?)</li>", page)]


@pytest.fixture(scope="module")
def entries() -> dict[str, dict[str, Any]]:
    return yaml.safe_load(to_hayagriva(ITEMS))


def test_output_is_deterministic_and_matches_the_reviewed_file() -> None:
    text = to_hayagriva(ITEMS)
    assert text == to_hayagriva(json.loads((DATA / "items.json").read_text(encoding="utf-8")))
    assert text == (DATA / "expected.yml").read_text(encoding="utf-8")
    assert to_hayagriva([]) == ""


def test_pyyaml_reads_every_item_in_order(entries: dict[str, dict[str, Any]]) -> None:
    assert list(entries) == [item["id"] for item in ITEMS]
    for item in ITEMS:
        entry = entries[item["id"]]
        assert read_formattable(entry["title"]) == normalize_text(item["title"])
        assert entry["date"].startswith(str(item["issued"]["date-parts"][0][0]))
        arxiv = (item.get("custom") or {}).get("arxiv")
        assert entry.get("serial-number", {}).get("arxiv") == arxiv
        assert entry.get("serial-number", {}).get("doi") == item.get("DOI")


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("lepikhin2021gshard", {"type": "article", "page-range": "12-34", "parent": {
            "type": "proceedings", "title": "International Conference on Learning Representations",
            "publisher": "OpenReview.net"}}),
        ("fedus2022switch", {"type": "article", "parent": {
            "type": "periodical", "title": "Journal of Machine Learning Research", "volume": "23", "issue": "120",
            "publisher": "JMLR"}}),
        ("jiang2024mixtral", {"url": "https://arxiv.org/abs/2401.04088", "date": "2024-01-08"}),
        ("qwen2024qwen15moe", {"type": "article", "author": [{"name": "Qwen Team"}],
                               "parent": {"type": "blog", "title": "Qwen Blog"}}),
        ("mistral2023webpage", {"type": "web", "author": [{"name": "Mistral AI, Inc. and Friends"}]}),
        ("preprints2024survey", {"parent": {"type": "repository", "title": "Preprints", "publisher": "MDPI AG"}}),
        ("tr2023moe", {"type": "report", "publisher": "Example University",
                       "serial-number": {"serial": "TR-2023-07"}}),
        ("book2020chapter", {"type": "chapter", "parent": {
            "type": "book", "title": "Handbook of Efficient Deep Learning", "publisher": "Example Press"}}),
        ("megablocks2023code", {"type": "repository", "publisher": "GitHub"}),
    ],
)
def test_fields_carry_the_csl_values(entries: dict[str, dict[str, Any]], key: str, expected: dict[str, Any]) -> None:
    assert {name: entries[key].get(name) for name in expected} == expected


def test_names_go_field_by_field_and_others_is_left_out() -> None:
    item = {"id": "k", "type": "article", "title": "T", "author": [
        {"family": "Berg", "given": "Jan", "non-dropping-particle": "van der"},
        {"family": "King", "given": "Martin Luther", "suffix": "Jr."}, {"literal": "others"}]}
    assert yaml.safe_load(to_hayagriva([item]))["k"]["author"] == [
        {"name": "Berg", "given-name": "Jan", "prefix": "van der"},
        {"name": "King", "given-name": "Martin Luther", "suffix": "Jr."}]


def test_markup_in_titles_is_escaped_and_acronyms_are_protected() -> None:
    [entry] = yaml.safe_load(to_hayagriva([{"id": "k", "type": "article", "title": "QMoE: {x} $5 \\y"}])).values()
    assert entry["title"] == "{QMoE}: \\{x\\} \\$5 \\\\y"


def test_keys_beyond_plain_words_are_quoted_and_citable(tmp_path: Path) -> None:
    items = [{"id": "a/b+c:d", "type": "article", "title": "Slashed", "URL": "https://example.org/a b"},
             {"id": "e.f-g_1", "type": "article", "title": "Dotted", "URL": "not a url"}]
    text = to_hayagriva(items)
    assert text.startswith('"a/b+c:d":\n') and "\ne.f-g_1:\n" in text
    printed = typeset(text, tmp_path, ["a/b+c:d", "e.f-g_1"])
    assert "https://example.org/a%20b" in printed[0] and "Dotted" in printed[1]


def test_unusable_items_raise_one_clear_error() -> None:
    with pytest.raises(AwesomeBibError, match=re.escape("Hayagriva export: items 1 and 2 share")):
        to_hayagriva([{"id": "k", "type": "article"}, {"id": "k", "type": "book"}])


@settings(max_examples=200, deadline=None)
@given(ANY_TITLE)
def test_any_title_survives_and_reads_back_the_same(title: str) -> None:
    assume(normalize_text(title))
    [entry] = yaml.safe_load(to_hayagriva([{"id": "k", "type": "article", "title": title}])).values()
    assert read_formattable(entry["title"]) == normalize_text(title)


@settings(max_examples=25, deadline=None)
@given(ANY_TITLE)
def test_any_title_typst_reads_prints_as_written(tmp_path_factory: pytest.TempPathFactory, title: str) -> None:
    assume(normalize_text(title).strip(".,;:!? ") and "\u00ad" not in title)
    [printed] = typeset(to_hayagriva([{"id": "k", "type": "article", "title": title}]),
                        tmp_path_factory.mktemp("typst"), ["k"], "apa")
    assert normalize_text(title).rstrip(".") in " ".join(printed.split())


def test_typst_typesets_every_fixture_entry_with_hostile_titles_as_text(tmp_path: Path) -> None:
    printed = typeset(to_hayagriva(ITEMS), tmp_path, [item["id"] for item in ITEMS])
    assert len(printed) == len(ITEMS)
    text = "\n".join(printed)
    for fragment in (r"\input{/etc/passwd}", r"\immediate\write18{touch PWNED}", "100% & $5 #1 _x_ {y} ~z^",
                     "M³ViT: Mixture-of-Experts", "H. Liang et al.",
                     "Journal of Machine Learning Research, vol. 23, no. 120", "J. van der Berg", "Qwen Team"):
        assert fragment in text, fragment


def test_export_format_hayagriva_through_the_cli() -> None:
    result = run("export", "--section", "quantization", "--format", "hayagriva")
    assert result.exit_code == 0, result.stderr
    entries = yaml.safe_load(result.stdout)
    assert len(entries) == 7 and entries["frantar2023qmoe"]["serial-number"]["arxiv"] == "2310.16795"
