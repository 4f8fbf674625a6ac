"""The library API every command calls: open a list with its lockfile, pick sections, get records.

>>> from awesome_bib.library import open_library
>>> library = open_library()                      # the embedded default list
>>> [s.path for s in library.select(["quantization"])]
['model-level-optimizations/model-compression/quantization']
>>> len(library.records_in(library.select(["quantization"])))
7
"""

from __future__ import annotations

import difflib
import gc
import logging
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from awesome_bib.atomic import write_atomic
from awesome_bib.errors import AwesomeBibError
from awesome_bib.library import lockfile
from awesome_bib.library.config import CONFIG_NAME, config_table, load_config
from awesome_bib.library.files import ListFiles
from awesome_bib.library.overrides import Overrides, named_by_key
from awesome_bib.library.pipeline import records_from_list, with_keys, with_lockfile, with_overrides
from awesome_bib.lists.document import AwesomeList, read_list, slugify
from awesome_bib.records.keys import DEFAULT_KEY_FORMAT, assign_keys, validate_format
from awesome_bib.records.model import Record, Section

if TYPE_CHECKING:
    from awesome_bib.resolve.services import ResolveSettings
    from awesome_bib.resolve.sources.local import LocalBibliography

_CITATION_KEY = re.compile(r"[A-Za-z0-9_:.+/-]+")
DEFAULT_RETRY_MISSING_AFTER = 30  # days a paper no service knew is not asked again
SAVE_WAIT = 10.0  # seconds bringing the lockfile up to date waits for another quick writer
log = logging.getLogger("awesome_bib.library")


@dataclass
class SectionCount:
    section: Section
    entries: int
    total: int

    def as_json(self) -> dict[str, Any]:
        s = self.section
        return {"slug": s.slug, "title": s.title, "path": s.path, "level": s.level,
                "line": s.line, "entries": self.entries, "total": self.total}


