"""Every `check` rule, end to end through the CLI: on a crafted list, on a hand-resolved one, and on the seed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from awesome_bib.check import RULES
from conftest import DATA, copy_list, run

CHECK = DATA / "check"

# Lines of every finding on tests/data/check/rules.md, by rule: one or two lines crafted for each rule.
CRAFTED = {
    "url-whitespace": [25, 28],
    "url-junk": [30],
    "malformed-entry": [21, 23],
    "invalid-arxiv-id": [32],
    "duplicate-entry": [11],
    "pdf-link": [38],
    "unknown-venue": [19],
    "year-mismatch": [13, 15],
    "venue-mismatch": [17],
    "no-identifier": [34],
    "inconsistent-entry": [48, 50],
    "duplicate-title": [52],
    "empty-section": [54, 56],
    "stray-link": [40],
    "cross-listed": [48, 50],
}
# Findings on tests/data/check/resolved/ (a list and a lockfile resolved by hand, provenance "fixture").
RESOLVED = {
    "published-version": [14, 20],
    "title-mismatch": [8, 26],
    "inconsistent-entry": [18],
    "cross-listed": [18],
    "unresolved": [24],
}
# Findings on the seed list, read off the list by hand.
SEED = {
    "duplicate-entry": [28],  # Mixtral-8x22B links the paper of Mixtral-8x7B (2401.04088)
    "pdf-link": [64, 97, 142, 149, 180, 182, 184, 186, 188, 192, 228, 274, 283, 292, 350, 352, 354, 356, 361],
    "year-mismatch": [132, 134, 173],  # MoQE 2310.02410 and QMoE 2310.16795 [Arxiv'24]; DynMoE 2405.14297 [Arxiv'23]
    "venue-mismatch": [171, 283, 292],  # [ACL'24] on a Findings paper; [PMLR'22]/[PMLR'21] on ICML volumes
    "no-identifier": [154, 204],  # a Microsoft PDF; FSMoE linking a publications page
    "inconsistent-entry": [330],  # Pre-gated MoE: [Arxiv'23] on line 93, [ISCA'24] here
    "empty-section": [194],  # Speculative Decoding; Contents, TODOs and Contribute are boilerplate
    "cross-listed": [76, 140, 149, 222, 252, 285, 309, 318, 330, 338],
}


@pytest.fixture
def crafted(tmp_path: Path) -> Path:
    """The crafted list alone in a folder (no lockfile, no config)."""
    return copy_list(CHECK / "rules.md", tmp_path, "rules")


@pytest.fixture
def resolved(tmp_path: Path) -> Path:
    folder = tmp_path / "resolved"
    shutil.copytree(CHECK / "resolved", folder)
    return folder / "README.md"


def findings(*args: str | Path) -> list[dict]:
    result = run("check", "--format", "json", *args)
    assert result.exit_code in (0, 1), result.stderr
    return json.loads(result.stdout)


def lines_by_rule(found: list[dict]) -> dict[str, list[int]]:
    by_rule: dict[str, list[int]] = {}
    for finding in found:
        by_rule.setdefault(finding["rule"], []).append(finding["line"])
    return by_rule


def test_every_rule_has_a_case_in_the_crafted_or_resolved_fixture() -> None:
    assert set(RULES) == set(CRAFTED) | set(RESOLVED)


def test_the_crafted_list_gives_exactly_the_expected_findings(crafted: Path) -> None:
    assert lines_by_rule(findings("--list", crafted)) == CRAFTED


def test_the_resolved_fixture_gives_exactly_the_expected_findings(resolved: Path) -> None:
    assert lines_by_rule(findings("--list", resolved)) == RESOLVED


@pytest.mark.parametrize("rule", sorted(RULES))
def test_each_rule_alone_on_its_fixture(rule: str, crafted: Path, resolved: Path) -> None:
    fixture, expected = (resolved, RESOLVED) if RULES[rule].needs_resolved else (crafted, CRAFTED)
    found = findings("--list", fixture, "--only", rule)
    assert {f["rule"] for f in found} <= {rule}
    assert [f["line"] for f in found] == expected[rule]


@pytest.mark.parametrize("rule", sorted(RULES))
def test_each_rule_alone_on_the_seed(rule: str, seed_copy: Path) -> None:
    # A copy without a lockfile: the rules that need resolved records must stay silent on it,
    # whatever lockfile the package ships.
    found = findings("--list", seed_copy, "--only", rule)
    assert [f["line"] for f in found] == SEED.get(rule, [])


def test_seed_year_mismatches_name_the_tag_the_id_and_the_fix() -> None:
    messages = {f["line"]: f["message"] for f in findings("--only", "year-mismatch")}
    assert messages[134] == (
        "'QMoE: Practical Sub-1-Bit Compression of Trillion-Parameter…' is tagged [Arxiv'24] "
        "but arXiv 2310.16795 is from October 2023; tag it [Arxiv'23]"
    )
    assert "2310.02410" in messages[132] and "tag it [Arxiv'23]" in messages[132]
    assert "arXiv 2405.14297 is from May 2024; tag it [Arxiv'24]" in messages[173]


def test_a_paper_posted_to_arxiv_the_year_after_its_conference_is_not_a_year_mismatch() -> None:
    # TA-MoE: [NeurIPS'22], arXiv 2302.09915 (posted after the conference).
    assert 271 not in [f["line"] for f in findings("--only", "year-mismatch")]


def test_seed_duplicate_names_both_lines_and_titles() -> None:
    [duplicate] = findings("--only", "duplicate-entry")
    assert duplicate["severity"] == "error"
    assert duplicate["message"] == (
        "'Mixtral-8x22B' is the same paper (arXiv 2401.04088) as line 26 in 'SOTA MoE LLMs' "
        "(listed as 'Mixtral-8x7B' there)"
    )


def test_seed_cross_listing_is_info_naming_the_other_sections() -> None:
    found = {f["line"]: f for f in findings("--only", "cross-listed")}
    assert {f["severity"] for f in found.values()} == {"info"}
    assert found[338]["message"].endswith(
        "is also listed under 'Expert Skip/Adaptive Gating' (line 177), 'Expert Parallel' (line 252)"
    )


def test_seed_empty_sections_skip_boilerplate_headings() -> None:
    [empty] = findings("--only", "empty-section")
    assert empty["message"] == "section 'Speculative Decoding' lists no papers"


def test_an_empty_heading_with_empty_subheadings_is_reported_once(crafted: Path) -> None:
    messages = [f["message"] for f in findings("--list", crafted, "--only", "empty-section")]
    assert messages == [
        "section 'Speculative Decoding' lists no papers",
        "section 'Future Work' lists no papers (nor do its 2 subheadings)",
    ]


def test_seed_pdf_links_suggest_the_abstract_page() -> None:
    suggested = {f["line"]: f["message"].rsplit(" ", 1)[-1] for f in findings("--only", "pdf-link")}
    # Merge Expert
    assert suggested[180] == "https://arxiv.org/abs/2410.08589"
    assert suggested[184] == "https://arxiv.org/abs/2403.07816"
    assert suggested[186] == "https://arxiv.org/abs/2208.03306"
    assert suggested[182] == "https://aclanthology.org/2023.emnlp-main.907/"
    assert suggested[188] == "https://openreview.net/forum?id=PhMrGCMIRL"
    assert suggested[228] == "https://ieeexplore.ieee.org/document/10528887"


def test_crafted_messages_name_the_entry_and_the_problem(crafted: Path) -> None:
    messages = {(f["rule"], f["line"]): f["message"] for f in findings("--list", crafted)}
    assert messages["url-whitespace", 25] == (
        "the URL of 'Space In Url' contains a space ('https://arxiv.org/abs/ 2301.00003'), "
        "so Markdown does not read it as a link"
    )
    assert "U+200B (zero width space)" in messages["url-whitespace", 28]
    assert messages["url-junk", 30].endswith("has a trailing ','")
    assert messages["malformed-entry", 21].startswith(
        "[Arxiv24] before 'A Paper With A Garbled Tag' is not a venue tag")
    assert messages["malformed-entry", 23].startswith(
        "a space between ']' and '(' breaks the link of 'Broken Link Paper'")
    assert messages["unknown-venue", 19].endswith("names an unknown venue; did you mean NeurIPS?")
    assert messages["year-mismatch", 15].endswith("is tagged [ICML'23] but its URL is ICML 2022; tag it [ICML'22]")
    assert messages["venue-mismatch", 17].endswith("tag it [Findings of ACL'24]")
    assert messages["invalid-arxiv-id", 32].startswith("'A Paper With A Mistyped Id' links arXiv id '2413.00001'")
    assert messages["duplicate-title", 52] == (
        "'XFT: Unlocking the Power of Code Instruction Tuning' links DOI 10.18653/v1/2024.acl-long.699 "
        "but line 44 links the same title to arXiv 2404.15247"
    )
    assert messages["inconsistent-entry", 50].endswith("is tagged [ISCA'24] here but [Arxiv'23] on line 42")
    assert messages["stray-link", 40] == (
        "this line links https://github.com/vllm-project/vllm but is not a paper entry (under 'Papers')"
    )


def test_links_in_the_intro_and_in_boilerplate_sections_are_not_stray(crafted: Path) -> None:
    lines = [f["line"] for f in findings("--list", crafted, "--only", "stray-link")]
    assert 3 not in lines and 68 not in lines


def test_blogs_need_no_identifier(crafted: Path) -> None:
    assert 36 not in [f["line"] for f in findings("--list", crafted, "--only", "no-identifier")]


def test_resolved_rules_name_the_venue_the_real_title_and_the_source(resolved: Path) -> None:
    messages = {(f["rule"], f["line"]): f["message"] for f in findings("--list", resolved)}
    assert messages["published-version", 14] == (
        "'QMoE: Practical Sub-1-Bit Compression of Trillion-Parameter…' is tagged [Arxiv'23] but was published "
        "in MLSys 2024 (per fixture); tag it [MLSys'24]; link https://proceedings.mlsys.org/fixture/qmoe.html"
    )
    assert messages["title-mismatch", 8] == (
        "listed as 'Mixtral-8x7B' but the paper's title is 'Mixtral of Experts' (per fixture)"
    )
    assert "no source has arXiv 2405.09999 (fixture)" in messages["unresolved", 24]


def test_titles_differing_in_case_punctuation_or_a_letter_are_not_mismatches(resolved: Path) -> None:
    # Line 10: the source's title is lower-cased; line 22: "Mixture-of-Expert" vs "Mixture-of-Experts".
    lines = [f["line"] for f in findings("--list", resolved, "--only", "title-mismatch")]
    assert 10 not in lines and 22 not in lines


def test_a_line_already_tagged_with_the_published_venue_is_not_a_published_version(resolved: Path) -> None:
    lines = [f["line"] for f in findings("--list", resolved, "--only", "published-version")]
    assert 18 not in lines  # [MLSys'24] QMoE


def test_resolved_rules_are_silent_on_a_list_that_was_never_resolved(crafted: Path) -> None:
    resolved_rules = ",".join(r for r in RULES if RULES[r].needs_resolved)
    assert findings("--list", crafted, "--only", resolved_rules) == []


def test_a_year_alone_is_not_an_unknown_venue_and_an_uppercase_scheme_is_still_a_link(tmp_path: Path) -> None:
    listing = tmp_path / "list.md"
    listing.write_text("## Papers\n\n- **Distilling the knowledge in a neural network** (2015), G. Hinton et al. "
                       "[[pdf]](http://arxiv.org/abs/1503.02531)\n\n[Arxiv'24] [Spaced] (HTTPS://arxiv.org/abs/2401.00001)\n",
                       "utf-8")
    findings = json.loads(run("check", "--list", listing, "--format", "json").stdout)
    assert not [f for f in findings if f["rule"] == "unknown-venue"]
    malformed = [f for f in findings if f["rule"] == "malformed-entry"]
    assert malformed and "space" in malformed[0]["message"]
