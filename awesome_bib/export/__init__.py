"""Exporters: pure functions from CSL items to text, one module per format."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from awesome_bib.records.model import CSLItem

DATA_FORMATS = ("bibtex", "biblatex", "csljson", "ris", "hayagriva")
REFERENCE_FORMATS = ("text", "markdown", "html")
FORMATS = DATA_FORMATS + REFERENCE_FORMATS


@dataclass(frozen=True)
class Rendered:
    """What an export produced, and (key, why) for each entry it could not write in full: a citation
    style could not render it, or BibTeX left out characters pdflatex cannot set."""

    text: str
    problems: tuple[tuple[str, str], ...] = ()


def render(
    items: Sequence[CSLItem], fmt: str, *, style: str | None = None, sort: str = "list"
) -> Rendered:
    """Render items in one of :data:`FORMATS`; ``style`` and ``sort`` apply to reference lists.

    Heavy modules (citeproc) are imported only when the format needs them.
    """
    if fmt == "bibtex":
        from awesome_bib.export.bibtex import bibtex_and_problems

        text, problems = bibtex_and_problems(items)
        return Rendered(text, tuple(problems))
    if fmt == "biblatex":
        from awesome_bib.export.biblatex import to_biblatex

        return Rendered(to_biblatex(items))
    if fmt == "csljson":
        from awesome_bib.export.csljson import to_csljson

        return Rendered(to_csljson(items))
    if fmt == "ris":
        from awesome_bib.export.ris import to_ris

        return Rendered(to_ris(items))
    if fmt == "hayagriva":
        from awesome_bib.export.hayagriva import to_hayagriva

        return Rendered(to_hayagriva(items))
    if fmt in REFERENCE_FORMATS:
        from awesome_bib.export.formatted import format_references
        from awesome_bib.export.styles import DEFAULT_STYLE

        references = format_references(items, style or DEFAULT_STYLE, fmt, sort)
        return Rendered(references.output, tuple((e.key, e.message) for e in references.errors))
    raise ValueError(f"unknown format {fmt!r}")
