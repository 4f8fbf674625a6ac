"""`awesome-bib add` end to end, against the local fake services."""

from __future__ import annotations

import difflib
import json
import shutil
from pathlib import Path

import pytest

from awesome_bib.library import open_library
from awesome_bib.library.files import lockfile_path_for
from conftest import DATA, SEED, copy_list, run
from tests.fakeapi import FakeAPI

FAST_DECODING = ("[Arxiv'19] [Fast Transformer Decoding: One Write-Head is All You Need]"
                 "(https://arxiv.org/abs/1911.02150)")
SWITCH = ("[JMLR'22] [Switch Transformers: Scaling to Trillion Parameter Models with Simple and Efficient Sparsity]"
          "(https://arxiv.org/abs/2101.03961)")


def copy_of(name: str, tmp_path: Path, folder: str = "list") -> Path:
    return copy_list(DATA / name, tmp_path, folder)


def diff(before: str, after: str) -> tuple[list[str], list[str]]:
    """The lines added and the lines removed."""
    lines = list(difflib.ndiff(before.splitlines(), after.splitlines()))
    return [line[2:] for line in lines if line.startswith("+ ")], [line[2:] for line in lines if line.startswith("- ")]


def records(listing: Path) -> dict[str, dict[str, object]]:
    return json.loads(lockfile_path_for(listing).read_text("utf-8"))["records"]  # type: ignore[no-any-return]


def fail_fast(listing: Path) -> None:
    """A config beside the list: give up quickly on a service that is down."""
    tables = "".join(f"[services.{name}]\nretries = 0\nbackoff = 0.01\ntimeout = 2\npatience = 1\n\n"
                     for name in ("arxiv", "crossref", "dblp", "semanticscholar"))
    listing.with_name("awesome-bib.toml").write_text(tables, "utf-8")


def test_an_arxiv_id_prints_the_line_in_the_lists_style_and_writes_nothing(seed_copy: Path, fake_api: FakeAPI) -> None:
    before = seed_copy.read_text("utf-8")
    result = run("add", "--list", seed_copy, "arXiv:1911.02150v1", "--section", "attention-module")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == FAST_DECODING + "\n"
    assert seed_copy.read_text("utf-8") == before
    assert not lockfile_path_for(seed_copy).exists()


def test_a_published_preprint_is_tagged_with_its_venue(fake_api: FakeAPI) -> None:
    result = run("add", "2101.03961", "-s", "sota")  # the embedded list: printing is fine
    assert result.exit_code == 0, result.stderr
    assert result.stdout == SWITCH + "\n"
    kept = run("add", "2101.03961", "-s", "sota", "--prefer", "arxiv")
    assert kept.stdout.startswith("[Arxiv'21] [Switch Transformers")


def test_a_doi_prints_a_line_and_a_paper_of_the_same_title_is_pointed_out(fake_api: FakeAPI) -> None:
    result = run("add", "https://doi.org/10.1145/3669940.3707272", "-s", "expert-offloading")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ("[ASPLOS'25] [FSMoE: A Flexible and Scalable Training System for Sparse "
                             "Mixture-of-Experts Models](https://doi.org/10.1145/3669940.3707272)\n")
    assert ":204: a paper with the same title is listed under 'Expert Parallel'" in result.stderr


def test_write_adds_exactly_one_line_and_the_resolved_record(seed_copy: Path, fake_api: FakeAPI) -> None:
    before = seed_copy.read_text("utf-8")
    result = run("add", "--list", seed_copy, "1911.02150", "--section", "Attention Module", "--write")
    assert result.exit_code == 0, result.stderr
    added, removed = diff(before, seed_copy.read_text("utf-8"))
    assert (added, removed) == ([FAST_DECODING], [])
    lines = seed_copy.read_text("utf-8").splitlines()
    number = lines.index(FAST_DECODING) + 1
    assert f"README.md:{number}: added under 'Attention Module'; shazeer2019fast: resolved" in result.stderr
    assert lines[number - 3].startswith("[TMM'21] [Enhancing Mixture-of-Experts")  # the section's last, oldest
    assert lines[number - 2] == lines[number] == ""
    assert next(line for line in lines[number:] if line) == "#### MoE Module"
    record = records(seed_copy)["arxiv:1911.02150"]
    assert (record["key"], record["status"]) == ("shazeer2019fast", "resolved")
    reopened = open_library(seed_copy, update_lockfile=False)  # the list still says what the record was made of
    assert next(r for r in reopened.records if r.id == "arxiv:1911.02150").status == "resolved"
    bib = run("export", "--list", seed_copy, "--section", "attention-module").stdout
    assert "@misc{shazeer2019fast," in bib and "Shazeer, Noam" in bib


