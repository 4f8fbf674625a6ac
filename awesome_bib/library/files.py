"""Where everything about one list lives, decided once: the list, its lockfile, overrides and settings.

A list's files sit beside it (``README.md`` -> ``README.lock.json``, ``README.overrides.toml``,
``awesome-bib.toml`` in its folder).  The embedded list is read-only package data: its shipped
lockfile is read until a local ``resolve`` writes the user's own copy (in the user's data folder,
beside the user's overrides), which wins from then on.

>>> files = ListFiles.of(Path("lists/README.md"))
>>> files.lockfile.as_posix(), files.overrides.as_posix(), files.config_dir.as_posix()
('lists/README.lock.json', 'lists/README.overrides.toml', 'lists')
>>> files.lockfile_to_read() == files.lockfile
True
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from awesome_bib.library.overrides import overrides_path_for

EMBEDDED_NAME = "awesome-moe-inference.md"


def embedded_list_path() -> Path:
    return Path(str(resources.files("awesome_bib").joinpath("data", EMBEDDED_NAME)))


def lockfile_path_for(list_path: Path) -> Path:
    """A list's lockfile lives beside it: ``README.md`` -> ``README.lock.json``."""
    return list_path.with_name(list_path.stem + ".lock.json")


def user_lockfile_path() -> Path:
    """Where a locally resolved lockfile of the embedded list goes (it wins over the shipped one)."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("awesome-bib")) / lockfile_path_for(Path(EMBEDDED_NAME)).name


@dataclass(frozen=True)
class ListFiles:
    """The files of one list.  ``lockfile`` is the one written (and guarded); ``shipped_lockfile``
    is the embedded list's read-only lockfile; ``config_dir`` is None for the embedded list (only the
    user's settings apply)."""

    list: Path
    lockfile: Path
    overrides: Path
    config_dir: Path | None
    shipped_lockfile: Path | None = None

    @classmethod
    def of(cls, list_path: Path | None) -> ListFiles:
        """The files of the list at ``list_path``; None: the embedded list."""
        if list_path is None:
            embedded = embedded_list_path()
            user_lockfile = user_lockfile_path()
            return cls(embedded, user_lockfile, user_lockfile.with_name(overrides_path_for(embedded).name),
                       None, lockfile_path_for(embedded))
        return cls(list_path, lockfile_path_for(list_path), overrides_path_for(list_path), list_path.parent)

    @property
    def embedded(self) -> bool:
        return self.shipped_lockfile is not None

    def lockfile_to_read(self) -> Path:
        """The lockfile that holds the list's records now: the written one once it exists."""
        if self.shipped_lockfile is None or self.lockfile.exists():
            return self.lockfile
        return self.shipped_lockfile
