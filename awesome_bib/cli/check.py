"""``check`` and ``init-ci``: keeping a list clean in review, and the CI workflow that does it."""

from __future__ import annotations

from pathlib import Path

import click

from awesome_bib import check as checks
from awesome_bib.cli.app import list_option, main
from awesome_bib.export.workflow import DEFAULT_INSTALL, DEFAULT_OUT, DEFAULT_PYTHON, workflow_text, write_workflow
from awesome_bib.library import open_library


@main.command()
@list_option
@click.option("--format", "-f", "fmt", type=click.Choice(checks.FORMATS), default="text", show_default=True,
              help="text: file:line: severity[rule] message; json: an array; github: workflow annotations.")
@click.option("--disable", multiple=True, metavar="RULE",
              help="Skip a rule (repeatable, or comma-separated); adds to [check] disable in awesome-bib.toml.")
@click.option("--only", multiple=True, metavar="RULE", help="Run only these rules (repeatable, or comma-separated).")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too, not only on errors.")
@click.option("--list-rules", "--rules", "list_rules", is_flag=True,
              help="Print the rules (id, severity, explanation, fix) and exit.")
def check(list_path: Path | None, fmt: str, disable: tuple[str, ...], only: tuple[str, ...], strict: bool,
          list_rules: bool) -> None:
    """Lint the list: duplicates, wrong years and venues, missing identifiers, broken or PDF links.

    Prints one finding per line, sorted by line, and a summary on stderr. Exits 1 when a finding
    of severity error remains (with --strict, also a warning), else 0. The lockfile is read,
    never written; rules marked "needs a resolved lockfile" compare the list with what
    `awesome-bib resolve` found.

    \b
    Examples:
      awesome-bib check --list README.md
      awesome-bib check --list README.md --format github
      awesome-bib check --disable pdf-link,stray-link --strict
      awesome-bib check --list-rules
    """
    if list_rules:
        click.echo(checks.rule_table(fmt="json" if fmt == "json" else "text"), nl=False)
        return
    library = open_library(list_path, update_lockfile=False)
    settings = checks.CheckSettings.from_config(library.config, disable=disable, only=only)
    findings = checks.run_checks(library, settings)
    click.echo(checks.render(findings, fmt), nl=False)
    click.echo(checks.summary(checks.display_path(library.awesome.path), findings), err=True)
    failing = {checks.ERROR, checks.WARNING} if strict else {checks.ERROR}
    if any(finding.severity in failing for finding in findings):
        click.get_current_context().exit(1)


@main.command("init-ci")
@click.option("--out", "-o", type=click.Path(path_type=Path), default=DEFAULT_OUT, show_default=True,
              help="Where to write the workflow ('-' prints it).")
@click.option("--list", "list_path", default="README.md", show_default=True, metavar="PATH",
              help="The list's path relative to the repository root.")
@click.option("--python", default=DEFAULT_PYTHON, show_default=True, help="Python version the jobs use.")
@click.option("--install", default=DEFAULT_INSTALL, show_default=True, metavar="REQUIREMENT",
              help="What the jobs pip-install, e.g. a git URL pinned to a tag.")
@click.option("--force", is_flag=True, help="Overwrite an existing workflow file.")
def init_ci(out: Path, list_path: str, python: str, install: str, force: bool) -> None:
    """Write a GitHub Actions workflow: check pull requests, publish .bib files with each release.

    On a pull request the workflow runs `awesome-bib check --format github`; on a pushed tag v*
    it runs `resolve` and `release --site`, attaches exports/*.zip and exports/*.bib to the tag's
    GitHub release and publishes the page to GitHub Pages. Run it at the root of the list's
    repository.

    \b
    Examples:
      awesome-bib init-ci
      awesome-bib init-ci --list docs/papers.md --python 3.11
      awesome-bib init-ci --out - | less
    """
    text = workflow_text(list_path, python=python, install=install)
    if str(out) == "-":
        click.echo(text, nl=False)
        return
    write_workflow(out, text, force=force)
    if not Path(list_path).is_file():
        click.echo(f"awesome-bib: note: {list_path} is not in this folder; run init-ci at the repository root "
                   "or pass --list with the list's path from there", err=True)
    click.echo(f"wrote {out}: checks pull requests; on a tag v* resolves, releases, attaches "
               "exports/*.zip and exports/*.bib and publishes the page to GitHub Pages (set Settings > Pages > "
               "Source to GitHub Actions). Commit it.", err=True)