def test_a_single_blank_line_between_entries_gets_its_twin(seed_copy: Path, fake_api: FakeAPI) -> None:
    before = seed_copy.read_text("utf-8")
    code = "https://github.com/google-research/t5x"
    result = run("add", "--list", seed_copy, "2101.03961", "-s", "sota", "--code", code, "--write")
    assert result.exit_code == 0, result.stderr
    line = f"{SWITCH} [[Code]({code})]"
    assert diff(before, seed_copy.read_text("utf-8")) == ([line, ""], [])
    lines = seed_copy.read_text("utf-8").splitlines()
    at = lines.index(line)
    assert lines[at - 2].startswith("[Arxiv'22] [NLLB-MOE]")  # newest first: after the '22 papers, before '21
    assert lines[at + 2].startswith("[ICCV'21] [Swin-MoE]")
    assert records(seed_copy)["arxiv:2101.03961"]["status"] == "upgraded"


def test_the_record_written_is_what_resolve_makes_of_the_line(tmp_path: Path, fake_api: FakeAPI) -> None:
    added = copy_of("lists/resolvable.md", tmp_path, "added")
    for paper, section in (("2210.05144", "models"), ("10.1145/3669940.3707272", "systems")):
        assert run("add", "--list", added, paper, "-s", section, "--write").exit_code == 0
    resolved = copy_of("lists/resolvable.md", tmp_path, "resolved")
    shutil.copy(added, resolved)
    assert run("resolve", "--list", resolved).exit_code == 0
    for record_id in ("arxiv:2210.05144", "doi:10.1145/3669940.3707272"):
        assert records(added)[record_id] == records(resolved)[record_id]
    fake_api.log.clear()
    again = run("resolve", "--list", added)
    assert "unchanged: 2" in again.stderr  # the added papers are not looked up again
    asked = [i for e in fake_api.requests("arxiv") for ids in e.query.get("id_list", []) for i in ids.split(",")]
    assert asked and "2210.05144" not in asked


def test_a_paper_already_in_the_section_is_refused(seed_copy: Path, fake_api: FakeAPI) -> None:
    before = seed_copy.read_text("utf-8")
    result = run("add", "--list", seed_copy, "https://arxiv.org/pdf/2402.11187v2", "-s", "pruning", "--write")
    assert result.exit_code == 1
    assert "README.md:113: 'LaCo: Large Language Model Pruning via Layer Collapse' is already listed under " \
           "'Pruning'; nothing added" in result.stderr
    assert seed_copy.read_text("utf-8") == before
    assert not lockfile_path_for(seed_copy).exists()
    assert sum(fake_api.counts.values()) == 0


def test_the_same_paper_behind_another_link_is_found_once_resolved(seed_copy: Path, fake_api: FakeAPI) -> None:
    findings = "10.18653/v1/2024.findings-emnlp.372"  # LaCo's published DOI; the list links its arXiv page
    refused = run("add", "--list", seed_copy, findings, "-s", "pruning", "--write")
    assert refused.exit_code == 1
    assert "README.md:113: 'LaCo: Large Language Model Pruning via Layer Collapse' is already listed" in refused.stderr
    elsewhere = run("add", "--list", seed_copy, findings, "-s", "attention-module")
    assert elsewhere.exit_code == 0
    assert ("README.md:113: the same paper is listed under 'Pruning' as https://arxiv.org/abs/2402.11187; "
            "link that URL to keep one record for it") in elsewhere.stderr


def test_a_paper_listed_elsewhere_is_cross_listed_with_the_same_line(seed_copy: Path, fake_api: FakeAPI) -> None:
    before = seed_copy.read_text("utf-8")
    result = run("add", "--list", seed_copy, "2402.11187", "-s", "sota-moe-llms", "--write")
    assert result.exit_code == 0, result.stderr
    line = ("[EMNLP'24] [LaCo: Large Language Model Pruning via Layer Collapse](https://arxiv.org/abs/2402.11187) "
            "[[Code](https://github.com/yangyifei729/LaCo)]")
    assert diff(before, seed_copy.read_text("utf-8")) == ([line], [])
    assert "README.md:113: also listed under 'Pruning'; cross-listing it" in result.stderr
    assert sum(fake_api.counts.values()) == 0  # the paper's record is already there
    record = records(seed_copy)["arxiv:2402.11187"]
    assert record["csl"]["custom"]["sections"] == ["sota-moe-llms", "pruning", "quantization"]  # type: ignore[index]


def test_a_bullet_list_gets_a_bullet(tmp_path: Path, fake_api: FakeAPI) -> None:
    listing = copy_of("add/bullets.md", tmp_path)
    before = listing.read_text("utf-8")
    result = run("add", "--list", listing, "2310.16795", "-s", "compression", "--write")
    assert result.exit_code == 0, result.stderr
    line = "- [QMoE: Sub-1-Bit Compression of Trillion Parameter Models](https://arxiv.org/abs/2310.16795) (MLSys 2024)"
    assert diff(before, listing.read_text("utf-8")) == ([line], [])
    lines = listing.read_text("utf-8").splitlines()
    assert lines[lines.index(line) - 1].startswith("- [LaCo")  # list items touch
    assert records(listing)["arxiv:2310.16795"]["status"] == "upgraded"


