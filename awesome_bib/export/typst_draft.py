r"""Typst survey drafts: the LaTeX draft's content (:mod:`.survey`) written as a Typst document.

Pure functions of plain data, no I/O.  :func:`survey_typ` gives ``survey.typ``, which reads its
bibliography from ``references.yml`` (the Hayagriva export, :mod:`.hayagriva`).  Headings are
``=``, ``==``, …; citations ``#cite(label("key"))``, which takes any citation key; summary tables are
``table`` figures; taxonomy figures are nested blocks drawn by a few functions the body defines
before its first figure (:data:`TAXONOMY_SETUP`), so no Typst package is needed.

Every text from the list goes through :func:`typst_text`:

>>> print(typst_text("*Bold* claims: $5, #1 <tag> @ref [x] a--b // c"))
\*Bold\* claims: \$5, \#1 \<tag\> \@ref \[x\] a\--b \// c
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from awesome_bib.export import survey
from awesome_bib.export.bibtex import verbatim
from awesome_bib.export.latex_tree import SectionNode, SurveyOptions, short_name
from awesome_bib.export.survey import TABLE_COLUMNS, DraftMarkup, code_hosts, taxonomy_title, venue_name, year_of
from awesome_bib.records.latex_text import printable_text
from awesome_bib.records.model import CSLItem, Section

BIB_NAME = "references"
DEFAULT_STYLE = "ieee"
BREAKABLE_ROWS = 30
# Markup characters escaped wherever they stand; "-" and "/" only where they start a shorthand or a
# comment ("--", "-?", "//", "/*"); a list, heading or numbered-list marker only at the start.
_ALWAYS = re.compile(r"[\\#*_`$<>@\[\]~]")
_SHORTHAND = re.compile(r"-(?=[-?])|/(?=[/*])")
_LINE_START = re.compile(r"^(?:[-+=/]|\d+\.)")

TAXONOMY_SETUP = """\
// The taxonomy figures' boxes: a section's title, then its papers and subsections beside it.
#let taxonomy-box(body, ..style) = block(inset: (x: 3pt, y: 2pt), radius: 1pt, ..style, {
  set par(justify: false)
  text(size: 6pt, body)
})
#let taxonomy-section(title, ..children) = grid(
  columns: (2.4cm, 1fr), column-gutter: 6pt, align: left + horizon,
  taxonomy-box(strong(title), width: 100%, radius: 2pt, stroke: 0.5pt + rgb("#2b4a80"), fill: rgb("#eef2fa")),
  if children.pos().len() > 0 {
    block(stroke: (left: 0.5pt + luma(45%)), inset: (left: 5pt, y: 1pt), stack(spacing: 3pt, ..children.pos()))
  },
)
#let taxonomy-papers(body) = taxonomy-box(body, width: 100%, stroke: 0.5pt + luma(80%), fill: luma(98%))
#let taxonomy-paper(body) = taxonomy-box(body, stroke: 0.5pt + luma(80%), fill: luma(98%))
// A tree taller than most of a page is scaled down to fit.
#let taxonomy-fit(body) = layout(size => {
  let height = measure(block(width: size.width, body)).height
  if height <= 20cm { body } else { scale(20cm / height * 100%, reflow: true, body) }
})
"""


def typst_text(text: str) -> str:
    """Text as Typst markup that prints it: every markup character that could act is escaped."""
    escaped = _SHORTHAND.sub(lambda match: "\\" + match.group(), _ALWAYS.sub(lambda match: "\\" + match.group(), text))
    return _LINE_START.sub(lambda match: match.group()[:-1] + "\\" + match.group()[-1], escaped)


def typst_string(text: str) -> str:
    """A Typst string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class TypstMarkup(DraftMarkup):
    """The draft in Typst: references by label, tables and taxonomy figures as figures."""

    def text(self, text: str) -> str:
        return typst_text(printable_text(text))

    def emph(self, markup: str) -> str:
        return f"#emph[{markup}]"

    def strong(self, markup: str) -> str:
        return f"#strong[{markup}]"

    def cite(self, items: Sequence[CSLItem]) -> str:
        return "".join(f"#cite(label({typst_string(str(item['id']))}))" for item in items)

    def label(self, kind: str, name: str) -> str:
        return f"{kind}:{name.replace('/', '.')}"  # section paths are ASCII slugs joined by "/"

    def ref(self, noun: str, label: str) -> str:
        return f"#ref(label({typst_string(label)}))"  # Typst names it (Figure 3, Table 2) itself

    def comment(self, text: str) -> str:
        return f"// {text}\n"

    def heading(self, depth: int, markup: str, label: str) -> str:
        return f"{'=' * (depth + 1)} {markup} <{label}>\n"

    def bullet_list(self, items: Sequence[str]) -> str:
        return "".join(f"- {item}\n" for item in items)

    def taxonomy_setup(self) -> str:
        return TAXONOMY_SETUP

    def paper_label(self, item: CSLItem) -> str:
        """``ShortName~[n]``, as tables and figures name a paper, kept on one line."""
        return f"#box[{self.text(short_name(str(item.get('title') or item['id'])))}~{self.cite([item])}]"

    def summary_table(self, node: SectionNode, options: SurveyOptions) -> str:
        columns = ", ".join(f"{round(share * 100)}fr" for _, share in TABLE_COLUMNS)
        header = ", ".join(f"[*{name}*]" for name, _ in TABLE_COLUMNS)
        rows = []
        for item in node.papers:
            links = ", ".join(f"#link({typst_string(verbatim(url.strip()))})[{host}]" for url, host in code_hosts(item))
            cells = (self.paper_label(item), self.text(venue_name(item)) or "–", year_of(item), links or "–")
            rows.append("    " + ", ".join(f"[{cell}]" for cell in cells) + ",")
        # A table taller than a page may break across pages (its header repeats); a shorter one
        # stays whole, with its caption.
        breakable = len(node.papers) > BREAKABLE_ROWS
        return "\n".join([
            *(["#[#show figure: set block(breakable: true)"] if breakable else []),
            "#figure(",
            "  text(size: 9pt, table(",
            f"    columns: ({columns}), align: left, stroke: none, inset: (x: 4pt, y: 3pt),",
            "    table.hline(stroke: 0.8pt),",
            f"    table.header({header}),",
            "    table.hline(stroke: 0.5pt),",
            *rows,
            "    table.hline(stroke: 0.8pt),",
            "  )),",
            f"  caption: [Papers under {self.text(node.section.title)}.],",
            "  kind: table,",
            f") <{self.label('tab', node.section.path)}>",
            *(["]"] if breakable else []),
        ]) + "\n"

    def taxonomy_figure(
        self, roots: Sequence[SectionNode], options: SurveyOptions, mode: str, caption: str, label: str,
        root_title: str | None = None,
    ) -> str:
        if root_title is None:
            (root,) = roots
            tree = self._section_node(root, mode, 2)
        else:
            children = ",\n".join(self._section_node(root, mode, 3) for root in roots)
            tree = f"    taxonomy-section([{root_title}],\n{children},\n    )"
        return "\n".join([
            "#figure(",
            "  taxonomy-fit(",
            tree,
            "  ),",
            f"  caption: [{caption}],",
            f") <{label}>",
        ]) + "\n"

    def _section_node(self, node: SectionNode, mode: str, indent: int) -> str:
        pad = "  " * indent
        inner = "  " * (indent + 1)
        children = [self._section_node(child, mode, indent + 1) for child in node.children]
        if mode == "grouped" and node.papers:
            names = ", ".join(self.paper_label(item) for item in node.papers)
            children.insert(0, f"{inner}taxonomy-papers[{names}]")
        elif mode == "leaves":
            children[:0] = [f"{inner}taxonomy-paper[{self.paper_label(item)}]" for item in node.papers]
        title = self.text(taxonomy_title(node, mode))
        if not children:
            return f"{pad}taxonomy-section([{title}])"
        return f"{pad}taxonomy-section([{title}],\n" + ",\n".join(children) + f",\n{pad})"


def survey_typ(
    sections: Sequence[Section], papers: Mapping[str, Sequence[CSLItem]], options: SurveyOptions,
    list_title: str | None = None,
) -> str:
    """The survey draft as a complete Typst document citing ``references.yml``."""
    markup = TypstMarkup()
    body = survey.survey_body(sections, papers, options, list_title, markup)
    title = markup.text(options.title or list_title or "Survey draft")
    style = options.style or DEFAULT_STYLE
    lines = [
        "// Survey draft written by awesome-bib; build it with: typst compile survey.typ",
        f"#set document(title: [{title}])",
        '#set page(paper: "a4", margin: 2.5cm)',
        "#set text(size: 11pt)",
        "#set par(justify: true)",
        '#set heading(numbering: "1.1")',
        "#show figure.where(kind: table): set figure.caption(position: top)",
        "",
        f"#align(center, text(size: 17pt, weight: \"bold\")[{title}])",
        "",
        body,
        f"#bibliography({typst_string(BIB_NAME + '.yml')}, title: [References], style: {typst_string(style)})",
    ]
    return "\n".join(lines) + "\n"
