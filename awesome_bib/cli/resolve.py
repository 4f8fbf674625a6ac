"""``resolve`` and ``status``: filling the lockfile with real metadata, and saying how far it got."""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from ..library import open_for_update, open_library
from ..model import Record
from .app import list_option, main


@contextmanager
def _progress_bar(total: int) -> Iterator[object]:
    """A progress bar on stderr when it is a terminal; nothing otherwise."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("resolving"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("resolve", total=total)

        def advance(finished: int, of: int) -> None:
            progress.update(task, completed=finished, total=of)

        yield advance


@main.command()
@list_option
@click.option("--offline", is_flag=True, help="Never touch the network: only report what is left to look up.")
@click.option("--refresh", is_flag=True, help="Look up every paper again, not only new, changed or failed ones.")
@click.option("--prefer", type=click.Choice(["published", "arxiv"]), default=None,
              help="Cite the published version when one is found (default), or keep the arXiv preprint.")
@click.option("--mailto", default=None, metavar="EMAIL",
              help="Contact address for the services' polite pools (or AWESOME_BIB_MAILTO, or [resolve] mailto).")
@click.option("--from", "from_files", multiple=True, metavar="FILE", type=click.Path(path_type=Path),
              help="A bibliography you have (.bib, CSL-JSON, rebiber .bib.json) to resolve against first; repeatable.")
@click.option("--adopt-keys", is_flag=True,
              help="A paper matched in a --from file takes that entry's citation key (old -> new reported).")
@click.option("--keep-keys", is_flag=True,
              help="Keep keys made from the list alone instead of giving resolved papers author-based keys.")
def resolve(list_path: Path | None, offline: bool, refresh: bool, prefer: str | None, mailto: str | None,
            from_files: tuple[Path, ...], adopt_keys: bool, keep_keys: bool) -> None:
    """Fill the lockfile with real metadata: your own bibliographies (--from) first, then arXiv,
    Crossref, DBLP and Semantic Scholar.

    Only new, changed or previously failed papers are looked up; the lockfile is written after
    every batch, so an interrupted run loses nothing and the next one carries on. Exit status:
    0 all resolved, 1 some papers unresolved (listed with reasons), 2 usage or fatal error.

    \b
    Examples:
      awesome-bib resolve --list README.md --mailto you@example.org
      awesome-bib resolve --offline          # what is left to look up
      awesome-bib resolve --refresh --prefer arxiv
      awesome-bib resolve --offline --from references.bib --adopt-keys
    """
    from ..resolve import resolve_records, wants_lookup

    with open_for_update(list_path) as library:
        settings, prefer = library.resolve_settings(mailto=mailto, offline=offline, prefer=prefer)
        local = library.local_bibliography(from_files)
        pending = sum(1 for r in library.records if wants_lookup(r, prefer=prefer, refresh=refresh))
        with _progress_bar(pending) as bar:
            report = resolve_records(library.records, settings, prefer=prefer, refresh=refresh,
                                     overrides=library.overrides, on_batch=lambda _: library.write(),
                                     progress=bar, local=local)  # type: ignore[arg-type]
        moved = library.adopt_keys(report.local_keys) if adopt_keys else {}
        moved |= library.settle_keys(keep=keep_keys)
        library.write()
    click.echo(report.summary(), err=True)
    for old, new in sorted(moved.items()):
        click.echo(f"key {old} -> {new}", err=True)
    click.echo(f"lockfile: {library.lockfile_path}", err=True)
    sys.exit(report.exit_status)


def _status_of(records: list[Record]) -> dict[str, object]:
    counts = Counter(r.status for r in records)
    return {
        "records": len(records),
        **{status: counts.get(status, 0) for status in ("resolved", "upgraded", "unresolved", "listed")},
        "unresolved-papers": [{"key": r.key, "id": r.id, "reasons": r.notes}
                              for r in records if r.status == "unresolved"],
    }


@main.command()
@list_option
@click.option("--json", "as_json", is_flag=True, help="Print the counts and unresolved papers as JSON.")
def status(list_path: Path | None, as_json: bool) -> None:
    """How many papers are resolved, upgraded to their published version, unresolved (and why).

    \b
    Examples:
      awesome-bib status
      awesome-bib status --list README.md --json
    """
    library = open_library(list_path, update_lockfile=False)
    summary = _status_of(library.records)
    if as_json:
        click.echo(json.dumps(summary, indent=2, ensure_ascii=False))
        return
    click.echo(f"{summary['records']} papers: {summary['resolved']} resolved, {summary['upgraded']} upgraded "
               f"to the published version, {summary['unresolved']} unresolved, "
               f"{summary['listed']} from the list only (not looked up yet)")
    for paper in summary["unresolved-papers"]:  # type: ignore[attr-defined]
        reasons = "; ".join(paper["reasons"]) or "no source knew it"
        click.echo(f"  {paper['key']} ({paper['id']}): {reasons}")
    click.echo(f"lockfile: {library.read_from or 'none yet (run export or resolve)'}")