@dataclass
class Library:
    """A list, its records in list order, and where its lockfile is read from and written to."""

    awesome: AwesomeList
    records: list[Record]
    files: ListFiles
    config: dict[str, Any]
    overrides: Overrides = field(default_factory=dict)
    read_from: Path | None = None  # the lockfile read (the shipped one, for the embedded list)
    needs_saving: bool = False  # the list brought papers or changes the lockfile does not have yet

    @property
    def lockfile_path(self) -> Path:
        return self.files.lockfile

    @property
    def embedded(self) -> bool:
        return self.files.embedded

    @property
    def sections(self) -> list[Section]:
        return self.awesome.sections

    def select(self, queries: list[str]) -> list[Section]:
        """Sections named by slug, path, title (any case) or unique prefix; each with its subtree."""
        chosen: dict[str, Section] = {}
        for query in queries:
            section = self._find(query)
            for member in self.awesome.subtree(section.path):
                chosen.setdefault(member.path, member)
        return list(chosen.values())

    def _find(self, query: str) -> Section:
        wanted = query.strip().strip("/").lower()
        sections = self.sections
        for matches in (
            [s for s in sections if s.path == wanted],
            [s for s in sections if s.slug == wanted],
            [s for s in sections if s.title.lower() == wanted],
            [s for s in sections if s.slug == slugify(wanted) or s.path == _slug_path(wanted)],
            _topmost([s for s in sections if s.slug.startswith(slugify(wanted)) or s.path.startswith(wanted)
                      or s.title.lower().startswith(wanted)]),
        ):
            if len(matches) == 1:
                return matches[0]
            if len(matches) > 1:
                raise AwesomeBibError(
                    f"section {query!r} is ambiguous: it matches {', '.join(s.path for s in matches)}; "
                    "give the path"
                )
        slugs = [s.slug for s in sections]
        close = difflib.get_close_matches(slugify(wanted), slugs, n=3, cutoff=0.5)
        hint = f"did you mean: {', '.join(close)}? " if close else ""
        raise AwesomeBibError(
            f"no section {query!r}; {hint}available: {', '.join(slugs)} "
            "(see `awesome-bib sections`)"
        )

    def records_in(self, sections: list[Section] | None = None) -> list[Record]:
        """Records of papers listed in these sections (all records when None), each once, in the order
        they first appear in those sections."""
        if sections is None:
            return list(self.records)
        by_section = self.papers_by_section(sections)
        return _distinct(record for records in by_section.values() for record in records)

    def papers_by_section(self, sections: list[Section]) -> dict[str, list[Record]]:
        """For each of these sections that lists papers directly, its records in list order, each once."""
        record_of = {record.id: record for record in self.records}
        wanted = {section.path for section in sections}
        found: dict[str, list[Record]] = {}
        for entry in self.awesome.entries:
            if entry.section in wanted:
                found.setdefault(entry.section, []).append(record_of[entry.identity])
        return {path: _distinct(records) for path, records in found.items()}

    def counts(self) -> list[SectionCount]:
        return count_papers(self.awesome)

    def rekey(self, which: list[str] | None = None, key_format: str | None = None) -> dict[str, str]:
        """Give records new keys from their current metadata; returns ``{old: new}`` for those that moved.

        ``which`` names records by key or id (default: all).  Every other key stays pinned.
        """
        if which is None:
            chosen = {r.id for r in self.records}
        else:
            known = {r.key: r.id for r in self.records} | {r.id: r.id for r in self.records}
            missing = [name for name in which if name not in known]
            if missing:
                raise AwesomeBibError(f"no record with key or id {missing[0]!r}; see the lockfile {self.lockfile_path}")
            chosen = {known[name] for name in which}
        key_format = validate_format(key_format) if key_format else self.key_format
        pinned = {r.id: r.key for r in self.records if r.id not in chosen}
        keys = assign_keys(self.records, pinned, key_format)
        moved = {}
        for record in self.records:
            if keys[record.id] != record.key:
                moved[record.key] = keys[record.id]
                record.csl["id"] = keys[record.id]
        return moved

    def adopt_keys(self, wanted: dict[str, str]) -> dict[str, str]:
        """Give records the keys of the entries they matched in a user's bibliography
        (``{record id: key}``), so an existing survey's ``\\cite`` keys keep working.  A key another
        paper already has stays with it (warned).  Returns ``{old: new}``."""
        owner = {record.key.lower(): record.id for record in self.records}
        moved = {}
        for record in self.records:
            key = wanted.get(record.id)
            if key is None or key == record.key:
                continue
            if not _CITATION_KEY.fullmatch(key) or owner.get(key.lower(), record.id) != record.id:
                log.warning("%s: key %r of the matching entry is %s; it keeps %s", record.id, key,
                            "taken by another paper" if _CITATION_KEY.fullmatch(key) else "not a usable key",
                            record.key)
                continue
            owner.pop(record.key.lower(), None)
            owner[key.lower()] = record.id
            moved[record.key] = key
            record.csl["id"], record.provisional_key = key, False
        return moved

    def settle_keys(self, keep: bool = False, which: Iterable[str] | None = None) -> dict[str, str]:
        """Provisional keys (made from the list alone) of papers now resolved (of ``which`` record
        ids, default all) become keys from their metadata (``jiang2024mixtral``), or, with ``keep``,
        stay as they are; either way they are pinned from now on.  A key the overrides file names
        a paper by is in use and stays.  Returns ``{old: new}`` for the keys that moved."""
        wanted = set(which) if which is not None else None
        settled = [r.id for r in self.records if r.provisional_key and r.status in ("resolved", "upgraded")
                   and (wanted is None or r.id in wanted)]
        in_use = named_by_key(self.files.overrides, self.records) if settled else set()
        better = [record_id for record_id in settled if record_id not in in_use]
        moved = {} if keep or not better else self.rekey(better)
        chosen = set(settled)
        for record in self.records:
            if record.id in chosen:
                record.provisional_key = False
        return moved

    def lockfile_text(self) -> str:
        return lockfile.dumps(lockfile.Lockfile(self.key_format, {r.id: r for r in self.records}))

    def write(self) -> None:
        """Write the lockfile atomically when its text changed; the caller holds its guard (see
        :func:`open_for_update`)."""
        text = self.lockfile_text()
        # Under the guard no other write is under way: a temporary file is a killed run's litter.
        lockfile.remove_temporaries(self.lockfile_path)
        try:
            if self.lockfile_path.read_text("utf-8") == text:
                return
        except (OSError, UnicodeDecodeError):
            pass
        try:
            write_atomic(self.lockfile_path, text)
        except OSError as error:
            raise AwesomeBibError(f"{self.lockfile_path}: cannot write lockfile: {error.strerror or error}") from None

    def resolve_settings(self, *, mailto: str | None, offline: bool,
                         prefer: str | None) -> tuple[ResolveSettings, str]:
        """How to reach the services, and which version to prefer: the command line over the
        ``[resolve]`` and ``[services]`` config tables (environment variables win, see services)."""
        from awesome_bib.resolve.services import load_settings

        options = config_table(self.config, "resolve")
        settings = load_settings(config_table(self.config, "services"), mailto=mailto or options.get("mailto"),
                                 offline=offline)
        return settings, prefer or options.get("prefer", "published")

    def misses_from(self, retry_missing: bool = False) -> str | None:
        """The first day (``YYYY-MM-DD``, UTC) of misses still remembered: ``[resolve]
        retry-missing-after`` days (default 30) ago; None with ``retry_missing`` (ask them all)."""
        days = config_table(self.config, "resolve").get("retry-missing-after", DEFAULT_RETRY_MISSING_AFTER)
        if isinstance(days, bool) or not isinstance(days, (int, float)) or days < 0:
            raise AwesomeBibError(f"{CONFIG_NAME}: [resolve] retry-missing-after must be a number of days "
                                  f"(0 or more), not {days!r}")
        if retry_missing:
            return None
        return (datetime.now(timezone.utc).date() - timedelta(days=days)).isoformat()

    @property
    def key_format(self) -> str:
        return key_format_of(self.config)

    def local_bibliography(self, given: Iterable[Path] = ()) -> LocalBibliography | None:
        """The local bibliographies to resolve against: ``--from`` files, then ``[resolve] from``
        (relative to the list's folder).  Provenance names a file by its path from the list's folder
        when it lies inside it, so the lockfile does not depend on where the checkout is."""
        from awesome_bib.resolve.sources.local import LocalBibliography

        configured = config_table(self.config, "resolve").get("from", [])
        if isinstance(configured, str):
            configured = [configured]
        if not isinstance(configured, list) or not all(isinstance(item, str) for item in configured):
            raise AwesomeBibError(f"{CONFIG_NAME}: [resolve] from must be a list of file paths, not {configured!r}")
        base = self.awesome.path.parent if not self.embedded else Path.cwd()
        paths = list(dict.fromkeys([*given, *(base / item for item in configured)]))
        if not paths:
            return None
        return LocalBibliography.from_files(paths, {path: _label(path, base) for path in paths})


