"""What a survey draft says, whatever it is typeset with: the layer the LaTeX and Typst drafts share.

:func:`survey_body` walks the section tree (:mod:`.latex_tree`) and decides the draft's content: the
opening sentence and overview figure, then per section a heading, a sentence citing its papers, a
taxonomy figure, the list of papers and a summary table.  How each piece is written is a
:class:`DraftMarkup`'s business (:class:`~.latex.LatexMarkup`, :class:`~.typst_draft.TypstMarkup`).
The table's cells and the taxonomy's node titles are plain text decided here too.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from urllib.parse import urlsplit

from awesome_bib.errors import AwesomeBibError
from awesome_bib.export.latex_tree import SectionNode, SurveyOptions, distinct, section_tree
from awesome_bib.records.csl import issued_date_parts
from awesome_bib.records.latex_text import normalize_text
from awesome_bib.records.model import CSLItem, Section

# The summary table's columns and their shares of the line width.
TABLE_COLUMNS = (("Paper", 0.44), ("Venue", 0.26), ("Year", 0.10), ("Code", 0.20))
TAXONOMY_MODES = ("grouped", "leaves", "counts")
_CODE_HOSTS = {"github.com": "GitHub", "gitlab.com": "GitLab", "huggingface.co": "HF"}


class DraftMarkup(ABC):
    """How one typesetting language writes the pieces of a draft.  Methods taking ``markup`` take
    text already written by this markup; those taking ``text`` take plain text from the list."""

    tie = "~"  # a non-breaking space (TeX and Typst agree)

    @abstractmethod
    def text(self, text: str) -> str:
        """Plain text as markup that prints it and runs nothing."""

    @abstractmethod
    def emph(self, markup: str) -> str: ...

    @abstractmethod
    def strong(self, markup: str) -> str: ...

    @abstractmethod
    def cite(self, items: Sequence[CSLItem]) -> str:
        """One citation of the items, in the order given."""

    @abstractmethod
    def label(self, kind: str, name: str) -> str:
        """The label of a heading (``sec``), figure (``fig``) or table (``tab``) named by a section path."""

    @abstractmethod
    def ref(self, noun: str, label: str) -> str:
        """``Figure 3``: a reference to what ``label`` labels, ``noun`` being what it is."""

    @abstractmethod
    def comment(self, text: str) -> str:
        """A line the reader of the source sees and the typeset document does not."""

    @abstractmethod
    def heading(self, depth: int, markup: str, label: str) -> str:
        """A heading ``depth`` steps below the selection's top (0)."""

    @abstractmethod
    def bullet_list(self, items: Sequence[str]) -> str: ...

    @abstractmethod
    def taxonomy_setup(self) -> str:
        """What the taxonomy figures need defined once, before the first."""

    @abstractmethod
    def summary_table(self, node: SectionNode, options: SurveyOptions) -> str:
        """A table of the papers listed directly under ``node`` (see :func:`table_rows`)."""

    @abstractmethod
    def taxonomy_figure(
        self, roots: Sequence[SectionNode], options: SurveyOptions, mode: str, caption: str, label: str,
        root_title: str | None = None,
    ) -> str:
        """A figure drawing the roots' tree as ``mode`` says (:func:`taxonomy_title`); ``caption`` and
        ``root_title`` are markup.  Without a ``root_title`` there must be a single root."""


def counted(count: int, noun: str) -> str:
    return f"one {noun}" if count == 1 else f"{count} {noun}s"


def venue_name(item: CSLItem) -> str:
    """The short venue name: the CSL short container title, the container, else the publisher
    ("arXiv" for a bare arXiv preprint, "" when nothing says)."""
    for field in ("container-title-short", "container-title", "event-title", "publisher"):
        value = item.get(field)
        if isinstance(value, str) and value.strip():
            return value
    return "arXiv" if (item.get("custom") or {}).get("arxiv") else ""


def year_of(item: CSLItem) -> str:
    parts = issued_date_parts(item)
    return str(parts[0]) if parts and str(parts[0]).strip().isdigit() else "n.d."


def code_hosts(item: CSLItem) -> list[tuple[str, str]]:
    """A paper's code and model links, each with the name of its host (GitHub, HF, else "code")."""
    links = []
    for url in (item.get("custom") or {}).get("code") or []:
        try:
            host = (urlsplit(url.strip()).hostname or "").removeprefix("www.")
        except ValueError:  # a malformed URL (an unclosed "[" host) still gets its link
            host = ""
        links.append((url, _CODE_HOSTS.get(host, "code")))
    return links


