r"""LaTeX survey drafts: a list's sections and papers -> a document that follows its headings.

Pure functions of plain data, no I/O (see :mod:`.latex_tree` for the input).  What the draft says is
decided in :mod:`.survey`, shared with the Typst draft; :class:`LatexMarkup` writes it as LaTeX.

* :func:`survey_tex` -- the whole draft, or only its body: a heading per section, a sentence and a
  list citing its papers, a summary table (:func:`~.latex_table.summary_table`), taxonomy figures
  (:func:`~.latex_forest.taxonomy_figure`).
* :func:`~.latex_tree.cite_command` -- one ``\cite{...}`` for a list of keys.

Every piece of text from the list goes through :func:`~awesome_bib.records.latex_text.printable_latex`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from awesome_bib.export import survey
from awesome_bib.export.latex_forest import FOREST_STYLE, taxonomy_figure
from awesome_bib.export.latex_table import summary_table
from awesome_bib.export.latex_tree import (
    BACKENDS,
    PAPER_STYLES,
    TAXONOMIES,
    SectionNode,
    SurveyOptions,
    cite_command,
    cite_items,
    distinct,
    section_tree,
    short_name,
)
from awesome_bib.export.survey import DraftMarkup
from awesome_bib.records.latex_text import printable_latex
from awesome_bib.records.model import CSLItem, Section

__all__ = [
    "BACKENDS", "BIB_NAME", "PAPER_STYLES", "TAXONOMIES", "SurveyOptions", "cite_command", "distinct",
    "section_tree", "short_name", "summary_table", "survey_body", "survey_tex", "taxonomy_figure",
]

BIB_NAME = "references"
HEADINGS = ("section", "subsection", "subsubsection")
DEEPER_HEADING = "paragraph"


class LatexMarkup(DraftMarkup):
    """The draft in LaTeX: forest figures, longtable tables, natbib's or biblatex's citations."""

    def __init__(self, options: SurveyOptions) -> None:
        self.options = options

    def text(self, text: str) -> str:
        return printable_latex(text)

    def emph(self, markup: str) -> str:
        return f"\\emph{{{markup}}}"

    def strong(self, markup: str) -> str:
        return f"\\textbf{{{markup}}}"

    def cite(self, items: Sequence[CSLItem]) -> str:
        return cite_items(items, self.options.cite)

    def label(self, kind: str, name: str) -> str:
        return f"{kind}:{name}"

    def ref(self, noun: str, label: str) -> str:
        return f"{noun}~\\ref{{{label}}}"

    def comment(self, text: str) -> str:
        return f"% {text}\n"

    def heading(self, depth: int, markup: str, label: str) -> str:
        command = HEADINGS[depth] if depth < len(HEADINGS) else DEEPER_HEADING
        return f"\\{command}{{{markup}}}\\label{{{label}}}\n"

    def bullet_list(self, items: Sequence[str]) -> str:
        lines = [r"\begin{itemize}\raggedright\itemsep=0pt", *(f"  \\item {item}" for item in items), r"\end{itemize}"]
        return "\n".join(lines) + "\n"

    def taxonomy_setup(self) -> str:
        return FOREST_STYLE

    def summary_table(self, node: SectionNode, options: SurveyOptions) -> str:
        return summary_table(node, options)

    def taxonomy_figure(
        self, roots: Sequence[SectionNode], options: SurveyOptions, mode: str, caption: str, label: str,
        root_title: str | None = None,
    ) -> str:
        return taxonomy_figure(roots, options, mode, caption, label, root_title)


def survey_body(
    sections: Sequence[Section], papers: Mapping[str, Sequence[CSLItem]], options: SurveyOptions,
    list_title: str | None = None,
) -> str:
    """The draft between ``\\begin{document}`` and the bibliography, for pasting into a draft."""
    return survey.survey_body(sections, papers, options, list_title, LatexMarkup(options))


def preamble_lines(options: SurveyOptions) -> list[str]:
    """The packages the body needs, in a safe loading order (hyperref last)."""
    lines = [r"\usepackage{array,booktabs,longtable}"] if options.tables else []
    if options.taxonomy != "none":
        lines += [r"\usepackage[edges]{forest}", r"\usepackage{adjustbox}"]
    if options.backend == "natbib":
        lines.append(r"\usepackage[numbers,sort&compress]{natbib}")
    else:
        lines += [f"\\usepackage[backend=biber,style={options.bibliography_style}]{{biblatex}}",
                  f"\\addbibresource{{{BIB_NAME}.bib}}"]
    # xurl lets long URLs in the bibliography break anywhere instead of running into the margin.
    lines += [r"\usepackage{xurl}", r"\usepackage[colorlinks,allcolors=blue!50!black]{hyperref}"]
    return lines


def bibliography_lines(options: SurveyOptions) -> list[str]:
    if options.backend == "natbib":
        return [f"\\bibliographystyle{{{options.bibliography_style}}}", f"\\bibliography{{{BIB_NAME}}}"]
    return [r"\printbibliography"]


def survey_tex(
    sections: Sequence[Section], papers: Mapping[str, Sequence[CSLItem]], options: SurveyOptions,
    list_title: str | None = None,
) -> str:
    """The survey draft: a complete document, or with ``options.body_only`` its body alone.

    A body starts with comments naming the preamble and bibliography lines it needs.
    """
    body = survey_body(sections, papers, options, list_title)
    if options.body_only:
        header = [
            "% Survey body written by awesome-bib: \\input it, or paste it, between \\begin{document} and",
            "% \\end{document}.  The document's preamble needs:",
            *(f"%   {line}" for line in preamble_lines(options)),
            "% and its end:",
            *(f"%   {line}" for line in bibliography_lines(options)),
        ]
        return "\n".join(header) + "\n\n" + body
    title = printable_latex(options.title or list_title or "Survey draft")
    lines = [
        "% Survey draft written by awesome-bib; build it with: latexmk -pdf survey.tex",
        r"\documentclass[11pt]{article}",
        r"\usepackage[a4paper,margin=2.5cm]{geometry}",
        r"\usepackage{microtype}",
        *preamble_lines(options),
        f"\\title{{{title}}}",
        r"\author{}",
        r"\date{}",
        r"\begin{document}",
        r"\maketitle",
        "",
        body,
        *bibliography_lines(options),
        r"\end{document}",
    ]
    return "\n".join(lines) + "\n"