def read_outline(list_path: Path | None = None) -> AwesomeList:
    """The list alone (default: the embedded one): its sections and entries, no records, no lockfile."""
    with _collector_paused():
        return read_list(ListFiles.of(list_path).list)


def count_papers(awesome: AwesomeList) -> list[SectionCount]:
    """Distinct papers listed directly under each heading, and under it with its subsections."""
    direct: dict[str, set[str]] = {}
    for entry in awesome.entries:
        direct.setdefault(entry.section, set()).add(entry.identity)
    result = []
    for section in awesome.sections:
        subtree: set[str] = set()
        for member in awesome.subtree(section.path):
            subtree |= direct.get(member.path, set())
        result.append(SectionCount(section, len(direct.get(section.path, ())), len(subtree)))
    return result


def _label(path: Path, base: Path) -> str:
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return str(path)


def key_format_of(config: dict[str, Any]) -> str:
    """The ``[keys] format`` setting, checked."""
    return validate_format(str(config_table(config, "keys").get("format", DEFAULT_KEY_FORMAT)))


def _slug_path(text: str) -> str:
    return "/".join(slugify(part) for part in text.split("/"))


def open_library(list_path: Path | None = None, *, update_lockfile: bool = True) -> Library:
    """Read a list (default: the embedded one) and its lockfile, pinning keys for new papers.

    With ``update_lockfile`` the lockfile is rewritten when the list brought new or changed
    papers; keys already in the lockfile never change.  The rewrite reads the lockfile again
    under its guard, so that a change another run made since the first read is not lost.
    """
    files = ListFiles.of(list_path)
    with _collector_paused():
        library = _open(files)
        if update_lockfile and library.needs_saving:
            with lockfile.exclusive(files.lockfile, wait=SAVE_WAIT):
                library = _open(files, library.awesome)
                if library.needs_saving:
                    library.write()
        return library


@contextmanager
def open_for_update(list_path: Path | None = None, *, wait: float = 0,
                    update_lockfile: bool = True) -> Iterator[Library]:
    """A library for a command that writes its lockfile: the guard is taken before the lockfile is
    read and held until the block ends, so nothing another run writes meanwhile is overwritten.
    Another run holding the guard is a clear error, at once or after ``wait`` seconds; write with
    :meth:`Library.write` (``update_lockfile``: at once when the list brought changes)."""
    files = ListFiles.of(list_path)
    with lockfile.exclusive(files.lockfile, wait=wait):
        with _collector_paused():
            library = _open(files)
        if update_lockfile and library.needs_saving:
            library.write()
        yield library


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Reading builds ~100 small objects per entry and no cycles: the cycle collector only costs time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _open(files: ListFiles, awesome: AwesomeList | None = None) -> Library:
    """The library of a list (``awesome`` when it was read already) and its lockfile as it is now."""
    # The lockfile first: its text is let go before the list's records are built beside its own.
    read_path = files.lockfile_to_read()
    locked = lockfile.load(read_path)
    awesome = awesome or read_list(files.list)
    config = load_config(files.config_dir)
    key_format = key_format_of(config)
    previous = locked.records if locked else {}
    records = with_keys(with_lockfile(records_from_list(awesome), previous), previous, key_format, read_path)
    records, overrides = with_overrides(records, awesome, previous, files.overrides)
    library = Library(awesome, records, files, config, overrides, read_path if locked else None)
    # The shipped lockfile of the embedded list is read-only data; only a local resolve (which
    # writes) starts a user copy of it.
    current = lockfile.Lockfile(key_format, {r.id: r for r in records})
    library.needs_saving = read_path == files.lockfile and (
        locked is None or not lockfile.same_content(current, locked))
    return library


def _topmost(sections: list[Section]) -> list[Section]:
    """Of matching sections, those not inside another match (a prefix names the parent, not its children)."""
    paths = [s.path for s in sections]
    return [s for s in sections if not any(s.path.startswith(other + "/") for other in paths)]


def _distinct(records: Iterable[Record]) -> list[Record]:
    """Each record once, where it first appears."""
    first: dict[str, Record] = {}
    for record in records:
        first.setdefault(record.id, record)
    return list(first.values())
