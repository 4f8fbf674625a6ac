"""Each identifier pattern has one home, ``awesome_bib/ids/``: no module keeps its own copy."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parent.parent / "awesome_bib"
IDS = PACKAGE / "ids"

# What a copy of an identifier pattern or prefix looks like inside a string literal.
SIGNATURES = {
    "a DOI pattern (10.<registrant>)": re.compile(r"10\\\.\\d\{4"),
    "an arXiv id pattern (YYMM.NNNNN)": re.compile(r"\\d\{4\}\\\.\\d\{4|\\d\{4,5\}"),
    "a DOI-resolver pattern": re.compile(r"doi\\\.org"),
    "the arXiv DOI prefix": re.compile(r"^10\.48550/", re.IGNORECASE),
    "the ACL Anthology DOI prefix": re.compile(r"^10\.18653/", re.IGNORECASE),
    "an arXiv abstract-page URL (ids.arxiv.abs_url)": re.compile(r"^https://arxiv\.org/abs/$"),
    "a DOI resolver link (ids.doi.doi_url)": re.compile(r"^https://doi\.org/$"),
}


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def _string_literals(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text("utf-8"))
    docstrings = _docstrings(tree)
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]


def _stray_copies(path: Path) -> list[str]:
    return [f"{path.relative_to(PACKAGE.parent)}:{line}: {what}: {text!r}"
            for line, text in _string_literals(path)
            for what, signature in SIGNATURES.items() if signature.search(text)]


def test_no_identifier_pattern_outside_ids() -> None:
    strays = [stray for path in sorted(PACKAGE.rglob("*.py")) if IDS not in path.parents
              for stray in _stray_copies(path)]
    assert strays == [], "\n".join(strays)


@pytest.mark.parametrize("module", ["arxiv.py", "doi.py", "acl.py"])
def test_the_signatures_find_the_real_patterns(module: str) -> None:
    """The grep above would see a copy: each signature matches the one definition in ids/."""
    assert _stray_copies(IDS / module)
