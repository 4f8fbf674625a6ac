"""Exporters: pure functions from CSL items to text, one module per format."""

from __future__ import annotations

from collections.abc import Sequence

from ..model import CSLItem

FORMATS = ("bibtex", "csljson")


def render(items: Sequence[CSLItem], fmt: str) -> str:
    """Render items in one of :data:`FORMATS` (heavy modules are imported only when used)."""
    if fmt == "bibtex":
        from .bibtex import to_bibtex

        return to_bibtex(items)
    if fmt == "csljson":
        from .csljson import to_csljson

        return to_csljson(items)
    raise ValueError(f"unknown format {fmt!r}")
