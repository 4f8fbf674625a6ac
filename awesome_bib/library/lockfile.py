"""The lockfile: the one place records and their citation keys live.

JSON, keys sorted, one record per paper keyed by its identity, two-space indent: diffs read well in
review.  Written atomically (a temporary file in the same folder, fsync, rename), so a crash or a kill
at any moment leaves either the old file or the new one, never half of one; guarded by a lock so two
runs cannot interleave.  The format is documented in README.md ("The lockfile").
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from awesome_bib.atomic import write_atomic
from awesome_bib.errors import AwesomeBibError
from awesome_bib.records.keys import DEFAULT_KEY_FORMAT
from awesome_bib.records.merge import canonical
from awesome_bib.records.model import DATE_FIELDS, NAME_FIELDS, Record, csl_field_problem

FORMAT_VERSION = 1
# CSL fields whose values are structures: names, dates, custom.
_STRUCTURED = NAME_FIELDS | DATE_FIELDS | {"custom"}


@dataclass
class Lockfile:
    key_format: str = DEFAULT_KEY_FORMAT
    records: dict[str, Record] = field(default_factory=dict)


def _record_to_json(record: Record) -> dict[str, Any]:
    csl = {k: v for k, v in record.csl.items() if k != "id"}
    data: dict[str, Any] = {"key": record.key, "status": record.status, "csl": csl}
    if record.provenance:
        data["provenance"] = record.provenance
    if record.notes:
        data["notes"] = record.notes
    if record.list_hash:
        data["list-hash"] = record.list_hash
    if record.provisional_key:
        data["provisional-key"] = True
    if record.missing_since:
        data["missing-since"] = record.missing_since
    return data


def _record_from_json(record_id: str, data: dict[str, Any]) -> Record:
    _expect(data, dict, record_id)
    _expect(data["key"], str, f"{record_id} key")
    _expect(data["csl"], dict, f"{record_id} csl")
    for name, value in data["csl"].items():
        # Text is right for every field but the structured ones: skip the check for it (the common case).
        problem = None if type(value) is str and name not in _STRUCTURED else csl_field_problem(name, value)
        if problem:
            raise TypeError(f"{record_id} csl {name} {problem}")
    provenance = data.get("provenance", {})
    _expect(provenance, dict, f"{record_id} provenance")
    for name, origin in provenance.items():
        _expect(origin, dict, f"{record_id} provenance {name}")
    _expect(data.get("notes", []), list, f"{record_id} notes")
    _expect(data.get("status", "listed"), str, f"{record_id} status")
    _expect(data.get("missing-since", ""), str, f"{record_id} missing-since")
    csl = data["csl"]
    if csl.keys() <= _ORIGIN_KEYS:  # decoded as a shared origin (see _decoded): this record's own copy
        csl = dict(csl)
    csl["id"] = data["key"]
    if "DOI" in csl:
        csl["DOI"] = canonical("DOI", csl["DOI"])  # lockfiles written before DOIs were lower-cased
    return Record(
        id=record_id,
        csl=csl,
        status=data.get("status", "listed"),
        provenance=provenance,
        notes=list(data.get("notes", [])),
        list_hash=data.get("list-hash", ""),
        provisional_key=data.get("provisional-key") is True,
        missing_since=data.get("missing-since", ""),
    )


# The keys of a provenance origin (see awesome_bib.records.merge); written sorted, "source" is last.
_ORIGIN_KEYS = frozenset({"id", "list", "origin", "score", "source"})


def _decoded(text: str) -> Any:
    """The lockfile's JSON, equal origins decoded as one shared dict, as records built in memory
    share them (see :mod:`awesome_bib.records.merge`): ``{"source": "list"}`` is on most fields of
    most records, a service's origin on every field it gave, and a large lockfile holds hundreds of
    thousands.  Sharing as they are read keeps them from being held all at once."""
    shared: dict[tuple[tuple[str, Any], ...], dict[str, Any]] = {}

    def mapping(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        if 0 < len(pairs) <= len(_ORIGIN_KEYS) and pairs[-1][0] == "source" and all(
                name in _ORIGIN_KEYS for name, _ in pairs):
            key = tuple(pairs)
            try:
                found = shared.get(key)
            except TypeError:  # it keeps a list value (a name list) that cannot be a key: it stays apart
                return dict(pairs)
            if found is None:
                found = shared[key] = dict(pairs)
            return found
        return dict(pairs)

    return json.loads(text, object_pairs_hook=mapping)


def same_content(first: Lockfile, second: Lockfile) -> bool:
    """Whether two lockfiles would be written the same (cheaper than comparing their text)."""
    return first.key_format == second.key_format and first.records.keys() == second.records.keys() and all(
        same_record(record, second.records[record_id]) for record_id, record in first.records.items()
    )


def same_record(first: Record, second: Record) -> bool:
    """``_record_to_json(first) == _record_to_json(second)``, without building either."""
    if first is second:
        return True
    return (first.key == second.key and first.status == second.status and first.list_hash == second.list_hash
            and first.provisional_key == second.provisional_key and first.missing_since == second.missing_since
            and first.notes == second.notes and first.provenance == second.provenance
            and len(first.csl) == len(second.csl)
            and all(name == "id" or second.csl.get(name, _MISSING) == value for name, value in first.csl.items()))


_MISSING = object()


def _expect(value: Any, kind: type, where: str) -> None:
    if not isinstance(value, kind):
        raise TypeError(f"{where}: expected {kind.__name__}, found {type(value).__name__}")


def dumps(lock: Lockfile) -> str:
    """The lockfile's text: deterministic for the same records, whatever their order in memory."""
    # The text of json.dumps(document, indent=2, sort_keys=True), built one record at a time: the
    # indenting encoder is pure Python and, given the whole document, holds every one of its small
    # pieces at once (hundreds of MB for a few thousand records).
    header = _json_text({"lockfile": FORMAT_VERSION, "key-format": lock.key_format}, "  ")
    if not lock.records:
        return f'{{\n  "awesome-bib": {header},\n  "records": {{}}\n}}\n'
    records = ",\n".join(f"    {_json_text(record_id, '')}: {_json_text(_record_to_json(record), '    ')}"
                          for record_id, record in sorted(lock.records.items()))
    return f'{{\n  "awesome-bib": {header},\n  "records": {{\n{records}\n  }}\n}}\n'


