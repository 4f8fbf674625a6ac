r"""LaTeX survey drafts: a list's sections and papers -> a document that follows its headings.

Pure functions of plain data, no I/O (see :mod:`.latex_tree` for the input).

* :func:`survey_tex` -- the whole draft, or only its body: a heading per section, a sentence and a
  list citing its papers, a summary table (:func:`~.latex_table.summary_table`), taxonomy figures
  (:func:`~.latex_forest.taxonomy_figure`).
* :func:`~.latex_tree.cite_command` -- one ``\cite{...}`` for a list of keys.

Every piece of text from the list goes through :func:`~awesome_bib.latex_text.printable_latex`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..errors import AwesomeBibError
from ..latex_text import normalize_text, printable_latex
from ..model import CSLItem, Section
from .latex_forest import FOREST_STYLE, taxonomy_figure
from .latex_table import summary_table
from .latex_tree import (
    BACKENDS,
    PAPER_STYLES,
    TAXONOMIES,
    SectionNode,
    SurveyOptions,
    cite_command,
    cite_items,
    distinct,
    label_of,
    section_tree,
    short_name,
)

__all__ = [
    "BACKENDS", "BIB_NAME", "PAPER_STYLES", "TAXONOMIES", "SurveyOptions", "cite_command", "distinct",
    "section_tree", "short_name", "summary_table", "survey_body", "survey_tex", "taxonomy_figure",
]

BIB_NAME = "references"
HEADINGS = ("section", "subsection", "subsubsection")
DEEPER_HEADING = "paragraph"


def _counted(count: int, noun: str) -> str:
    return f"one {noun}" if count == 1 else f"{count} {noun}s"


def _paper_item(item: CSLItem, options: SurveyOptions) -> str:
    """``\\item \\textbf{Name}: rest of the title~\\cite{key}``."""
    title = normalize_text(str(item.get("title") or item["id"]))
    head, _, rest = title.partition(":")
    if head.strip() and rest.strip():
        text = f"\\textbf{{{printable_latex(head)}}}: {printable_latex(rest)}"
    else:
        text = printable_latex(title)
    return f"  \\item {text}~{cite_items([item], options.cite)}"


def _section_text(node: SectionNode, options: SurveyOptions) -> list[str]:
    section = node.section
    command = HEADINGS[node.depth] if node.depth < len(HEADINGS) else DEEPER_HEADING
    parts = [f"\\{command}{{{printable_latex(section.title)}}}\\label{{{label_of('sec', section)}}}\n"]
    sentences = []
    if node.papers:
        besides = " besides its subsections" if node.children else ""
        count = _counted(len(node.papers), "paper")
        sentences.append(f"This section covers {count}~{cite_items(node.papers, options.cite)}{besides}.")
    with_figure = options.taxonomy == "leaves" and node.depth == 0
    if with_figure:
        every = _counted(len(node.all_papers()), "paper")
        arranged = {
            (True, False): "them",
            (False, True): f"the {every} of its subsections",
            (True, True): f"all {every}",
        }[bool(node.papers), bool(node.children)]
        sentences.append(f"Figure~\\ref{{{label_of('fig', section)}}} arranges {arranged}.")
    if sentences:
        parts.append(" ".join(sentences) + "\n")
    if with_figure:
        parts.append(taxonomy_figure([node], options, "leaves", f"Papers on {printable_latex(section.title)}.",
                                     label_of("fig", section)))
    if node.papers and options.papers == "list":
        items = [_paper_item(item, options) for item in node.papers]
        parts.append("\n".join([r"\begin{itemize}\raggedright\itemsep=0pt", *items, r"\end{itemize}"]) + "\n")
    if node.papers and options.tables:
        parts.append(f"Table~\\ref{{{label_of('tab', section)}}} summarises them.\n")
        parts.append(summary_table(node, options))
    for child in node.children:
        parts.extend(_section_text(child, options))
    return parts


def survey_body(
    sections: Sequence[Section], papers: Mapping[str, Sequence[CSLItem]], options: SurveyOptions,
    list_title: str | None = None,
) -> str:
    """The draft between ``\\begin{document}`` and the bibliography, for pasting into a draft."""
    roots = section_tree(sections, papers)
    if not roots:
        raise AwesomeBibError("the chosen sections list no papers; see `awesome-bib sections`", 1)
    kept = {node.section.path for root in roots for node in root.walk()}
    left_out = [s.title for s in sorted(sections, key=lambda s: s.line) if s.path not in kept]
    every = distinct([root.all_papers() for root in roots])
    parts = []
    if left_out:
        parts.append(f"% Headings without papers, left out: {'; '.join(normalize_text(t) for t in left_out)}\n")
    if options.taxonomy != "none":
        parts.append(FOREST_STYLE)
    name = f" \\emph{{{printable_latex(list_title)}}}" if list_title else ""
    headings = sum(1 for root in roots for _ in root.walk())
    sentence = (f"This draft follows the headings of the list{name}: "
                f"{_counted(len(every), 'paper')} in {_counted(headings, 'section')}.")
    overview = _overview(roots, options, list_title)
    if overview:
        sentence += " Figure~\\ref{fig:taxonomy} shows its taxonomy."
    parts += [sentence + "\n", *overview]
    for root in roots:
        parts.extend(_section_text(root, options))
    return "\n".join(parts)


def _overview(roots: Sequence[SectionNode], options: SurveyOptions, list_title: str | None) -> list[str]:
    """The figure of the whole selection: grouped papers, or (with per-section leaves) counts."""
    mode = {"grouped": "grouped", "leaves": "counts"}.get(options.taxonomy)
    if mode is None or (mode == "counts" and len(roots) == 1):
        return []
    if len(roots) == 1:
        caption = f"Taxonomy of {printable_latex(roots[0].section.title)}."
        return [taxonomy_figure(roots, options, mode, caption, "fig:taxonomy")]
    title = printable_latex(options.title or list_title or "Survey")
    caption = f"Taxonomy of {printable_latex(list_title)}." if list_title else "Taxonomy of the papers."
    return [taxonomy_figure(roots, options, mode, caption, "fig:taxonomy", title)]


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
