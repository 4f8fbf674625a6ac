"""``release``: the downloadable files of a list, per section, reproducible byte for byte."""

from __future__ import annotations

from pathlib import Path

import click

from awesome_bib.cli.app import list_option, main
from awesome_bib.cli.site import write_and_report
from awesome_bib.export.release import SiteOptions, release_files
from awesome_bib.export.styles import DEFAULT_STYLE
from awesome_bib.library import open_library


@main.command()
@list_option
@click.option("--out", "out", type=click.Path(path_type=Path, file_okay=False), default=Path("exports"),
              show_default=True, help="Folder to write the release into.")
@click.option("--style", default=DEFAULT_STYLE, show_default=True,
              help="Citation style of the formatted lists (<section>.md).")
@click.option("--release-version", "version", default=None, metavar="TEXT",
              help="The list's version for the manifest, e.g. a git tag (default: a fingerprint of the list).")
@click.option("--site", "with_site", is_flag=True,
              help="Also write the browsable page (index.html) beside the files, as `awesome-bib site` does.")
def release(list_path: Path | None, out: Path, style: str, version: str | None, with_site: bool) -> None:
    """Write the release files of a list: per section .bib (BibTeX), .biblatex.bib, .json (CSL-JSON),
    .ris, .yml (Hayagriva) and .md, all.*, an index, a manifest with checksums, and one .zip of
    everything.

    Two runs on the same list and lockfile give byte-identical files. Files an earlier release wrote
    that this one does not (a section was removed) are deleted; nothing else in the folder is touched.

    \b
    Examples:
      awesome-bib release --list README.md --out exports
      awesome-bib release --list README.md --release-version v1.2.0 --style ieee
      awesome-bib release --list README.md --out exports --site
    """
    library = open_library(list_path)
    files = release_files(library, style, version, SiteOptions() if with_site else None)
    write_and_report(library, out, files)
