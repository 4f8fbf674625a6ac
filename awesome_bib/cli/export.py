"""``sections``, ``export`` and ``rekey``: reading a list and writing what it cites."""

from __future__ import annotations

import json
from contextlib import nullcontext
from pathlib import Path

import click

from awesome_bib.atomic import write_atomic
from awesome_bib.cli.app import list_option, main
from awesome_bib.errors import AwesomeBibError
from awesome_bib.export import DATA_FORMATS, FORMATS, render
from awesome_bib.library import SAVE_WAIT, count_papers, open_for_update, open_library, read_outline


def emit(text: str, output: Path | None) -> None:
    """Write to stdout, or to ``output`` all at once (never a half-written file)."""
    if output is None or str(output) == "-":
        click.echo(text, nl=False)
        return
    try:
        write_atomic(output, text)
    except OSError as error:
        raise AwesomeBibError(f"{output}: cannot write: {error.strerror or error}") from None


@main.command()
@list_option
@click.option("--json", "as_json", is_flag=True, help="Print the tree as JSON.")
def sections(list_path: Path | None, as_json: bool) -> None:
    """Show the list's sections with their paper counts.

    ENTRIES counts the distinct papers listed directly under a heading, TOTAL those under it and
    its subsections (what `export --section` gives).

    \b
    Examples:
      awesome-bib sections
      awesome-bib sections --json
      awesome-bib sections --list README.md
    """
    counts = count_papers(read_outline(list_path))
    if as_json:
        click.echo(json.dumps([c.as_json() for c in counts], indent=2, ensure_ascii=False))
        return
    # Indented by depth in the tree, not by heading level: a ##### right under a ## is one step in.
    names = ["  " * count.section.path.count("/") + count.section.slug for count in counts]
    width = max([len("SECTION"), *(len(name) for name in names)])
    click.echo(f"{'SECTION':<{width}}  {'ENTRIES':>7}  {'TOTAL':>5}  TITLE")
    for name, count in zip(names, counts, strict=True):
        click.echo(f"{name:<{width}}  {count.entries:>7}  {count.total:>5}  {count.section.title}")


@main.command()
@list_option
@click.option("--section", "-s", "section_queries", multiple=True, metavar="S",
              help="Section by slug, title, path or unique prefix; subsections included. Repeatable.")
@click.option("--all", "export_all", is_flag=True, help="Export every paper of the list (the default).")
@click.option("--format", "-f", "fmt", type=click.Choice(FORMATS), default="bibtex",
              show_default=True,
              help="bibtex, biblatex (for biber), csljson, ris (Zotero, EndNote, Mendeley), hayagriva "
                   "(Typst), or a formatted reference list (text, markdown, html).")
@click.option("--style", default=None, metavar="STYLE",
              help="Citation style for text/markdown/html: a name from `awesome-bib styles` or a .csl file "
                   "[default: awesome-compact].")
@click.option("--sort", type=click.Choice(["list", "style"]), default="list", show_default=True,
              help="Reference lists: keep the list's order, or sort as the style says.")
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Write to FILE (atomically) instead of stdout.")
def export(list_path: Path | None, section_queries: tuple[str, ...], export_all: bool, fmt: str,
           style: str | None, sort: str, output: Path | None) -> None:
    """Export the papers of some sections (or all): BibTeX, biblatex, CSL-JSON, RIS, Hayagriva, or formatted references.

    \b
    Examples:
      awesome-bib export --section quantization
      awesome-bib export -s pruning -s quantization -o compression.bib
      awesome-bib export --section "System-Level Optimization" --format csljson
      awesome-bib export -s quantization --format biblatex -o quantization.bib
      awesome-bib export --all --format ris -o all.ris
      awesome-bib export --all --format hayagriva -o references.yml
      awesome-bib export --all -o all.bib
      awesome-bib export -s quantization --format markdown --style ieee
      awesome-bib export -s survey --format html --style apa --sort style -o survey.html
      awesome-bib export --list ~/my-list/README.md --section surveys
    """
    if export_all and section_queries:
        raise AwesomeBibError("give either --all or --section, not both")
    if (style or sort != "list") and fmt in DATA_FORMATS:
        raise AwesomeBibError(f"--style and --sort apply to text, markdown and html, not {fmt}")
    if output is not None and str(output) != "-" and not output.absolute().parent.is_dir():
        problem = "not a folder" if output.absolute().parent.exists() else "no such folder; create it first"
        raise AwesomeBibError(f"{output.parent}: {problem} (export -o writes a file into an existing folder "
                              "and creates none)")
    library = open_library(list_path)
    chosen = library.select(list(section_queries)) if section_queries else None
    records = library.records_in(chosen)
    if not records:
        assert chosen is not None
        names = ", ".join(s.path for s in chosen[:1])
        raise AwesomeBibError(f"section {names} lists no papers; see `awesome-bib sections`", 1)
    rendered = render([r.csl for r in records], fmt, style=style, sort=sort)
    for key, problem in rendered.problems:
        click.echo(f"awesome-bib: warning: {key}: {problem}", err=True)
    emit(rendered.text, output)


@main.command()
@click.option("--all", "include_dependent", is_flag=True,
              help="Also list the aliases of journal styles (about 8,000 more).")
@click.option("--json", "as_json", is_flag=True, help="Print name, title, source and path as JSON.")
def styles(include_dependent: bool, as_json: bool) -> None:
    """List the citation styles `export --style` accepts (the project's own first).

    \b
    Examples:
      awesome-bib styles
      awesome-bib styles | grep -i ieee
      awesome-bib export -s survey --format text --style nature
    """
    from awesome_bib.export.styles import available_styles

    found = available_styles(include_dependent)
    if as_json:
        click.echo(json.dumps([{"name": s.name, "title": s.title, "source": s.source, "path": str(s.path)}
                               for s in found], indent=2, ensure_ascii=False))
        return
    width = min(max(len(s.name) for s in found), 40)  # a few names are very long: let them overflow
    for info in found:
        click.echo(f"{info.name:<{width}}  {info.title}  [{info.source}]")


@main.command()
@list_option
@click.argument("names", nargs=-1, metavar="[KEY_OR_ID]...")
@click.option("--key-format", default=None, help="Template for the new keys (default: the configured one).")
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
def rekey(list_path: Path | None, names: tuple[str, ...], key_format: str | None, dry_run: bool) -> None:
    """Give papers new citation keys from their current metadata.

    Keys are pinned in the lockfile and never change on their own; this is the one command that
    changes them. Prints `old<TAB>new` for every key that moved (use it to update your .tex files).
    With no KEY_OR_ID, every paper is rekeyed.

    \b
    Examples:
      awesome-bib rekey --dry-run
      awesome-bib rekey mixtral8x7b2024
      awesome-bib rekey --key-format "{auth}{year}{shorttitle}"
    """
    with nullcontext(open_library(list_path)) if dry_run else open_for_update(list_path, wait=SAVE_WAIT) as library:
        moved = library.rekey(list(names) or None, key_format)
        for old, new in moved.items():
            click.echo(f"{old}\t{new}")
        if not dry_run:
            library.write()
    verb = "would change" if dry_run else "changed"
    click.echo(f"{len(moved)} key(s) {verb}; lockfile: {library.lockfile_path}", err=True)
