"""The root command group and what every command shares: ``--list``, one-line errors."""

from __future__ import annotations

import functools
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from awesome_bib import __version__
from awesome_bib.errors import AwesomeBibError

F = TypeVar("F", bound=Callable[..., Any])


class _Group(click.Group):
    """Turns library errors into one line on stderr and an exit status, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except AwesomeBibError as error:
            click.echo(f"awesome-bib: error: {error}", err=True)
            sys.exit(error.exit_code)
        except KeyboardInterrupt:
            # Everything worth keeping is already on disk (files are replaced atomically); leave at
            # once rather than wait for requests in flight, and without a second-Ctrl-C traceback.
            click.echo("awesome-bib: interrupted", err=True)
            sys.stdout.flush()
            os._exit(130)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except BrokenPipeError:
            # The reader went away (`awesome-bib … | head`): stop quietly, as other tools do.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(141)
        except Exception as error:
            if os.environ.get("AWESOME_BIB_DEBUG"):
                raise
            click.echo(
                f"awesome-bib: internal error: {type(error).__name__}: {error} "
                "(please report it; set AWESOME_BIB_DEBUG=1 to see where)",
                err=True,
            )
            sys.exit(2)


class _StderrLines(logging.Handler):
    """Library log records as ``awesome-bib: warning: …`` lines on the current stderr."""

    def emit(self, record: logging.LogRecord) -> None:
        level = "warning" if record.levelno >= logging.WARNING else "info"
        click.echo(f"awesome-bib: {level}: {record.getMessage()}", err=True)


def _report_logs(verbose: bool) -> None:
    """Warnings from the library go to stderr, one line each; with --verbose, what it decided too."""
    logger = logging.getLogger("awesome_bib")
    if not any(isinstance(handler, _StderrLines) for handler in logger.handlers):
        logger.addHandler(_StderrLines())
    logger.setLevel(logging.INFO if verbose else logging.WARNING)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="awesome-bib")
@click.option("--verbose", "-v", is_flag=True,
              help="Also say what was decided along the way (retries, rejected search candidates).")
def main(verbose: bool) -> None:
    """Citations for a curated awesome list of papers.

    Every command works on the list given with --list, or on the embedded default list
    (awesome MoE LLM inference) when --list is left out.

    \b
    Examples:
      awesome-bib sections
      awesome-bib export --section quantization
      awesome-bib export --all --format csljson -o all.json
      awesome-bib export --list README.md --section "Model Compression"
      awesome-bib -v resolve --list README.md
    """
    _report_logs(verbose)


def list_option(command: F) -> F:
    """``--list PATH``: the awesome list to read (default: the embedded list)."""

    @click.option(
        "--list",
        "list_path",
        type=click.Path(path_type=Path, dir_okay=False),
        default=None,
        help="Markdown awesome list to read (default: the embedded MoE inference list).",
    )
    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return command(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
