"""The ``awesome-bib`` command line: thin click wrappers over the library.

Each topic lives in its own module here and registers its commands on :data:`main`.
"""

from __future__ import annotations

from awesome_bib.cli import add as _add  # noqa: F401  (registers commands)
from awesome_bib.cli import check as _check  # noqa: F401  (registers commands)
from awesome_bib.cli import export as _export  # noqa: F401  (registers commands)
from awesome_bib.cli import latex as _latex  # noqa: F401  (registers commands)
from awesome_bib.cli import release as _release  # noqa: F401  (registers commands)
from awesome_bib.cli import resolve as _resolve  # noqa: F401  (registers commands)
from awesome_bib.cli import site as _site  # noqa: F401  (registers commands)
from awesome_bib.cli.app import main

__all__ = ["main"]
