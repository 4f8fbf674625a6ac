"""The user's overrides: fields to pin or patch per paper, beside the list; they always win.

``README.md`` -> ``README.overrides.toml``, one table per paper, named by citation key or record id::

    [qmoe2023practical]
    container-title = "Proceedings of Machine Learning and Systems"
    issued = { date-parts = [[2024]] }
    remove = ["DOI"]                       # fields to drop

    ["arxiv:2401.04088"]
    title = "Mixtral of Experts"
    custom = { arxiv-category = "cs.LG" }  # patches single custom keys

Overrides apply on every read (export sees them without a resolve) and inside ``resolve`` (a pinned
DOI or arXiv id is the one looked up).  Removing an override sends the record back to the list's
data until the next ``resolve``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from awesome_bib.errors import AwesomeBibError
from awesome_bib.library.config import read_toml
from awesome_bib.records.merge import apply_overrides, flat
from awesome_bib.records.model import Record, csl_field_problem

Overrides = dict[str, dict[str, Any]]
log = logging.getLogger("awesome_bib.library.overrides")


def overrides_path_for(list_path: Path) -> Path:
    return list_path.with_name(list_path.stem + ".overrides.toml")


def named_by_key(path: Path, records: Iterable[Record]) -> set[str]:
    """Record ids whose overrides table names them by citation key: keys the user already uses."""
    names = set(read_toml(path))
    return {record.id for record in records if record.key in names}


def load_overrides(path: Path, records: Iterable[Record]) -> Overrides:
    """Overrides by record id; tables may name a paper by key or id.  {} when there is no file.

    A table naming no paper of the list (its line was removed, its key changed) is skipped with a
    warning, so one stale table does not stop every command.
    """
    document = read_toml(path)
    known = {}
    for record in records:
        known[record.id] = record.id
        known[record.key] = record.id
    overrides: Overrides = {}
    for name, table in document.items():
        if not isinstance(table, dict):
            raise AwesomeBibError(f"{path}: {name} must be a table of fields, e.g. [{name}] title = \"…\"")
        if name not in known:
            log.warning("%s: [%s] names no paper of the list (removed, or rekeyed?); it is ignored: "
                        "rename the table to the paper's citation key or record id, or delete it", path, name)
            continue
        fields = {key: value for key, value in table.items() if key != "remove"}
        removed = table.get("remove", [])
        if not isinstance(removed, list) or not all(isinstance(field, str) for field in removed):
            raise AwesomeBibError(f"{path}: [{name}] remove must be a list of field names")
        for field, value in fields.items():
            problem = csl_field_problem(field, value)
            if problem:
                raise AwesomeBibError(f"{path}: [{name}] {field} {problem}")
        fields.update(dict.fromkeys(removed))
        overrides.setdefault(known[name], {}).update(fields)
    return overrides


def stale_overrides(record: Record, wanted: dict[str, Any]) -> bool:
    """Whether the record carries an override the user has since taken away."""
    names = {name for name, _ in flat(wanted)}
    return any(origin.get("source") == "override" and name not in names
               for name, origin in record.provenance.items())


def apply_all(records: list[Record], overrides: Overrides) -> None:
    for record in records:
        apply_overrides(record, overrides.get(record.id))
