"""Every module's documented examples hold: the doctests of the whole package, one test per module."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import awesome_bib

# Running __main__ would run the CLI; it has nothing to document.
MODULES = sorted(info.name for info in pkgutil.walk_packages(awesome_bib.__path__, "awesome_bib.")
                 if not info.name.endswith(".__main__"))


@pytest.mark.parametrize("name", MODULES)
def test_documented_examples_hold(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name))
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples in {name} fail (printed above)"


def test_every_module_is_collected() -> None:
    expected = {"awesome_bib.ids.arxiv", "awesome_bib.records.csl", "awesome_bib.export.bibtex", "awesome_bib.cli"}
    assert expected <= set(MODULES)
    assert len(MODULES) > 60
