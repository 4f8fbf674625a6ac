"""``add``: one paper into the list, in the list's own style."""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path

import click

from awesome_bib.cli.app import list_option, main
from awesome_bib.errors import AwesomeBibError
from awesome_bib.library import open_for_update, open_library


@main.command()
@list_option
@click.argument("paper", metavar="ID_OR_URL")
@click.option("--section", "-s", "section_query", required=True, metavar="S",
              help="The section to add to: slug, title, path or unique prefix.")
@click.option("--write", is_flag=True,
              help="Insert the line into the list and the record into the lockfile (default: only print the line).")
@click.option("--title", default=None, help="The line's title (default: the paper's title). Needed with --offline.")
@click.option("--venue", default=None, metavar="TAG",
              help="The line's venue tag, e.g. \"ICML'24\" or ICML (default: from the resolved paper).")
@click.option("--code", multiple=True, metavar="URL", help="A code or model link for the line. Repeatable.")
@click.option("--offline", is_flag=True, help="Look nothing up: the line says what the id, --title and --venue say.")
@click.option("--prefer", type=click.Choice(["published", "arxiv"]), default=None,
              help="Tag the published version when one is found (default), or keep the arXiv preprint.")
@click.option("--mailto", default=None, metavar="EMAIL",
              help="Contact address for the services' polite pools (or AWESOME_BIB_MAILTO, or [resolve] mailto).")
def add(list_path: Path | None, paper: str, section_query: str, write: bool, title: str | None,
        venue: str | None, code: tuple[str, ...], offline: bool, prefer: str | None, mailto: str | None) -> None:
    """Print the line a paper would have in a section of the list; with --write, add it.

    ID_OR_URL is an arXiv id (2401.04088, arXiv:2401.04088v2), a DOI (10.1145/3603269.3604869,
    https://doi.org/...) or a paper URL (ACL Anthology, OpenReview, PMLR, ...). The paper is
    resolved like `resolve` does, and the line copies the list's shape, venue tags and code links.
    With --write the line goes at the end of the section's entries, or where the section's year
    order puts it, and the paper's record into the lockfile; no other line changes. Exit status:
    0 done, 1 the paper is already in that section, 2 usage or input error (nothing written).

    \b
    Examples:
      awesome-bib add 1911.02150 --section attention-module
      awesome-bib add --list README.md 10.1145/3669940.3707272 -s "Expert Offloading" --write
      awesome-bib add --list README.md 2101.03961 -s sota --code https://github.com/google-research/t5x --write
      awesome-bib add --list README.md 2405.00002 -s pruning --offline --title "A New Paper" --write
    """
    from awesome_bib.library.add import plan_addition, write_addition

    if write and list_path is None:
        raise AwesomeBibError("--write needs --list: the embedded list is read-only data; "
                              "copy it and pass --list with your copy")
    opened = (open_for_update(list_path, update_lockfile=False) if write
              else nullcontext(open_library(list_path, update_lockfile=False)))
    with opened as library:
        settings, prefer = library.resolve_settings(mailto=mailto, offline=offline, prefer=prefer)
        addition = plan_addition(library, paper, section_query, settings, title=title, venue=venue,
                                 code=code, prefer=prefer)
        for note in addition.notes:
            click.echo(f"awesome-bib: warning: {note}", err=True)
        click.echo(addition.line)
        if not write:
            return
        record = write_addition(library, addition, settings, prefer)
    click.echo(f"{library.awesome.path}:{addition.line_number}: added under {addition.section.title!r}; "
               f"{record.key}: {record.status}", err=True)
    click.echo(f"lockfile: {library.lockfile_path}", err=True)
