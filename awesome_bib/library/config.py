"""Settings: ``awesome-bib.toml`` beside the list, over the user's own config file.

    [keys]
    format = "{auth}{year}{title}"

    [services.crossref]        # read by the resolver (see README, "Resolving")
    mailto = "you@example.org"

The list-side file wins over the user's file (``awesome-bib/config.toml`` in the platform's config
folder); environment variables, where a setting has one, win over both.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from awesome_bib.errors import AwesomeBibError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

CONFIG_NAME = "awesome-bib.toml"


def user_config_path() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir("awesome-bib")) / "config.toml"


def read_toml(path: Path) -> dict[str, Any]:
    """A TOML file's tables ({} when there is no file); a broken file is a one-line error."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        return {}
    except tomllib.TOMLDecodeError as error:
        raise AwesomeBibError(f"{path}: invalid TOML ({error}); fix the file") from None
    except OSError as error:
        raise AwesomeBibError(f"{path}: cannot read: {error.strerror or error}") from None


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def load_config(list_dir: Path | None) -> dict[str, Any]:
    """The merged settings for a list in ``list_dir`` (None: the embedded list, user file only)."""
    config = read_toml(user_config_path())
    if list_dir is not None:
        config = _merge(config, read_toml(list_dir / CONFIG_NAME))
    return config


def config_table(config: dict[str, Any], name: str) -> dict[str, Any]:
    """The ``[name]`` table of the settings ({} when absent); anything else is a one-line error."""
    table = config.get(name, {})
    if not isinstance(table, dict):
        raise AwesomeBibError(f"{CONFIG_NAME}: {name} must be a table ([{name}] …), not {table!r}")
    return table
