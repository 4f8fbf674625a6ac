"""Opening a list, as a named sequence of steps from the list's text to the records commands use.

read the list -> :func:`records_from_list` (one record per paper, from the list alone) ->
:func:`with_lockfile` (what resolve learnt, while the list still says the same) -> :func:`with_keys`
(pinned keys kept, new papers keyed, a changed link keeps its key) -> :func:`with_overrides` (the
user's pinned fields on top).  Each step takes records and returns the records of the next stage.
"""

from __future__ import annotations

import copy
import logging
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from awesome_bib.library.lockfile import same_record
from awesome_bib.library.overrides import Overrides, apply_all, load_overrides, stale_overrides
from awesome_bib.lists.document import AwesomeList
from awesome_bib.records.csl import title_key
from awesome_bib.records.keys import assign_keys
from awesome_bib.records.listed import LISTING_CUSTOM, build_records
from awesome_bib.records.model import Record

log = logging.getLogger("awesome_bib.library")


def records_from_list(awesome: AwesomeList) -> Iterator[Record]:
    """One record per paper of the list, in list order, from what the list's lines say."""
    return build_records(awesome.entries, awesome.sections)


def with_lockfile(listed: Iterable[Record], locked: dict[str, Record]) -> list[Record]:
    """The list's records, each replaced by its locked record brought up to date with the list.

    A locked record the list leaves as it is stands for itself (the list's record is let go as it
    is made, so a large list's records are not held twice); the later steps change only records of
    their own (:func:`_own`), so that the lockfile's records still tell what changed."""
    records = []
    for record in listed:
        before = locked.get(record.id)
        if before is not None:
            record = merge_listed(record, before)
            if same_record(record, before):
                before.list_notes = record.list_notes  # recomputed from the list on every read
                record = before
        records.append(record)
    return records


def with_keys(records: list[Record], locked: dict[str, Record], key_format: str, source: Path) -> list[Record]:
    """Records under their citation keys: a locked record keeps its key, a paper whose link changed
    keeps the key it had (:func:`carried_keys`), a new paper gets a provisional key from the list."""
    pinned = {record.id: locked[record.id].key for record in records if record.id in locked}
    carried = carried_keys([record for record in records if record.id not in locked],
                           [record for record_id, record in locked.items() if record_id not in pinned])
    provisional = {record.key for record in locked.values() if record.provisional_key}
    pinned |= carried
    keys = assign_keys(records, pinned, key_format)
    for index, record in enumerate(records):
        becomes_provisional = record.id not in pinned or (record.id in carried and carried[record.id] in provisional)
        if record.csl.get("id") != keys[record.id] or (becomes_provisional and not record.provisional_key):
            record = records[index] = _own(record, locked)
            record.csl["id"] = keys[record.id]
            record.provisional_key |= becomes_provisional  # made from the list alone: the first resolve improves it
        if record.id in pinned and pinned[record.id] != keys[record.id]:
            log.warning("%s: key %s was given to two papers (lockfiles merged?); %s now has key %s",
                        source, pinned[record.id], record.id, keys[record.id])
    return records


def with_overrides(records: list[Record], awesome: AwesomeList, locked: dict[str, Record],
                   path: Path) -> tuple[list[Record], Overrides]:
    """Records with the user's overrides applied, and the overrides.  A record that carries an
    override the user has since taken away starts again from the list."""
    overrides = load_overrides(path, records)
    stale = {record.id for record in records if stale_overrides(record, overrides.get(record.id, {}))}
    fresh = {record.id: record for record in build_records(
        (entry for entry in awesome.entries if entry.identity in stale), awesome.sections)} if stale else {}
    records = [_restart(fresh[record.id], record.key, record.provisional_key) if record.id in stale
               else _own(record, locked) if record.id in overrides else record for record in records]
    apply_all(records, overrides)
    return records, overrides


def _own(record: Record, locked: dict[str, Record]) -> Record:
    """The record to change: a copy when it is the lockfile's own, which must still tell what changed."""
    return copy.deepcopy(record) if locked.get(record.id) is record else record


def merge_listed(listed: Record, locked: Record) -> Record:
    """A locked record brought up to date with the list.

    When the list still says what it said when the record was resolved (same ``list_hash``), the
    resolved record stands and only where the paper is listed (sections, code links) follows the
    list.  When the entry changed, the record starts again from the list, keeping its key, and the
    next ``resolve`` looks it up anew.  Both records are fresh, so values are moved, not copied.
    """
    if locked.status == "listed" or locked.list_hash != listed.list_hash:
        return _restart(listed, locked.key, locked.provisional_key)
    custom = dict(locked.csl.get("custom", {}))
    for name in LISTING_CUSTOM:
        custom.pop(name, None)
        if name in listed.csl["custom"]:
            custom[name] = listed.csl["custom"][name]
    csl = {**locked.csl, "custom": dict(sorted(custom.items()))}
    return Record(listed.id, csl, locked.status, locked.provenance, locked.notes,
                  listed.list_notes, listed.list_hash, locked.provisional_key, locked.missing_since)


def _identifiers(record: Record) -> set[str]:
    """Every identifier a record is known by: its identity, its ids, a DOI or arXiv id a service found."""
    custom = record.csl.get("custom", {})
    known = {record.id} | {f"{kind}:{value}" for kind, value in custom.get("ids", {}).items()}
    if record.csl.get("DOI"):
        known.add(f"doi:{str(record.csl['DOI']).lower()}")
    if custom.get("arxiv"):
        known.add(f"arxiv:{custom['arxiv']}")
    return known


def _titles(record: Record) -> set[str]:
    """The record's title and the list's title it replaced, folded for comparison."""
    titles = [record.csl.get("title"), record.provenance.get("title", {}).get("list")]
    return {title_key(str(t)) for t in titles if t}


def carried_keys(new: list[Record], gone: list[Record]) -> dict[str, str]:
    """Keys that follow a paper whose link changed: a paper new to the lockfile takes the key of a
    paper that left it when the two share an identifier (the new link is the DOI or arXiv id the old
    record had), else when they have the same title and no other paper does."""
    if not new or not gone:
        return {}
    by_identifier: dict[str, Record] = {}
    by_title: dict[str, list[Record]] = {}
    for old in gone:
        for identifier in _identifiers(old):
            by_identifier.setdefault(identifier, old)
        for title in _titles(old):
            by_title.setdefault(title, []).append(old)
    new_titles = Counter(title for record in new for title in _titles(record))
    carried: dict[str, str] = {}
    taken: set[str] = set()
    for record in new:
        match = next((by_identifier[i] for i in sorted(_identifiers(record))
                      if i in by_identifier and by_identifier[i].id not in taken), None)
        if match is None:
            same = {old.id: old for title in _titles(record) for old in by_title.get(title, [])
                    if old.id not in taken}
            unique = len(same) == 1 and all(new_titles[title] == 1 for title in _titles(record))
            match = next(iter(same.values())) if unique else None
        if match is not None:
            taken.add(match.id)
            carried[record.id] = match.key
            log.warning("the link of %s changed (%s -> %s): it keeps its key; `resolve` looks it up again",
                        match.key, match.id, record.id)
    return carried


def _restart(listed: Record, key: str, provisional_key: bool) -> Record:
    """The list's record for a paper, under the key it already has: resolve will look it up anew.
    The listed record is fresh: its item is taken over, not copied."""
    listed.csl["id"] = key
    return Record(listed.id, listed.csl, "listed", listed.provenance,
                  list_notes=listed.list_notes, list_hash=listed.list_hash, provisional_key=provisional_key)
