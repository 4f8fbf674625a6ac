"""`awesome-bib check` as a command: output formats, exit status, configuration, the rule table."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from awesome_bib.check import RULES, Finding, render
from awesome_bib.library.files import lockfile_path_for
from conftest import DATA, run

CHECK = DATA / "check"


@pytest.fixture
def in_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository folder holding the crafted list as README.md, as the working folder (like CI)."""
    shutil.copy(CHECK / "rules.md", tmp_path / "README.md")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_text_format_is_compiler_style_sorted_by_line_with_a_summary_on_stderr(in_repo: Path) -> None:
    result = run("check", "--list", "README.md")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert (
        "README.md:13: warning[year-mismatch] 'QMoE: Practical Sub-1-Bit Compression of Trillion-Parameter…' "
        "is tagged [Arxiv'24] but arXiv 2310.16795 is from October 2023; tag it [Arxiv'23]"
    ) in lines
    assert "README.md:11: error[duplicate-entry] 'Mixtral of Experts' is the same paper (arXiv 2401.04088) as line 9 " \
           "in 'Papers'" in lines
    numbers = [int(line.split(":")[1]) for line in lines]
    assert numbers == sorted(numbers) and len(lines) == 21
    assert result.stderr == "README.md: 7 errors, 12 warnings, 2 notes\n"


def test_a_list_given_as_dot_slash_or_absolute_path_is_named_relative_to_the_working_folder(in_repo: Path) -> None:
    for given in ("./README.md", in_repo / "README.md"):
        result = run("check", "--list", given, "--only", "duplicate-entry")
        assert result.stdout.startswith("README.md:11: error[duplicate-entry]")


def test_json_format_is_an_array_of_findings_with_hints(in_repo: Path) -> None:
    result = run("check", "--list", "README.md", "--format", "json")
    found = json.loads(result.stdout)
    assert len(found) == 21
    first = found[0]
    assert set(first) == {"file", "line", "rule", "severity", "message", "entry", "hint"}
    assert first["file"] == "README.md" and first["line"] == 11 and first["rule"] == "duplicate-entry"
    assert first["entry"] == "Mixtral of Experts"
    assert first["hint"] == RULES["duplicate-entry"].hint
    assert {f["entry"] for f in found if f["rule"] == "empty-section"} == {None}


def test_github_format_prints_workflow_annotations(in_repo: Path) -> None:
    result = run("check", "--list", "README.md", "--format", "github")
    lines = result.stdout.splitlines()
    assert "::error file=README.md,line=11,title=duplicate-entry::'Mixtral of Experts' is the same paper " \
           "(arXiv 2401.04088) as line 9 in 'Papers'" in lines
    # info findings are notices; "%" in a message is escaped
    assert any(line.startswith("::notice file=README.md,line=48,title=cross-listed::") for line in lines)
    assert "::warning file=README.md,line=38,title=pdf-link::'Retraining-Free Merging: 50%25 Fewer Experts' links " \
           "a PDF; link its abstract page https://arxiv.org/abs/2410.08589" in lines
    assert result.exit_code == 1


