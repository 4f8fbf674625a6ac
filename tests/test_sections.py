"""`awesome-bib sections` on the embedded list: every heading, with direct and total paper counts."""

from __future__ import annotations

import json

from conftest import DATA, run

# (path, direct, total), counted by hand from the seed list: a paper listed twice in a subtree counts once.
SEED_SECTIONS = [
    ("contents", 0, 0),
    ("survey", 3, 3),
    ("sota-moe-llms", 17, 17),  # Mixtral-8x7B and -8x22B link the same paper
    ("model-level-optimizations", 0, 33),
    ("model-level-optimizations/efficient-architecture-design", 0, 13),
    ("model-level-optimizations/efficient-architecture-design/attention-module", 6, 6),
    ("model-level-optimizations/efficient-architecture-design/moe-module", 7, 7),
    ("model-level-optimizations/model-compression", 0, 20),  # LaCo and the ASR paper are listed twice
    ("model-level-optimizations/model-compression/pruning", 10, 10),
    ("model-level-optimizations/model-compression/quantization", 7, 7),
    ("model-level-optimizations/model-compression/knowledge-distillation", 4, 4),
    ("model-level-optimizations/model-compression/low-rank-decomposition", 1, 1),
    ("algorithm-level-optimization", 0, 11),
    ("algorithm-level-optimization/expert-skip-adaptive-gating", 5, 5),
    ("algorithm-level-optimization/merge-expert", 5, 5),
    ("algorithm-level-optimization/sparse-to-dense", 1, 1),
    ("algorithm-level-optimization/speculative-decoding", 0, 0),
    ("system-level-optimization", 0, 54),
    ("system-level-optimization/expert-parallel", 39, 39),
    ("system-level-optimization/expert-offloading", 17, 17),
    ("hareware-level-optimization", 6, 6),
    ("todos", 0, 0),
    ("contribute", 0, 0),
]


def test_every_heading_of_the_seed_with_direct_and_total_counts() -> None:
    result = run("sections", "--json")
    assert result.exit_code == 0
    tree = json.loads(result.stdout)
    assert [(s["path"], s["entries"], s["total"]) for s in tree] == SEED_SECTIONS
    quantization = next(s for s in tree if s["slug"] == "quantization")
    assert quantization == {
        "slug": "quantization",
        "title": "Quantization",
        "path": "model-level-optimizations/model-compression/quantization",
        "level": 4,
        "line": 129,
        "entries": 7,
        "total": 7,
    }


def test_the_list_title_is_not_a_section() -> None:
    tree = json.loads(run("sections", "--json").stdout)
    assert all(not s["path"].startswith("awesome") for s in tree)
    assert {s["level"] for s in tree} == {2, 3, 4}


def test_text_tree_is_indented_by_level() -> None:
    result = run("sections")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["SECTION", "ENTRIES", "TOTAL", "TITLE"]
    quantization = next(line for line in lines if "quantization" in line)
    assert quantization.startswith("    quantization")
    assert quantization.split()[1:4] == ["7", "7", "Quantization"]


def test_sections_of_another_list() -> None:
    tree = json.loads(run("sections", "--json", "--list", DATA / "lists" / "shapes.md").stdout)
    assert [(s["path"], s["entries"], s["total"]) for s in tree] == [
        ("bullets", 3, 7),
        ("bullets/numbered", 2, 2),
        ("bullets/table", 2, 2),
        ("odd-lines", 5, 5),
        ("empty", 0, 0),
    ]