@pytest.mark.parametrize(("paper", "section", "line"), [
    ("1911.02150", "surveys",
     "3. [Fast Transformer Decoding: One Write-Head is All You Need](https://arxiv.org/abs/1911.02150) (Arxiv 2019)"),
    ("2101.03961", "systems",
     "| JMLR 2022 | [Switch Transformers](https://arxiv.org/abs/2101.03961) | - |"),
    ("2405.04434", "attention",
     "* **DeepSeek-V2: A Strong, Economical, and Efficient Mixture-of-Experts Language Model**. DeepSeek-AI, "
     "Aixin Liu, Bei Feng, et al. Arxiv 2024. [[paper]](https://arxiv.org/abs/2405.04434)"),
])
def test_numbered_items_table_rows_and_bold_entries_keep_their_shape(
    tmp_path: Path, fake_api: FakeAPI, paper: str, section: str, line: str
) -> None:
    listing = copy_of("add/bullets.md", tmp_path)
    before = listing.read_text("utf-8")
    result = run("add", "--list", listing, paper, "-s", section, "--write")
    assert result.exit_code == 0, result.stderr
    assert diff(before, listing.read_text("utf-8")) == ([line], [])


def test_offline_needs_a_title_and_looks_nothing_up(seed_copy: Path, fake_api: FakeAPI) -> None:
    refused = run("add", "--list", seed_copy, "2405.00002", "-s", "pruning", "--offline")
    assert refused.exit_code == 2
    assert "--offline looks nothing up: pass --title" in refused.stderr
    before = seed_copy.read_text("utf-8")
    result = run("add", "--list", seed_copy, "2405.00002", "-s", "pruning", "--offline",
                 "--title", "A Paper Not Yet Known", "--write")
    assert result.exit_code == 0, result.stderr
    line = "[Arxiv'24] [A Paper Not Yet Known](https://arxiv.org/abs/2405.00002)"
    assert result.stdout == line + "\n"
    added, removed = diff(before, seed_copy.read_text("utf-8"))
    assert line in added and not removed
    assert records(seed_copy)["arxiv:2405.00002"]["status"] == "listed"  # `resolve` looks it up later
    assert sum(fake_api.counts.values()) == 0


def test_a_service_down_needs_a_title_and_then_still_adds(seed_copy: Path, fake_api: FakeAPI) -> None:
    fake_api.take_down("arxiv")
    fail_fast(seed_copy)
    before = seed_copy.read_text("utf-8")
    refused = run("add", "--list", seed_copy, "1911.02150", "-s", "attention-module", "--write")
    assert refused.exit_code == 2
    assert "could not look up arxiv:1911.02150 (arxiv: 503" in refused.stderr
    assert "pass --title to add it anyway" in refused.stderr
    assert seed_copy.read_text("utf-8") == before
    result = run("add", "--list", seed_copy, "1911.02150", "-s", "attention-module", "--write",
                 "--title", "Fast Transformer Decoding: One Write-Head is All You Need")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == FAST_DECODING + "\n"
    assert "arxiv:1911.02150 was not resolved (arxiv: 503" in result.stderr
    assert records(seed_copy)["arxiv:1911.02150"]["status"] == "listed"


@pytest.mark.parametrize(("args", "message"), [
    (("1911.02150", "-s", "nosuch"), "no section 'nosuch'"),
    (("2413.00001", "-s", "pruning"), "'2413.00001' is not a valid arXiv id"),
    (("https://github.com/laekov/fastmoe", "-s", "pruning"), "is not an arXiv id, a DOI or a paper URL"),
    (("1911.02150", "-s", "pruning", "--venue", "not a venue at all"), "--venue 'not a venue at all' is not a venue"),
    (("1911.02150", "-s", "pruning", "--code", "github.com/x"), "--code 'github.com/x' is not an http(s) URL"),
])
def test_bad_input_is_one_line_exit_2_and_nothing_written(
    seed_copy: Path, fake_api: FakeAPI, args: tuple[str, ...], message: str
) -> None:
    before = seed_copy.read_text("utf-8")
    result = run("add", "--list", seed_copy, *args, "--write")
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.splitlines()) == 1
    assert seed_copy.read_text("utf-8") == before
    assert not lockfile_path_for(seed_copy).exists()
    assert sum(fake_api.counts.values()) == 0


def test_the_embedded_list_is_not_written(fake_api: FakeAPI) -> None:
    before = SEED.read_text("utf-8")
    result = run("add", "1911.02150", "-s", "attention-module", "--write")
    assert result.exit_code == 2
    assert "--write needs --list" in result.stderr
    assert SEED.read_text("utf-8") == before
    assert sum(fake_api.counts.values()) == 0


def test_a_list_that_cannot_be_written_is_left_as_it_was(
    seed_copy: Path, fake_api: FakeAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(path: Path, text: str) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("awesome_bib.library.add.write_atomic", refuse)
    before = seed_copy.read_text("utf-8")
    result = run("add", "--list", seed_copy, "1911.02150", "-s", "attention-module", "--write")
    assert result.exit_code == 2
    assert "README.md: cannot write: Permission denied; nothing was changed" in result.stderr
    assert seed_copy.read_text("utf-8") == before
    assert not lockfile_path_for(seed_copy).exists()
