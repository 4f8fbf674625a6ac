"""Shared test fixtures: an isolated home for user data/config/cache, and a CLI runner."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from awesome_bib.cli import main

DATA = Path(__file__).parent / "data"
SEED = Path(__file__).parent.parent / "awesome_bib" / "data" / "awesome-moe-inference.md"


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Never read or write the developer's real ~/.local/share, ~/.config or ~/.cache."""
    home = tmp_path_factory.mktemp("home")
    for variable in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(variable, str(home / variable.lower()))
    return home


@dataclass
class Outcome:
    exit_code: int
    stdout: str
    stderr: str


def run(*args: str | Path) -> Outcome:
    """Run the CLI in-process, as a user would type it."""
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return Outcome(result.exit_code, result.stdout, result.stderr)


@pytest.fixture
def seed_copy(tmp_path: Path) -> Path:
    """A writable copy of the embedded list, alone in a folder."""
    target = tmp_path / "list" / "README.md"
    target.parent.mkdir()
    shutil.copy(SEED, target)
    return target