def test_github_properties_escape_commas_and_colons_in_the_file_name(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(CHECK / "rules.md", tmp_path / "papers,v1:draft.md")
    monkeypatch.chdir(tmp_path)
    result = run("check", "--list", "papers,v1:draft.md", "--format", "github", "--only", "duplicate-entry")
    assert result.stdout.startswith("::error file=papers%2Cv1%3Adraft.md,line=11,title=duplicate-entry::")


def test_github_escaping_of_percent_and_line_breaks() -> None:
    finding = Finding("a,b:c.md", 3, "pdf-link", "warning", "50% of\r\nit: done, really")
    assert render([finding], "github") == (
        "::warning file=a%2Cb%3Ac.md,line=3,title=pdf-link::50%25 of%0D%0Ait: done, really\n"
    )


def test_exit_status_is_zero_for_warnings_and_one_with_strict(in_repo: Path) -> None:
    assert run("check", "--list", "README.md", "--only", "pdf-link").exit_code == 0
    assert run("check", "--list", "README.md", "--only", "pdf-link", "--strict").exit_code == 1
    assert run("check", "--list", "README.md", "--only", "cross-listed", "--strict").exit_code == 0  # info


def test_a_clean_result_says_so_and_exits_zero() -> None:
    result = run("check", "--only", "unknown-venue")  # the seed's tags are all known
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr.endswith(": no problems found\n")


def test_disable_skips_rules_and_accepts_commas(in_repo: Path) -> None:
    result = run("check", "--list", "README.md", "--format", "json",
                 "--disable", "duplicate-entry,url-whitespace", "--disable", "url-junk")
    rules = {f["rule"] for f in json.loads(result.stdout)}
    assert not rules & {"duplicate-entry", "url-whitespace", "url-junk"}
    assert "malformed-entry" in rules


def test_config_beside_the_list_disables_rules_and_changes_severities(in_repo: Path) -> None:
    shutil.copy(CHECK / "config" / "awesome-bib.toml", in_repo / "awesome-bib.toml")
    result = run("check", "--list", "README.md", "--format", "json")
    found = json.loads(result.stdout)
    assert not {f["rule"] for f in found} & {"stray-link", "cross-listed"}
    severity = {f["rule"]: f["severity"] for f in found}
    assert severity["pdf-link"] == "error" and severity["duplicate-entry"] == "warning"


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("unknown-rule.toml", "awesome-bib.toml [check] disable: unknown rule 'no-such-rule'"),
        ("bad-severity.toml",
         "awesome-bib.toml: [check] severity of pdf-link is 'fatal'; use one of error, warning, info"),
    ],
)
def test_a_bad_config_is_a_one_line_error(in_repo: Path, config: str, message: str) -> None:
    shutil.copy(CHECK / "config" / config, in_repo / "awesome-bib.toml")
    result = run("check", "--list", "README.md")
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("awesome-bib: error: ") and message in line


def test_an_unknown_rule_on_the_command_line_is_a_one_line_error() -> None:
    result = run("check", "--disable", "pdf-links")
    assert result.exit_code == 2
    assert result.stderr == (
        "awesome-bib: error: --disable: unknown rule 'pdf-links'; see `awesome-bib check --list-rules`\n"
    )


def test_list_rules_prints_every_rule_with_severity_explanation_and_fix() -> None:
    result = run("check", "--list-rules")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["RULE", "SEVERITY", "EXPLANATION"]
    for rule in RULES.values():
        [row] = [line for line in lines if line.startswith(rule.id + " ")]
        assert row.split()[1] == rule.severity and rule.summary in row
        assert f"fix: {rule.hint}" in result.stdout
    severities = [line.split()[1] for line in lines[1::2]]
    assert severities == sorted(severities, key=["error", "warning", "info"].index)


def test_list_rules_as_json() -> None:
    rules = json.loads(run("check", "--rules", "--format", "json").stdout)
    assert [r["id"] for r in rules] == sorted(RULES, key=lambda r: ["error", "warning", "info"].index(
        RULES[r].severity))
    for rule in rules:
        assert rule["summary"] and "\n" not in rule["summary"] and rule["hint"]
        assert rule["severity"] in ("error", "warning", "info")
    assert {r["id"] for r in rules if r["needs_resolved_lockfile"]} == {
        "published-version", "title-mismatch", "unresolved"}


def test_the_readme_documents_every_rule_with_its_severity() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text("utf-8")
    documented = dict(re.findall(r"^\| `([a-z-]+)` \| (error|warning|info) \|", readme, re.MULTILINE))
    assert documented == {rule.id: rule.severity for rule in RULES.values()}


def test_check_never_writes_a_lockfile(seed_copy: Path) -> None:
    run("check", "--list", seed_copy)
    assert not lockfile_path_for(seed_copy).exists()


def test_check_leaves_an_existing_lockfile_byte_for_byte(tmp_path: Path) -> None:
    folder = tmp_path / "resolved"
    shutil.copytree(CHECK / "resolved", folder)
    lock = folder / "README.lock.json"
    before = lock.read_bytes()
    result = run("check", "--list", folder / "README.md")
    assert result.exit_code == 0, result.stderr
    assert lock.read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == ["README.lock.json", "README.md"]