def taxonomy_title(node: SectionNode, mode: str) -> str:
    """A section's box in a taxonomy: its title, with ``counts`` the number of its papers."""
    if mode not in TAXONOMY_MODES:
        raise ValueError(f"unknown taxonomy mode {mode!r}")
    return f"{node.section.title} ({len(node.all_papers())})" if mode == "counts" else node.section.title


def _paper_item(item: CSLItem, options: SurveyOptions, markup: DraftMarkup) -> str:
    """``Name: rest of the title~[n]``, the name before the colon in bold."""
    title = normalize_text(str(item.get("title") or item["id"]))
    head, _, rest = title.partition(":")
    if head.strip() and rest.strip():
        text = f"{markup.strong(markup.text(head))}: {markup.text(rest)}"
    else:
        text = markup.text(title)
    return f"{text}{markup.tie}{markup.cite([item])}"


def _section_text(node: SectionNode, options: SurveyOptions, markup: DraftMarkup) -> list[str]:
    section = node.section
    parts = [markup.heading(node.depth, markup.text(section.title), markup.label("sec", section.path))]
    sentences = []
    if node.papers:
        besides = " besides its subsections" if node.children else ""
        count = counted(len(node.papers), "paper")
        sentences.append(f"This section covers {count}{markup.tie}{markup.cite(node.papers)}{besides}.")
    with_figure = options.taxonomy == "leaves" and node.depth == 0
    figure_label = markup.label("fig", section.path)
    if with_figure:
        every = counted(len(node.all_papers()), "paper")
        arranged = {
            (True, False): "them",
            (False, True): f"the {every} of its subsections",
            (True, True): f"all {every}",
        }[bool(node.papers), bool(node.children)]
        sentences.append(f"{markup.ref('Figure', figure_label)} arranges {arranged}.")
    if sentences:
        parts.append(" ".join(sentences) + "\n")
    if with_figure:
        caption = f"Papers on {markup.text(section.title)}."
        parts.append(markup.taxonomy_figure([node], options, "leaves", caption, figure_label))
    if node.papers and options.papers == "list":
        parts.append(markup.bullet_list([_paper_item(item, options, markup) for item in node.papers]))
    if node.papers and options.tables:
        parts.append(f"{markup.ref('Table', markup.label('tab', section.path))} summarises them.\n")
        parts.append(markup.summary_table(node, options))
    for child in node.children:
        parts.extend(_section_text(child, options, markup))
    return parts


def survey_body(
    sections: Sequence[Section], papers: Mapping[str, Sequence[CSLItem]], options: SurveyOptions,
    list_title: str | None, markup: DraftMarkup,
) -> str:
    """The draft's body (everything between the preamble and the bibliography), in ``markup``."""
    roots = section_tree(sections, papers)
    if not roots:
        raise AwesomeBibError("the chosen sections list no papers; see `awesome-bib sections`", 1)
    kept = {node.section.path for root in roots for node in root.walk()}
    left_out = [s.title for s in sorted(sections, key=lambda s: s.line) if s.path not in kept]
    every = distinct([root.all_papers() for root in roots])
    parts = []
    if left_out:
        titles = "; ".join(normalize_text(title) for title in left_out)
        parts.append(markup.comment(f"Headings without papers, left out: {titles}"))
    if options.taxonomy != "none":
        parts.append(markup.taxonomy_setup())
    name = f" {markup.emph(markup.text(list_title))}" if list_title else ""
    headings = sum(1 for root in roots for _ in root.walk())
    sentence = (f"This draft follows the headings of the list{name}: "
                f"{counted(len(every), 'paper')} in {counted(headings, 'section')}.")
    overview = _overview(roots, options, list_title, markup)
    if overview:
        sentence += f" {markup.ref('Figure', markup.label('fig', 'taxonomy'))} shows its taxonomy."
    parts += [sentence + "\n", *overview]
    for root in roots:
        parts.extend(_section_text(root, options, markup))
    return "\n".join(parts)


def _overview(
    roots: Sequence[SectionNode], options: SurveyOptions, list_title: str | None, markup: DraftMarkup,
) -> list[str]:
    """The figure of the whole selection: grouped papers, or (with per-section leaves) counts."""
    mode = {"grouped": "grouped", "leaves": "counts"}.get(options.taxonomy)
    if mode is None or (mode == "counts" and len(roots) == 1):
        return []
    label = markup.label("fig", "taxonomy")
    if len(roots) == 1:
        caption = f"Taxonomy of {markup.text(roots[0].section.title)}."
        return [markup.taxonomy_figure(roots, options, mode, caption, label)]
    title = markup.text(options.title or list_title or "Survey")
    caption = f"Taxonomy of {markup.text(list_title)}." if list_title else "Taxonomy of the papers."
    return [markup.taxonomy_figure(roots, options, mode, caption, label, title)]
