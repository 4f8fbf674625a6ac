"""``latex``, ``typst`` and ``cite``: a survey draft that follows the list, and the citation of one section."""

from __future__ import annotations

from pathlib import Path

import click

from awesome_bib.cli.app import list_option, main
from awesome_bib.cli.export import emit
from awesome_bib.errors import AwesomeBibError
from awesome_bib.export import render
from awesome_bib.export.latex import (
    BACKENDS,
    BIB_NAME,
    PAPER_STYLES,
    TAXONOMIES,
    SurveyOptions,
    cite_command,
    distinct,
    survey_tex,
)
from awesome_bib.export.typst_draft import DEFAULT_STYLE as TYPST_STYLE
from awesome_bib.export.typst_draft import survey_typ
from awesome_bib.library import Library, open_library
from awesome_bib.records.model import CSLItem, Section

SURVEY_NAME = "survey.tex"
TYPST_NAME = "survey.typ"


def papers_by_section(library: Library, sections: list[Section]) -> dict[str, list[CSLItem]]:
    """For each section path, the items of the papers listed directly under it."""
    return {path: [r.csl for r in records] for path, records in library.papers_by_section(sections).items()}


def _chosen(library: Library, queries: tuple[str, ...]) -> list[Section]:
    """The named sections with their subtrees (all sections when none is named), in list order."""
    chosen = library.select(list(queries)) if queries else library.sections
    return sorted(chosen, key=lambda section: section.line)


def _draft_papers(list_path: Path | None, draft_all: bool, section_queries: tuple[str, ...]) -> tuple[
        Library, list[Section], dict[str, list[CSLItem]], list[CSLItem]]:
    """What a survey draft covers: the list, its chosen sections, their papers, every paper cited."""
    if draft_all and section_queries:
        raise AwesomeBibError("give either --all or --section, not both")
    library = open_library(list_path)
    sections = _chosen(library, section_queries)
    papers_of = papers_by_section(library, sections)
    return library, sections, papers_of, _cited(sections, papers_of)


def _cited(sections: list[Section], papers_of: dict[str, list[CSLItem]]) -> list[CSLItem]:
    """Every paper of the sections once, in list order; exit 1 when there is none."""
    items = distinct([papers_of.get(section.path, []) for section in sections])
    if not items:
        names = ", ".join(section.path for section in sections[:3])
        raise AwesomeBibError(f"section {names} lists no papers; see `awesome-bib sections`", 1)
    return items


@main.command()
@list_option
@click.option("--section", "-s", "section_queries", multiple=True, metavar="S",
              help="Section by slug, title, path or unique prefix; subsections included. Repeatable.")
@click.option("--all", "draft_all", is_flag=True, help="Draft the whole list (the default).")
@click.option("--out", "-o", "out_dir", type=click.Path(path_type=Path, file_okay=False), default=None, metavar="DIR",
              help=f"Write DIR/{SURVEY_NAME} and DIR/{BIB_NAME}.bib (atomically) instead of printing the .tex.")
@click.option("--backend", type=click.Choice(BACKENDS), default="natbib", show_default=True,
              help="natbib (\\citep, BibTeX) or biblatex (\\autocite, biber).")
@click.option("--style", default=None, metavar="NAME",
              help="Bibliography style: a .bst for natbib (default unsrtnat) or a biblatex style "
                   "(default numeric-comp).")
@click.option("--papers", type=click.Choice(PAPER_STYLES), default="list", show_default=True,
              help="Per section: a sentence citing its papers and a list of them, or the sentence alone.")
@click.option("--taxonomy", type=click.Choice(TAXONOMIES), default="grouped", show_default=True,
              help="grouped: one forest figure, a box of papers per section; leaves: a figure per "
                   "top-level section with a leaf per paper; none.")
@click.option("--tables/--no-tables", default=True, show_default=True,
              help="A summary table (paper, venue, year, code) per section.")
@click.option("--title", default=None, help="Document title (default: the list's title).")
@click.option("--body-only", is_flag=True,
              help="Only the body, for pasting into an existing document (its header comments name "
                   "the packages it needs).")
