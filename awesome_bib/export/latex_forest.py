r"""Taxonomy figures: sections and papers as a ``forest`` tree, the figure surveys open with.

Trees grow to the right (``grow'=0``) with forked edges; sections are boxes of a fixed width whose
titles wrap.  Papers, each ``ShortName~\cite{key}``, end the tree in one of two ways:

* ``grouped``: one box per section lists its papers, flowing over lines; boxes reach the same right
  edge, so a whole list of a hundred papers fits one page;
* ``leaves``: one node per paper, stacked; the tree is as tall as its papers.

An overview (``counts``) shows the sections alone, each with its number of papers.  An
``adjustbox`` shrinks a tree still wider than the line or taller than the page, so no figure
overflows whatever the list.  Node text is always wrapped in braces: forest then reads commas, ``=``
and brackets in a title as text, and :func:`~awesome_bib.records.latex_text.printable_latex` has already made
every brace a balanced pair.
"""

from __future__ import annotations

from collections.abc import Sequence

from awesome_bib.export.latex_tree import SectionNode, SurveyOptions, paper_label
from awesome_bib.export.survey import taxonomy_title
from awesome_bib.records.latex_text import printable_latex

# Defined once in the body (not the preamble) so a pasted body brings its styles along.
FOREST_STYLE = r"""\forestset{
  taxonomy/.style={
    forked edges,
    for tree={
      grow'=0, anchor=west, child anchor=west, parent anchor=east, font=\scriptsize,
      inner xsep=3pt, inner ysep=2pt, s sep=2pt, l sep=8pt, fork sep=4pt,
      edge={draw=black!45, line width=0.5pt},
    },
  },
  taxonomy section/.style={
    text width=2.4cm, node options={align=flush left}, draw=blue!45!black, fill=blue!6,
    rounded corners=2pt, font=\scriptsize\bfseries,
  },
  taxonomy paper/.style={draw=black!20, fill=black!2, rounded corners=1pt},
  taxonomy papers/.style={
    text width=#1, node options={align=flush left}, draw=black!20, fill=black!2, rounded corners=1pt,
  },
}
"""
# Sections and papers are shrunk to fit; 0.85 leaves the caption room on a float page.
_FIT = r"max width=\linewidth, max totalheight=0.85\textheight"
# Grouped boxes of papers all end at one right edge: that of a tree at least this wide (an A4
# text width; adjustbox scales it to others).  A tree column is a section box (text width and
# inner padding) and the level distance.
TREE_WIDTH_CM = 15.4
COLUMN_CM = 2.4 + 0.21 + 0.28
# Wide enough for the longest short name with its citation on one line.
MIN_BOX_CM = 5.4


def _node(text: str, style: str, children: Sequence[str], indent: int) -> str:
    pad = "  " * indent
    if not children:
        return f"{pad}[{{{text}}}, {style}]"
    return f"{pad}[{{{text}}}, {style}\n" + "\n".join(children) + f"\n{pad}]"


def _papers_box(node: SectionNode, options: SurveyOptions, indent: int, right_edge: float) -> str:
    """One box listing the papers, ending at ``right_edge`` cm; a paper's name and citation stay together."""
    columns_before = indent - 1  # the tree's first node is written at indent 1
    width = right_edge - columns_before * COLUMN_CM
    names = ", ".join(f"\\mbox{{{paper_label(item, options)}}}" for item in node.papers)
    return _node(names, f"taxonomy papers={width:.1f}cm", [], indent)


def _section_node(node: SectionNode, options: SurveyOptions, mode: str, indent: int, right_edge: float) -> str:
    children = [_section_node(child, options, mode, indent + 1, right_edge) for child in node.children]
    title = printable_latex(taxonomy_title(node, mode))
    if mode == "counts":
        return _node(title, "taxonomy section", children, indent)
    if mode == "grouped":
        papers = [_papers_box(node, options, indent + 1, right_edge)] if node.papers else []
    else:
        papers = [_node(paper_label(item, options), "taxonomy paper", [], indent + 1) for item in node.papers]
    return _node(title, "taxonomy section", papers + children, indent)


def taxonomy_figure(
    roots: Sequence[SectionNode], options: SurveyOptions, mode: str, caption: str, label: str,
    root_title: str | None = None,
) -> str:
    r"""A ``figure`` holding one ``forest`` tree of the roots, papers shown as ``mode`` says.

    With a ``root_title`` (LaTeX text) the roots hang under a node of that title; without one
    there must be a single root.  ``caption`` is LaTeX text.
    """
    first = 1 if root_title is None else 2
    deepest = max(first + node.depth for root in roots for node in root.walk() if node.papers)
    right_edge = max(TREE_WIDTH_CM, deepest * COLUMN_CM + MIN_BOX_CM)
    if root_title is None:
        (root,) = roots
        tree = _section_node(root, options, mode, first, right_edge)
    else:
        children = [_section_node(root, options, mode, first, right_edge) for root in roots]
        tree = _node(root_title, "taxonomy section", children, indent=1)
    return "\n".join([
        r"\begin{figure}[htbp]",
        r"\centering",
        f"\\begin{{adjustbox}}{{{_FIT}}}",
        r"\begin{forest}",
        "  taxonomy",
        tree,
        r"\end{forest}",
        r"\end{adjustbox}",
        f"\\caption{{{caption}}}\\label{{{label}}}",
        r"\end{figure}",
    ]) + "\n"
