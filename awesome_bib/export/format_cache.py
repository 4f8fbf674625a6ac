"""A cache of rendered entries, so formatting an unchanged list again costs almost nothing.

One JSON file per style (its digest covers the style file, citeproc-py's version and the source of
our renderer, so any change to the engine starts a new file)
maps each item's digest to its rendering.  The rendering is the marked-up text before it becomes
text, Markdown or HTML, so one entry serves every output format; it holds no list position either
(the citation number is a mark), so reordering or filtering a list reuses it.

The file is rewritten atomically (temporary file, then rename) under a lock, merging what a
concurrent run added.  A cache that cannot be read or written is no error: it is only slower.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from awesome_bib.atomic import write_atomic
from awesome_bib.records.model import CSLItem

FORMAT_VERSION = 2
# The modules whose source decides a rendering: their bytes are part of every style digest.
ENGINE_MODULES = (
    "csl_engine.py",
    "csl_model.py",
    "csl_names.py",
    "csl_source.py",
    "csl_state.py",
    "csl_text.py",
    "csl_workers.py",
    "marks.py",
)


def default_cache_dir() -> Path:
    """``awesome-bib/formatted`` in the user's cache directory (e.g. ``~/.cache`` on Linux)."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("awesome-bib")) / "formatted"


def style_digest(path: Path) -> str:
    """What a rendering depends on besides the item: the style, citeproc-py and our renderer."""
    digest = hashlib.sha256(path.read_bytes())
    digest.update(f"\0{engine_digest()}".encode())
    return digest.hexdigest()[:32]


@lru_cache(maxsize=4)
def engine_digest(directory: Path = Path(__file__).parent) -> str:
    """citeproc-py's version and the source of our engine modules (in ``directory``)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        citeproc_version = version("citeproc-py")
    except PackageNotFoundError:
        citeproc_version = "unknown"
    digest = hashlib.sha256(citeproc_version.encode())
    for name in ENGINE_MODULES:
        digest.update(b"\0" + (directory / name).read_bytes())
    return digest.hexdigest()


def item_digest(item: CSLItem) -> str:
    """sha256 of the item's canonical JSON; ``custom`` is left out, as rendering never reads it."""
    fields = {key: value for key, value in item.items() if key != "custom"}
    canonical = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


class FormatCache:
    """Rendered entries of one style, keyed by :func:`item_digest`.

    >>> import tempfile
    >>> cache = FormatCache(Path(tempfile.mkdtemp()), "style-digest")
    >>> cache.put("item-digest", {"label": None, "body": "Title.", "sort": None})
    >>> cache.save()
    >>> FormatCache(cache.path.parent, "style-digest").get("item-digest")["body"]
    'Title.'
    """

    def __init__(self, directory: Path, style_digest: str) -> None:
        self.path = directory / f"{style_digest}.json"
        self._entries = self._read()
        self._new: dict[str, dict[str, Any]] = {}

    def get(self, digest: str) -> dict[str, Any] | None:
        return self._new.get(digest) or self._entries.get(digest)

    def put(self, digest: str, entry: dict[str, Any]) -> None:
        self._new[digest] = entry

    def save(self) -> None:
        """Write new entries (merged with the file's current ones); does nothing if none are new."""
        if not self._new:
            return
        from filelock import FileLock, Timeout

        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with FileLock(str(self.path) + ".lock", timeout=10):
                entries = {**self._read(), **self._new}
                self._write({"version": FORMAT_VERSION, "entries": entries})
        except (OSError, Timeout):
            return
        self._entries, self._new = entries, {}

    def _read(self) -> dict[str, dict[str, Any]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION:
            return {}
        entries = data.get("entries")
        return entries if isinstance(entries, dict) else {}

    def _write(self, data: dict[str, Any]) -> None:
        write_atomic(self.path, json.dumps(data, ensure_ascii=False, separators=(",", ":")))