def _json_text(value: Any, indent: str) -> str:
    """``value`` as indented JSON, its lines after the first shifted by ``indent`` (JSON strings
    hold no raw newline, so every newline is the layout's)."""
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False).replace("\n", "\n" + indent)


def loads(text: str, source: str = "<lockfile>") -> Lockfile:
    try:
        document = _decoded(text)
        header = document["awesome-bib"]
        version = header["lockfile"]
        if version != FORMAT_VERSION:
            raise AwesomeBibError(
                f"{source}: lockfile format {version} is not supported (this awesome-bib reads "
                f"{FORMAT_VERSION}); upgrade awesome-bib"
            )
        records = {rid: _record_from_json(rid, data) for rid, data in document["records"].items()}
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        if isinstance(error, json.JSONDecodeError):
            detail = f"line {error.lineno}"
        elif isinstance(error, KeyError):
            detail = f"missing {error.args[0]!r}"
        else:
            detail = str(error)
        raise AwesomeBibError(
            f"{source}: not a valid awesome-bib lockfile ({detail}); restore it from version control "
            "or delete it to rebuild it from the list"
        ) from None
    return Lockfile(key_format=header.get("key-format", DEFAULT_KEY_FORMAT), records=records)


def load(path: Path) -> Lockfile | None:
    """The lockfile at ``path``, or None when there is none yet."""
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as error:
        raise AwesomeBibError(f"{path}: cannot read lockfile: {error}") from None
    return loads(text, str(path))


def save(path: Path, lock: Lockfile) -> None:
    try:
        write_atomic(path, dumps(lock))
    except OSError as error:
        raise AwesomeBibError(f"{path}: cannot write lockfile: {error.strerror or error}") from None


def _guard_path(path: Path) -> Path:
    """The guard sits beside the lockfile's real path (symlinks followed): every run that writes this
    lockfile meets it, whatever its HOME or user folders say."""
    real = path.resolve()
    return real.with_name(f".{real.name}.lck")


# How long a waiting writer sleeps between two tries for the guard.
_GUARD_POLL = 0.05


@contextmanager
def exclusive(path: Path, wait: float = 0) -> Iterator[None]:
    """Hold the lockfile's guard for a run that writes it.  Another run holding it makes this one
    fail clearly, at once or after ``wait`` seconds (quick writers can afford to wait).

    The guard is a file beside the lockfile, locked with ``flock`` (the system frees it when a run
    dies, even by kill -9) and removed when the run lets go.  Temporary files a killed run left
    beside the lockfile are removed once the guard is held: nobody else can be writing them."""
    guard = _guard_path(path)
    descriptor = _acquire(guard, path, wait)
    try:
        remove_temporaries(path)
        yield
    finally:
        # Removed while still held: a run that opened the old file sees it is gone and tries again.
        guard.unlink(missing_ok=True)
        os.close(descriptor)


def _acquire(guard: Path, path: Path, wait: float) -> int:
    import fcntl

    deadline = time.monotonic() + wait
    while True:
        try:
            guard.parent.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(guard, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as error:
            raise AwesomeBibError(f"{guard}: cannot lock: {error.strerror or error}") from None
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(descriptor)
            if time.monotonic() >= deadline:
                raise AwesomeBibError(
                    f"{path}: another awesome-bib run is updating this lockfile; wait for it to finish"
                ) from None
            time.sleep(_GUARD_POLL)
            continue
        except OSError as error:
            os.close(descriptor)
            raise AwesomeBibError(f"{guard}: cannot lock: {error.strerror or error}") from None
        try:
            current = os.stat(guard)
        except FileNotFoundError:
            current = None
        if current is not None and os.path.samestat(os.fstat(descriptor), current):
            return descriptor
        os.close(descriptor)  # the previous holder removed the file we locked: lock the new one


def remove_temporaries(path: Path) -> None:
    """Remove ``.<name>.*.tmp`` beside the lockfile: what :func:`write_atomic` leaves when killed."""
    prefix = f".{path.name}."
    try:
        found = [entry.path for entry in os.scandir(path.parent)
                 if entry.name.startswith(prefix) and entry.name.endswith(".tmp") and entry.is_file()]
    except OSError:
        return
    for name in found:
        Path(name).unlink(missing_ok=True)
