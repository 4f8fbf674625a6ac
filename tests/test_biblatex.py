"""biblatex export: native fields, read back with bibtexparser and checked against biber's data model."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import bibtexparser
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from awesome_bib.errors import AwesomeBibError
from awesome_bib.export.biblatex import FIELD_ORDER, to_biblatex
from awesome_bib.records.latex_text import normalize_text, unescape_latex
from conftest import require_tools, run

DATA = Path(__file__).parent / "data" / "bibtex"
ITEMS: list[dict[str, Any]] = json.loads((DATA / "items.json").read_text(encoding="utf-8"))
ANY_TITLE = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=60)
BIBER_PROBLEM = re.compile(r"\b(WARN|ERROR)\b")


@pytest.fixture(scope="module")
def bib() -> str:
    return to_biblatex(ITEMS)


def _entries(text: str) -> dict[str, tuple[str, dict[str, str]]]:
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == []
    return {e.key: (e.entry_type, {f.key: str(f.value) for f in e.fields}) for e in library.entries}


def test_output_is_deterministic_and_matches_the_reviewed_file(bib: str) -> None:
    assert to_biblatex(json.loads((DATA / "items.json").read_text(encoding="utf-8"))) == bib
    assert bib == (DATA / "expected-biblatex.bib").read_text(encoding="utf-8")
    assert list(_entries(bib)) == [item["id"] for item in ITEMS]
    assert "= {}" not in bib and to_biblatex([]) == ""


@pytest.mark.parametrize(
    ("key", "entry_type", "expected"),
    [
        ("lepikhin2021gshard", "inproceedings", {
            "booktitle": "International Conference on Learning Representations", "date": "2021-05",
            "pages": "12--34", "publisher": "OpenReview.net", "doi": "10.1000/gshard_2021"}),
        ("fedus2022switch", "article", {
            "journaltitle": "Journal of Machine Learning Research", "volume": "23", "number": "120",
            "date": "2022-12-01"}),
        ("jiang2024mixtral", "online", {
            "eprint": "2401.04088", "eprinttype": "arxiv", "eprintclass": "cs.LG", "date": "2024-01-08",
            "url": "https://arxiv.org/abs/2401.04088"}),
        ("oldstyle1999", "online", {"eprint": "hep-th/9901001", "eprintclass": "hep-th"}),
        ("qwen2024qwen15moe", "online", {"author": "{Qwen Team}", "organization": "Qwen Blog",
                                         "url": "https://qwenlm.github.io/blog/qwen-moe/"}),
        ("mistral2023webpage", "online", {"organization": "Mistral AI"}),
        ("tr2023moe", "report", {"type": "techreport", "institution": "Example University",
                                 "number": "TR-2023-07", "date": "2023-06"}),
        ("megablocks2023code", "software", {"howpublished": "GitHub"}),
        ("hfdataset2024", "dataset", {"publisher": "Hugging Face"}),
        ("book2020chapter", "inbook", {"booktitle": "Handbook of Efficient Deep Learning",
                                       "publisher": "Example Press"}),
    ],
)
def test_entry_types_and_native_fields(bib: str, key: str, entry_type: str, expected: dict[str, str]) -> None:
    written_type, fields = _entries(bib)[key]
    assert written_type == entry_type
    assert {name: fields.get(name) for name in expected} == expected
    assert not {"year", "month", "journal", "archivePrefix", "primaryClass"} & set(fields)


def test_fields_follow_the_fixed_order(bib: str) -> None:
    for entry in bibtexparser.parse_string(bib).entries:
        names = [field.key for field in entry.fields]
        assert names == sorted(names, key=FIELD_ORDER.index)


def test_a_list_field_holding_and_is_one_name() -> None:
    item = {"id": "k", "type": "report", "title": "T", "publisher": "Smith and Sons"}
    assert "  institution = {{Smith and Sons}},\n" in to_biblatex([item])


def test_a_preprint_with_no_link_is_misc_not_an_online_entry_without_a_url() -> None:
    assert to_biblatex([{"id": "k", "type": "article", "title": "T"}]).startswith("@misc{k,")


@pytest.mark.parametrize(
    ("items", "message"),
    [
        ([{"id": "has space", "type": "article"}], "biblatex export: item 1 has the citation key 'has space'"),
        ([{"id": "k", "type": "article"}, {"id": "k", "type": "book"}], "items 1 and 2 share"),
    ],
)
def test_unusable_items_raise_one_clear_error(items: list[dict[str, Any]], message: str) -> None:
    with pytest.raises(AwesomeBibError, match=re.escape(message)):
        to_biblatex(items)


@settings(max_examples=200, deadline=None)
@given(ANY_TITLE)
def test_any_title_survives_and_reads_back_the_same(title: str) -> None:
    assume(normalize_text(title))
    [(_, fields)] = _entries(to_biblatex([{"id": "k", "type": "article", "title": title}])).values()
    assert unescape_latex(fields["title"]) == normalize_text(title)


def test_export_format_biblatex_through_the_cli() -> None:
    result = run("export", "--section", "quantization", "--format", "biblatex")
    assert result.exit_code == 0, result.stderr
    entries = _entries(result.stdout)
    assert len(entries) == 7
    assert entries["frantar2023qmoe"][1]["eprinttype"] == "arxiv"
    assert run("export", "-s", "quantization", "-f", "biblatex", "--style", "ieee").exit_code == 2


def test_the_latex_draft_with_biblatex_gets_the_biblatex_file(tmp_path: Path) -> None:
    assert run("latex", "-s", "quantization", "--backend", "biblatex", "--out", tmp_path).exit_code == 0
    assert (tmp_path / "references.bib").read_text("utf-8") == run("export", "-s", "quantization", "-f",
                                                                    "biblatex").stdout
    assert run("latex", "-s", "quantization", "--out", tmp_path).exit_code == 0
    assert (tmp_path / "references.bib").read_text("utf-8") == run("export", "-s", "quantization").stdout


def _biber_validate(bib_file: Path) -> list[str]:
    result = subprocess.run(["biber", "--tool", "--validate-datamodel", bib_file.name], cwd=bib_file.parent,
                            capture_output=True, text=True, errors="replace")
    assert result.returncode == 0, result.stdout[-2000:]
    return [line for line in result.stdout.splitlines() if BIBER_PROBLEM.search(line)]


@pytest.mark.slow
def test_biber_finds_every_entry_valid_in_its_data_model(tmp_path: Path, bib: str) -> None:
    require_tools("biber", what="biber")
    (tmp_path / "refs.bib").write_text(bib, encoding="utf-8")
    assert _biber_validate(tmp_path / "refs.bib") == []


@pytest.mark.slow
def test_the_embedded_list_lacks_nothing_biber_asks_for_but_authors_the_list_omits(tmp_path: Path) -> None:
    require_tools("biber", what="biber")
    result = run("export", "--all", "--format", "biblatex", "-o", tmp_path / "all.bib")
    assert result.exit_code == 0, result.stderr
    without_authors = {key for key, (_, fields) in _entries((tmp_path / "all.bib").read_text("utf-8")).items()
                       if "author" not in fields}
    problems = _biber_validate(tmp_path / "all.bib")
    missing_author = re.compile(r"WARN - Datamodel: Entry '([^']+)' \(all\.bib\): Missing mandatory field 'author'$")
    for line in problems:
        found = missing_author.match(line)
        assert found and found[1] in without_authors, line
