"""``resolve`` and ``status``: filling the lockfile with real metadata, and saying how far it got."""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from awesome_bib.cli.app import list_option, main
from awesome_bib.errors import AwesomeBibError
from awesome_bib.library import open_for_update, open_library
from awesome_bib.records.model import Record

if TYPE_CHECKING:
    from awesome_bib.resolve.report import RunMonitor

SAVE_EVERY = 2.0  # seconds between lockfile writes while resolving


@contextmanager
def _progress_bar(total: int, monitor: RunMonitor) -> Iterator[object]:
    """A progress bar on stderr when it is a terminal; otherwise (a pipe, CI) a line with the
    papers done and each service's state every ``AWESOME_BIB_PROGRESS_EVERY`` seconds (30)."""
    if not sys.stderr.isatty():
        with _progress_lines(monitor):
            yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task(monitor.line(), total=total)

        def advance(finished: int, of: int) -> None:
            progress.update(task, completed=finished, total=of, description=monitor.line())

        yield advance


@contextmanager
def _progress_lines(monitor: RunMonitor) -> Iterator[None]:
    every = _seconds(os.environ.get("AWESOME_BIB_PROGRESS_EVERY") or "30", "AWESOME_BIB_PROGRESS_EVERY")
    done = threading.Event()

    def report() -> None:
        while not done.wait(every):
            click.echo(monitor.line(), err=True)

    ticker = threading.Thread(target=report, name="progress", daemon=True)
    ticker.start()
    try:
        yield
    finally:
        done.set()
        ticker.join()


def _seconds(text: str, what: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not seconds > 0 or seconds == float("inf"):
        raise AwesomeBibError(f"{what}: {text!r} is not a number of seconds above 0")
    return seconds


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
@click.option("--retry-missing", is_flag=True,
              help="Ask again about papers no service knew lately (default: after [resolve] retry-missing-after days).")
@click.option("--deadline", type=float, default=None, metavar="SECONDS",
              help="Stop after this many seconds, keeping what is done; the next run carries on.")
def resolve(list_path: Path | None, offline: bool, refresh: bool, prefer: str | None, mailto: str | None,
            from_files: tuple[Path, ...], adopt_keys: bool, keep_keys: bool, retry_missing: bool,
            deadline: float | None) -> None:
    """Fill the lockfile with real metadata: your own bibliographies (--from) first, then arXiv,
    Crossref, DBLP and Semantic Scholar.

    Only new, changed or previously failed papers are looked up (papers no service knew are not
    asked again for a while); the lockfile is written as answers come, so an interrupted run loses
    at most the last seconds and the next one carries on. Exit status:
    0 all resolved, 1 some papers unresolved (listed with reasons), 2 usage or fatal error.

    \b
    Examples:
      awesome-bib resolve --list README.md --mailto you@example.org
      awesome-bib resolve --offline          # what is left to look up
      awesome-bib resolve --refresh --prefer arxiv
      awesome-bib resolve --offline --from references.bib --adopt-keys
      awesome-bib resolve --deadline 1800 --retry-missing
    """
    from awesome_bib.resolve.report import RunMonitor
    from awesome_bib.resolve.resolver import resolve_records, wants_lookup

    stop_at = None if deadline is None else time.monotonic() + _seconds(str(deadline), "--deadline")
    with open_for_update(list_path) as library:
        settings, prefer = library.resolve_settings(mailto=mailto, offline=offline, prefer=prefer)
        local = library.local_bibliography(from_files)
        misses_from = library.misses_from(retry_missing)
        pending = sum(1 for r in library.records
                      if wants_lookup(r, prefer=prefer, refresh=refresh, misses_from=misses_from))
        monitor = RunMonitor(total=pending)
        written = [0.0]

        def save(_: object) -> None:
            # a write costs the whole lockfile: a large list is written every few seconds, not per answer
            if time.monotonic() - written[0] >= SAVE_EVERY:
                library.write()
                written[0] = time.monotonic()

        with _progress_bar(pending, monitor) as bar:
            report = resolve_records(library.records, settings, prefer=prefer, refresh=refresh,
                                     overrides=library.overrides, on_batch=save,
                                     progress=bar, local=local,  # type: ignore[arg-type]
                                     misses_from=misses_from, monitor=monitor, deadline=stop_at)
        moved = library.adopt_keys(report.local_keys) if adopt_keys else {}
        moved |= library.settle_keys(keep=keep_keys)
        library.write()
    click.echo(report.summary(), err=True)
    for old, new in sorted(moved.items()):
        click.echo(f"key {old} -> {new}", err=True)
    click.echo(f"lockfile: {library.lockfile_path}", err=True)
    sys.exit(report.exit_status)


def _status_of(records: list[Record]) -> dict[str, object]:
    from awesome_bib.resolve.jobs import FINISHED
    from awesome_bib.resolve.resolver import has_pending_retry

    counts = Counter(r.status for r in records)
    return {
        "records": len(records),
        **{status: counts.get(status, 0) for status in ("resolved", "upgraded", "unresolved", "listed")},
        "unresolved-papers": [{"key": r.key, "id": r.id, "reasons": r.notes,
                               **({"missing-since": r.missing_since} if r.missing_since else {})}
                              for r in records if r.status == "unresolved"],
        "pending-retries": [{"key": r.key, "id": r.id, "reasons": r.notes}
                            for r in records if r.status in FINISHED and has_pending_retry(r)],
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
        since = f" [no service knew it on {paper['missing-since']}]" if "missing-since" in paper else ""
        click.echo(f"  {paper['key']} ({paper['id']}): {reasons}{since}")
    retries = summary["pending-retries"]
    if retries:
        click.echo(f"{len(retries)} finished with a lookup to retry (the next resolve asks again):")  # type: ignore[arg-type]
        for paper in retries:  # type: ignore[attr-defined]
            click.echo(f"  {paper['key']} ({paper['id']}): {'; '.join(paper['reasons'])}")
    click.echo(f"lockfile: {library.read_from or 'none yet (run export or resolve)'}")
