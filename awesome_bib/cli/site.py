"""``site``: the browsable page of a list, beside the release files it links."""

from __future__ import annotations

from pathlib import Path

import click

from awesome_bib.cli.app import list_option, main
from awesome_bib.export.release import PAGE, SiteOptions, release_files, write_release
from awesome_bib.export.styles import DEFAULT_STYLE
from awesome_bib.library import Library, open_library


def write_and_report(library: Library, out: Path, files: dict[str, bytes]) -> None:
    """Write release files (and page) into ``out``; one line on stderr says what was written."""
    removed = write_release(out, files, protect=library.awesome.path)
    sections = sum(1 for name in files if name.endswith(".ris")) - 1  # one .ris per part, "all" included
    page = f"{out / PAGE} and " if PAGE in files else ""
    click.echo(f"wrote {page}{len(files)} files ({sections} sections) to {out}"
               + (f"; removed {len(removed)} stale" if removed else ""), err=True)


@main.command()
@list_option
@click.option("--out", "out", type=click.Path(path_type=Path, file_okay=False), default=Path("site"),
              show_default=True, help="Folder to write the page and its release files into.")
@click.option("--style", default=DEFAULT_STYLE, show_default=True,
              help="Citation style of the formatted references (a name from `awesome-bib styles` or a .csl file).")
@click.option("--title", default=None, metavar="TEXT", help="The page's title (default: the list's title).")
def site(list_path: Path | None, out: Path, style: str, title: str | None) -> None:
    """Write a browsable page of the list (index.html) with the release files it links.

    One HTML file, nothing loaded from elsewhere, opens from disk or GitHub Pages: the section tree
    with paper counts, search, year and published/preprint filters, copy BibTeX or \\cite{...},
    download a section's .bib, .json or .md. Two runs give byte-identical files.

    \b
    Examples:
      awesome-bib site
      awesome-bib site --list README.md --out site --style ieee
      awesome-bib site --title "MoE inference papers"
    """
    library = open_library(list_path)
    write_and_report(library, out, release_files(library, style, site=SiteOptions(title)))