def latex(list_path: Path | None, section_queries: tuple[str, ...], draft_all: bool, out_dir: Path | None,
          backend: str, style: str | None, papers: str, taxonomy: str, tables: bool, title: str | None,
          body_only: bool) -> None:
    """Draft a LaTeX survey that follows the list's headings.

    Each heading becomes \\section, \\subsection, \\subsubsection (deeper: \\paragraph) -- a chosen
    section is a \\section -- with a sentence citing its papers, a list of them and a summary table;
    a forest figure draws the taxonomy. Headings without papers are left out (a comment names them).
    A paper listed under several headings is cited under each.

    Prints the .tex; with --out DIR writes DIR/survey.tex, a complete document, and
    DIR/references.bib, the BibTeX (with --backend biblatex: biblatex) export of its papers.
    Build with `latexmk -pdf survey.tex`.

    \b
    Examples:
      awesome-bib latex --out draft && (cd draft && latexmk -pdf survey.tex)
      awesome-bib latex --section "Model Compression" --backend biblatex --out draft
      awesome-bib latex -s quantization --body-only --no-tables > quantization.tex
      awesome-bib latex --taxonomy leaves --papers sentence --title "MoE inference: a survey" -o draft
    """
    options = SurveyOptions(backend=backend, style=style, title=title, papers=papers, tables=tables,
                            taxonomy=taxonomy, body_only=body_only)
    library, sections, papers_of, items = _draft_papers(list_path, draft_all, section_queries)
    tex = survey_tex(sections, papers_of, options, library.awesome.title)
    if out_dir is None:
        emit(tex, None)
        return
    emit(tex, out_dir / SURVEY_NAME)
    # biber reads biblatex's own fields (date, journaltitle, eprinttype); bibtex only the classic ones.
    emit(render(items, "biblatex" if backend == "biblatex" else "bibtex").text, out_dir / f"{BIB_NAME}.bib")
    click.echo(f"wrote {out_dir / SURVEY_NAME} and {out_dir / BIB_NAME}.bib ({len(items)} papers)", err=True)


@main.command()
@list_option
@click.option("--section", "-s", "section_queries", multiple=True, metavar="S",
              help="Section by slug, title, path or unique prefix; subsections included. Repeatable.")
@click.option("--all", "draft_all", is_flag=True, help="Draft the whole list (the default).")
@click.option("--out", "-o", "out_dir", type=click.Path(path_type=Path, file_okay=False), default=None, metavar="DIR",
              help=f"Write DIR/{TYPST_NAME} and DIR/{BIB_NAME}.yml (atomically) instead of printing the .typ.")
@click.option("--style", default=None, metavar="NAME",
              help=f"A citation style Typst knows: apa, chicago-author-date, ... [default: {TYPST_STYLE}]")
@click.option("--papers", type=click.Choice(PAPER_STYLES), default="list", show_default=True,
              help="Per section: a sentence citing its papers and a list of them, or the sentence alone.")
@click.option("--taxonomy", type=click.Choice(TAXONOMIES), default="grouped", show_default=True,
              help="grouped: one figure, a box of papers per section; leaves: a figure per top-level section "
                   "with a leaf per paper; none.")
@click.option("--tables/--no-tables", default=True, show_default=True,
              help="A summary table (paper, venue, year, code) per section.")
@click.option("--title", default=None, help="Document title (default: the list's title).")
def typst(list_path: Path | None, section_queries: tuple[str, ...], draft_all: bool, out_dir: Path | None,
          style: str | None, papers: str, taxonomy: str, tables: bool, title: str | None) -> None:
    """Draft a Typst survey that follows the list's headings: the `latex` draft, in Typst.

    The same headings, citing sentences, lists of papers, summary tables and taxonomy figure as
    `awesome-bib latex`. Prints the .typ; with --out DIR writes DIR/survey.typ and
    DIR/references.yml, the Hayagriva export of its papers. Build with `typst compile survey.typ`.

    \b
    Examples:
      awesome-bib typst --out draft && typst compile draft/survey.typ
      awesome-bib typst --section "Model Compression" --style apa --out draft
      awesome-bib typst --taxonomy leaves --papers sentence --no-tables -o draft
    """
    options = SurveyOptions(style=style, title=title, papers=papers, tables=tables, taxonomy=taxonomy)
    library, sections, papers_of, items = _draft_papers(list_path, draft_all, section_queries)
    document = survey_typ(sections, papers_of, options, library.awesome.title)
    if out_dir is None:
        emit(document, None)
        return
    emit(document, out_dir / TYPST_NAME)
    emit(render(items, "hayagriva").text, out_dir / f"{BIB_NAME}.yml")
    click.echo(f"wrote {out_dir / TYPST_NAME} and {out_dir / BIB_NAME}.yml ({len(items)} papers)", err=True)


@main.command()
@list_option
@click.option("--section", "-s", "section_queries", multiple=True, required=True, metavar="S",
              help="Section by slug, title, path or unique prefix; subsections included. Repeatable.")
@click.option("--command", "-c", default="cite", show_default=True,
              help="The LaTeX command: cite, citep, citet, autocite, parencite, nocite, ...")
def cite(list_path: Path | None, section_queries: tuple[str, ...], command: str) -> None:
    """Print one \\cite{...} with every paper of some sections, for pasting into a draft.

    Keys come in list order, each once, subsections included.

    \b
    Examples:
      awesome-bib cite --section quantization
      awesome-bib cite -s pruning -s quantization --command citep
      awesome-bib cite --section "Expert Offloading" -c autocite
    """
    library = open_library(list_path)
    sections = _chosen(library, section_queries)
    items = _cited(sections, papers_by_section(library, sections))
    click.echo(cite_command([str(item["id"]) for item in items], command))
