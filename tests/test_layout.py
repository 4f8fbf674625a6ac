"""The tree shows the pipeline: the README's Layout is the tree, imports run one way, no module is a warehouse."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).parent.parent / "awesome_bib"
README = (Path(__file__).parent.parent / "README.md").read_text("utf-8")
MAX_LINES = 450


def _layout_lines() -> list[str]:
    section = README.split("## Layout\n", 1)[1].split("\n## ", 1)[0]
    tree = section.split("    awesome_bib/\n", 1)[1]
    return [line.split()[0] for line in tree.splitlines() if line.startswith("      ")]


def _packages() -> list[str]:
    return sorted(path.parent.name for path in PACKAGE.glob("*/__init__.py"))


def test_the_readme_layout_has_one_line_per_package_of_the_tree() -> None:
    named = _layout_lines()
    packages = [name.rstrip("/") for name in named if name.endswith("/")]
    assert sorted(set(packages) - {"data"}) == _packages()
    assert len(packages) == len(set(packages))
    for name in named:
        assert (PACKAGE / name).exists(), f"the README's Layout names {name}, which is not in awesome_bib/"


def _imported_packages(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("awesome_bib."):
            found.add(node.module.split(".")[1])
    return found


def test_imports_run_one_way_down_the_readme_layout() -> None:
    order = [name.rstrip("/") for name in _layout_lines() if name.endswith("/") and name != "data/"]
    upward = []
    for package in order:
        for path in (PACKAGE / package).rglob("*.py"):
            for imported in _imported_packages(path) & set(order):
                if order.index(imported) < order.index(package):
                    upward.append(f"{path.relative_to(PACKAGE.parent)} imports awesome_bib.{imported}")
    assert not upward


def test_no_module_is_over_450_lines() -> None:
    long = {str(path.relative_to(PACKAGE.parent)): lines for path in PACKAGE.rglob("*.py")
            if (lines := len(path.read_text("utf-8").splitlines())) > MAX_LINES}
    assert not long, f"split these where they have two jobs: {long}"
