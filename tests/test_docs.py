"""The README and --help stay honest: every command and option is documented, every command has examples."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from awesome_bib.cli import main
from conftest import run

README = (Path(__file__).parent.parent / "README.md").read_text("utf-8")
COMMANDS = sorted(main.commands)


def test_the_cli_has_the_commands_the_issues_promise() -> None:
    assert set(COMMANDS) >= {"sections", "export", "rekey", "styles", "resolve", "status", "latex", "cite",
                             "release", "check", "init-ci", "add"}


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_with_examples(name: str) -> None:
    result = run(name, "--help")
    assert result.exit_code == 0
    assert "Examples:" in result.stdout and f"awesome-bib {name}" in result.stdout


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_and_option_is_in_the_readme(name: str) -> None:
    assert re.search(rf"awesome-bib {re.escape(name)}\b", README), f"README does not show `awesome-bib {name}`"
    command = main.commands[name]
    for parameter in command.params:
        if isinstance(parameter, click.Option) and parameter.name != "help":
            longest = max(parameter.opts, key=len)
            assert longest in README, f"README does not mention {name} {longest}"


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0 and re.fullmatch(r"awesome-bib, version \d+\.\d+\.\d+\n", result.stdout)
