"""`awesome-bib export` end to end: sections, formats, files, and what goes wrong."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import bibtexparser
import jsonschema
import pybtex.database
import pytest
import rispy
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from awesome_bib.records.latex_text import normalize_text, pdflatex_subset, unescape_latex
from conftest import DATA, run

SCHEMA = json.loads((DATA / "csl-data.json").read_text("utf-8"))


def parse_bib(text: str) -> dict[str, dict[str, str]]:
    """Entries by key, as bibtexparser reads them; pybtex must read the same keys."""
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == []
    entries = {e.key: {"ENTRYTYPE": e.entry_type, **{f.key.lower(): f.value for f in e.fields}}
               for e in library.entries}
    assert set(pybtex.database.parse_string(text, "bibtex").entries.keys()) == set(entries)
    return entries


def test_quantization_as_bibtex() -> None:
    result = run("export", "--section", "quantization")
    assert result.exit_code == 0, result.stderr
    entries = parse_bib(result.stdout)
    assert sorted(entries) == sorted([
        "huang2024mcmoe", "kim2023mixture", "frantar2023qmoe", "imani2024mixture",
        "li2024examining", "yang2024laco", "yuan2023compressed",
    ])
    assert all(entry.get("author") for entry in entries.values())  # the shipped lockfile is sourced
    qmoe = entries["frantar2023qmoe"]
    assert qmoe["author"] == "Frantar, Elias and Alistarh, Dan"
    assert qmoe["ENTRYTYPE"] == "misc"
    assert qmoe["eprint"] == "2310.16795" and qmoe["archiveprefix"] == "arXiv"
    assert qmoe["year"] == "2023"
    assert "quantization" in qmoe["keywords"]
    laco = entries["yang2024laco"]
    assert laco["ENTRYTYPE"] == "inproceedings" and "EMNLP" in laco["booktitle"]
    assert set(laco["keywords"].replace(" ", "").split(",")) == {"pruning", "quantization"}
    assert "Interspeech 2023" in entries["yuan2023compressed"]["booktitle"]


def test_section_by_title_path_prefix_and_several() -> None:
    def keys(*queries: str) -> set[str]:
        args = [arg for q in queries for arg in ("-s", q)]
        result = run("export", "-f", "csljson", *args)
        assert result.exit_code == 0, result.stderr
        return {item["id"] for item in json.loads(result.stdout)}

    quantization = keys("quantization")
    assert keys("Quantization") == keys("QUANTIZATION") == quantization
    assert keys("model-level-optimizations/model-compression/quantization") == quantization
    assert keys("quantiz") == quantization
    compression = keys("Model Compression")
    assert len(compression) == 20 and quantization < compression  # subsections included
    assert keys("pruning", "quantization") == keys("pruning") | quantization


def test_all_is_every_paper_once_in_list_order() -> None:
    result = run("export", "--all", "-f", "csljson")
    items = json.loads(result.stdout)
    assert len(items) == 118 == len({item["id"] for item in items})
    assert items[0]["title"].startswith("The Evolution of Mixture of Experts")
    assert json.loads(run("export", "-f", "csljson").stdout) == items  # --all is the default


def test_csljson_is_valid_against_the_official_schema_with_the_right_types() -> None:
    items = json.loads(run("export", "--all", "--format", "csljson").stdout)
    jsonschema.validate(items, SCHEMA)
    types = {item["custom"].get("venue-tag"): item["type"] for item in items}
    assert types["Arxiv'24"] == "article"
    assert types["EMNLP'22"] == "paper-conference"
    assert types["TPDS'24"] == "article-journal"
    assert types["QwenBlog'24"] == "post-weblog"
    assert types["MICROSOFT'22"] == "report"
    qwen = next(item for item in items if item["custom"].get("venue-tag") == "QwenBlog'24")
    assert qwen["author"] == [{"literal": "Qwen Team"}]


def test_output_is_byte_identical_across_runs() -> None:
    first = run("export", "--all").stdout
    assert first == run("export", "--all").stdout
    assert run("export", "--all", "-f", "csljson").stdout == run("export", "--all", "-f", "csljson").stdout


def test_output_file_is_written_whole(tmp_path: Path) -> None:
    target = tmp_path / "q.bib"
    result = run("export", "-s", "quantization", "-o", target)
    assert result.exit_code == 0 and result.stdout == ""
    assert target.read_text("utf-8") == run("export", "-s", "quantization").stdout
    assert [p.name for p in tmp_path.iterdir()] == ["q.bib"]


def test_unknown_section_suggests_and_lists_the_slugs() -> None:
    result = run("export", "--section", "quantisation")
    assert result.exit_code == 2 and result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("awesome-bib: error: no section 'quantisation'; did you mean: quantization?")
    assert "available: contents, survey, sota-moe-llms" in line


def test_ambiguous_prefix_names_the_candidates() -> None:
    result = run("export", "-s", "expert")
    assert result.exit_code == 2
    assert "is ambiguous" in result.stderr and "expert-parallel" in result.stderr


def test_section_without_papers_is_an_error_not_an_empty_file(tmp_path: Path) -> None:
    target = tmp_path / "out.bib"
    result = run("export", "-s", "speculative-decoding", "-o", target)
    assert result.exit_code == 1
    assert "lists no papers" in result.stderr
    assert not target.exists()


def test_all_and_section_together_is_a_usage_error() -> None:
    result = run("export", "--all", "-s", "survey")
    assert result.exit_code == 2 and "either --all or --section" in result.stderr


def test_unwritable_output_is_one_line_and_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out.bib"
    target.write_text("keep me", "utf-8")

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)  # as a read-only folder would (tests may run as root)
    result = run("export", "-s", "survey", "-o", target)
    assert result.exit_code == 2
    assert result.stderr == f"awesome-bib: error: {target}: cannot write: Permission denied\n"
    assert target.read_text("utf-8") == "keep me"


def test_output_into_a_missing_folder_or_onto_a_directory_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "file.txt").write_text("", "utf-8")
    result = run("export", "-s", "survey", "-o", tmp_path / "file.txt" / "x.bib")
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert "file.txt: not a folder" in line and "Traceback" not in result.stderr


MARKDOWN_PUNCTUATION = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=40))
def test_any_title_survives_list_to_bib_to_parse(tmp_path: Path, title: str) -> None:
    listed = normalize_text(title).rstrip(".").strip()
    assume(listed)
    expected = normalize_text(pdflatex_subset(listed)[0])  # the .bib is for pdflatex
    escaped = "".join("\\" + char if char in MARKDOWN_PUNCTUATION else char for char in title)
    listing = tmp_path / "roundtrip.md"
    listing.write_text(f"## Papers\n\n[Arxiv'24] [{escaped}](https://arxiv.org/abs/2401.00001)\n", "utf-8")
    (tmp_path / "roundtrip.lock.json").unlink(missing_ok=True)
    result = run("export", "--list", listing)
    assert result.exit_code == 0, result.stderr
    [entry] = bibtexparser.parse_string(result.stdout).entries
    title_field = entry.fields_dict.get("title")
    assert unescape_latex(title_field.value if title_field else "") == expected


def _title_read_back(fmt: str, text: str) -> str:
    """The one title of an export, as an independent reader of the format sees it."""
    if fmt in ("bibtex", "biblatex"):
        [entry] = bibtexparser.parse_string(text).entries
        return unescape_latex(entry["title"])
    if fmt == "ris":
        [record] = rispy.loads(text)
        return str(record["title"])
    if fmt == "csljson":
        [item] = json.loads(text)
        return str(item["title"])
    [entry] = yaml.safe_load(text).values()  # Hayagriva: escapes resolved, grouping braces dropped
    return re.sub(r"\\(.)|[{}]", lambda match: match.group(1) or "", entry["title"])


@pytest.mark.parametrize("fmt", ["biblatex", "csljson", "ris", "hayagriva"])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=40))
def test_any_title_survives_list_to_every_format_to_parse(tmp_path: Path, fmt: str, title: str) -> None:
    expected = normalize_text(title).rstrip(".").strip()
    assume(expected)
    escaped = "".join("\\" + char if char in MARKDOWN_PUNCTUATION else char for char in title)
    listing = tmp_path / "roundtrip.md"
    listing.write_text(f"## Papers\n\n[Arxiv'24] [{escaped}](https://arxiv.org/abs/2401.00001)\n", "utf-8")
    (tmp_path / "roundtrip.lock.json").unlink(missing_ok=True)
    result = run("export", "--list", listing, "--format", fmt)
    assert result.exit_code == 0, result.stderr
    assert normalize_text(_title_read_back(fmt, result.stdout)) == expected


def test_a_reader_that_stops_early_gets_no_error() -> None:
    """`awesome-bib export --all | head -1`: no traceback, no 'internal error'.

    The reading end is closed before the export writes, so the write surely meets a closed pipe."""
    root = Path(__file__).parent.parent
    process = subprocess.Popen([sys.executable, "-m", "awesome_bib", "export", "--all"],
                               cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    process.wait(timeout=30)
    assert process.stderr.read() == b""
    assert process.returncode in (0, 141)


def test_a_prefix_of_a_parent_section_names_the_parent() -> None:
    def keys(query: str) -> set[str]:
        return {item["id"] for item in json.loads(run("export", "-f", "csljson", "-s", query).stdout)}

    assert keys("system") == keys("system-level-optimization")
    assert len(keys("Model-Level")) == 33


def test_parallel_exports_after_an_edit_all_succeed(seed_copy: Path) -> None:
    seed_copy.write_text(seed_copy.read_text("utf-8") + "\n[Arxiv'24] [New](https://arxiv.org/abs/2401.00009)\n")
    root = Path(__file__).parent.parent
    command = [sys.executable, "-m", "awesome_bib", "export", "--list", str(seed_copy), "-s"]
    processes = [subprocess.Popen([*command, section], cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                 for section in ("survey", "pruning", "quantization", "expert-parallel")]
    for process in processes:
        assert process.wait(timeout=60) == 0, process.stderr.read() if process.stderr else ""
