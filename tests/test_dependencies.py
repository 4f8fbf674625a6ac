"""Dependencies are declared as used: the package's imports in ``dependencies``, the tests' in ``[test]``."""

from __future__ import annotations

import ast
import re
import sys
from functools import cache
from importlib.metadata import packages_distributions
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
OUR_MODULES = {"awesome_bib", "tests", "conftest", "fakeapi", "bench"}


def _name(requirement: str) -> str:
    return re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9_.-]+", requirement)[0]).lower()


RUNTIME = {_name(requirement) for requirement in PROJECT["dependencies"]}
TEST = {_name(requirement) for requirement in PROJECT["optional-dependencies"]["test"]}


def _imported(folder: str) -> set[str]:
    """Top-level third-party modules imported (or looked up with find_spec) under ``folder``."""
    found: set[str] = set()
    for path in (ROOT / folder).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
            elif (isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "find_spec"
                  and node.args and isinstance(node.args[0], ast.Constant)):
                found.add(str(node.args[0].value).split(".")[0])
    return {module for module in found if module not in sys.stdlib_module_names and module not in OUR_MODULES}


@cache
def _installed() -> dict[str, list[str]]:
    return packages_distributions()


def _distributions(module: str) -> set[str]:
    return {_name(dist) for dist in _installed().get(module, [module])}


def test_the_package_imports_only_its_dependencies() -> None:
    undeclared = {module for module in _imported("awesome_bib") if not _distributions(module) & RUNTIME}
    assert undeclared == set()


def test_every_dependency_is_imported_by_the_package() -> None:
    used = set().union(*(_distributions(module) for module in _imported("awesome_bib")))
    assert RUNTIME - used == set(), "declared but only the tests (or nothing) use them"


def test_the_tests_import_only_declared_packages() -> None:
    imported = _imported("tests") | _imported("bench")
    undeclared = {module for module in imported if not _distributions(module) & (RUNTIME | TEST)}
    assert undeclared == set()
