"""Reading lists: entry shapes, tags, code links, what is not an entry, and bad input."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from awesome_bib.errors import AwesomeBibError
from awesome_bib.listfile import parse_list, read_list, slugify
from conftest import DATA, SEED, run

SHAPES = DATA / "lists" / "shapes.md"


def by_line(path: Path = SHAPES) -> dict:
    return {entry.line: entry for entry in read_list(path).entries}


def test_seed_shape_with_tag_title_code_and_trailing_tag() -> None:
    entries = by_line(SEED)
    moe_plus = entries[222]
    assert moe_plus.venue_tag == "Arxiv'24"
    assert moe_plus.title == "MoE++: Accelerating Mixture-of-Experts Methods with Zero-Computation Experts"
    assert moe_plus.target.ids == {"arxiv": "2410.07348"}
    assert moe_plus.code == ("https://github.com/SkyworkAI/MoE-plus-plus",)
    assert moe_plus.tags == ("MoE Module Design",)
    assert moe_plus.section == "system-level-optimization/expert-parallel"
    assert moe_plus.source.startswith("[Arxiv'24] [MoE++")


def test_seed_curly_apostrophe_missing_space_and_spaces_in_parentheses() -> None:
    entries = by_line(SEED)
    assert entries[356].venue_tag == "ISSCC’24"
    jetmoe = entries[48]  # "...0.1M Dollars](https://arxiv.org/abs/2404.07413)[[Code](...)]"
    assert jetmoe.code == ("https://github.com/myshell-ai/JetMoE",)
    tmm = entries[82]  # "(https://github.com/lbzhang/Enhanced-Expert-FGVC-Pytorch.git )"
    assert tmm.code == ("https://github.com/lbzhang/Enhanced-Expert-FGVC-Pytorch.git",)


def test_seed_lines_without_links_or_with_empty_links_are_not_entries() -> None:
    parsed = read_list(SEED)
    lines = {entry.line for entry in parsed.entries}
    assert 7 not in lines  # "Example: [Conference'year] [Paper Title]() [[Code]()]"
    assert 2 not in lines and 3 not in lines  # badges
    assert 368 not in lines  # "7.	MoEsaic: Shared Mixture of Experts" (a TODO without a link)
    assert len(parsed.entries) == 129
    assert parsed.stray_links == [] and parsed.malformed == []


def test_bullets_bold_numbered_and_table_shapes() -> None:
    entries = by_line()
    assert entries[7].shape == "bullet" and entries[7].title == "Mixtral of Experts"
    assert entries[7].code == ("https://github.com/mistralai/mistral-src",)
    bold = entries[8]
    assert bold.shape == "bold"
    assert bold.title.startswith("Switch Transformers: Scaling to Trillion")
    assert bold.authors_text == "William Fedus, Barret Zoph, Noam Shazeer"
    assert bold.venue_tag == "JMLR 2022"
    assert bold.target.ids == {"arxiv": "2101.03961"}
    assert bold.code == ("https://github.com/google-research/t5x",)
    assert entries[13].section == "bullets/numbered"
    assert entries[14].venue_tag == "ICLR 2017"  # "(ICLR 2017)" after the title
    table = entries[20]
    assert table.shape == "table" and table.venue_tag == "NeurIPS 2022"
    assert table.target.ids == {"neurips": "2022/2f00ecd787b432c1d36f3de9800728eb"}
    assert table.code == ("https://github.com/google/flaxformer",)
    assert entries[21].target.ids["acl"] == "2024.acl-long.699"


def test_tags_with_space_and_month() -> None:
    entries = by_line()
    assert entries[25].venue_tag == "SENSYS '24"
    assert entries[26].venue_tag == "Arxiv'24.8"
    assert entries[26].tags == ("Quantization",)


def test_malformed_links_are_kept_as_entries_not_dropped() -> None:
    parsed = read_list(SHAPES)
    malformed = {entry.line: entry for entry in parsed.malformed}
    assert set(malformed) == {27, 28}
    assert malformed[27].url == "https://arxiv.org/abs/2405.00002"
    assert malformed[27].title == "Broken Link Paper"
    assert malformed[28].target.ids == {"arxiv": "2301.00003"}
    assert {27, 28} <= {entry.line for entry in parsed.entries}


def test_prose_and_code_only_lines_are_stray_links_not_entries() -> None:
    parsed = read_list(SHAPES)
    assert [(s.line, s.url) for s in parsed.stray_links] == [
        (3, "https://example.org/contributing"),
        (29, "https://example.org/blog/moe"),
        (30, "https://github.com/vllm-project/vllm"),
    ]
    assert 31 not in {entry.line for entry in parsed.entries}  # "- TODO: add MoE-Lightning"


def test_a_paper_link_in_prose_of_unknown_shape_is_an_entry_titled_by_its_link() -> None:
    parsed = parse_list("## S\n\nAs shown by [the Switch paper](https://arxiv.org/abs/2101.03961), sparsity helps.\n")
    [entry] = parsed.entries
    assert entry.shape == "prose" and entry.title == "the Switch paper"


def test_paragraph_with_several_lines_gives_one_entry_per_line() -> None:
    text = "## S\n[Arxiv'24] [A](https://arxiv.org/abs/2401.00001)\n[Arxiv'24] [B](https://arxiv.org/abs/2401.00002)\n"
    parsed = parse_list(text)
    assert [(e.line, e.title) for e in parsed.entries] == [(2, "A"), (3, "B")]


def test_same_heading_twice_gets_distinct_paths() -> None:
    parsed = parse_list("## A\n### Misc\n## B\n### Misc\n## B\n")
    assert [s.path for s in parsed.sections] == ["a", "a/misc", "b", "b/misc", "b-2"]


def test_slugify_folds_accents_and_punctuation() -> None:
    assert slugify("Expert Skip/Adaptive Gating") == "expert-skip-adaptive-gating"
    assert slugify("Café & Crème: LLMs!") == "cafe-creme-llms"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("missing.md", "no such file"),
        ("latin1.md", "latin1.md:5: not UTF-8 (byte 0xe9); save the list as UTF-8"),
        ("no-entries.md", "no paper entries found"),
    ],
)
def test_bad_lists_give_one_line_errors_naming_the_file(name: str, message: str) -> None:
    result = run("export", "--list", DATA / "lists" / name)
    assert result.exit_code == 2
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("awesome-bib: error: ") and name in line and message in line
    assert "Traceback" not in result.stderr


def test_a_directory_is_not_a_list(tmp_path: Path) -> None:
    with pytest.raises(AwesomeBibError, match="is a directory"):
        read_list(tmp_path)


def test_sections_text_is_indented_by_depth_not_heading_level() -> None:
    lines = run("sections", "--list", DATA / "lists" / "deep-headings.md").stdout.splitlines()
    assert [re.match(r" *\S+", line)[0] for line in lines[1:]] == [
        "deep-headings", "  top", "    deep-child", "    middle", "second-part", "  under-the-second-part",
    ]
