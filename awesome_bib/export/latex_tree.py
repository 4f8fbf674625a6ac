r"""The pieces of a survey draft: its options, the section tree, citations and paper names.

The draft's input is plain data: the selected :class:`~awesome_bib.records.model.Section` objects and, for
each section path, the CSL items of the papers listed *directly* under it, in list order.
:func:`section_tree` turns them into the tree every writer walks.

>>> print(cite_command(["qmoe2023practical", "laco2024large"], "citep"))
\citep{qmoe2023practical,laco2024large}
>>> short_name("QMoE: Practical Sub-1-Bit Compression of Trillion-Parameter Models")
'QMoE'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from awesome_bib.errors import AwesomeBibError
from awesome_bib.export.bibtex import CITATION_KEY
from awesome_bib.records.latex_text import normalize_text, printable_latex
from awesome_bib.records.model import CSLItem, Section

BACKENDS = ("natbib", "biblatex")
PAPER_STYLES = ("list", "sentence")
TAXONOMIES = ("grouped", "leaves", "none")
DEFAULT_STYLE = {"natbib": "unsrtnat", "biblatex": "numeric-comp"}
# The parenthetical citation each backend's draft uses (numeric styles print both as "[3]").
DRAFT_CITE = {"natbib": "citep", "biblatex": "autocite"}
SHORT_NAME_LENGTH = 28

# The characters BibTeX keys may hold (the BibTeX exporter refuses any other key).
_COMMAND = re.compile(r"[A-Za-z]+\*?")
_STYLE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
# An acronym the title names itself by: "Mixture of Quantized Experts (MoQE)".
_OWN_ACRONYM = re.compile(r"\(([A-Za-z0-9-]*[A-Z][A-Za-z0-9-]*)\)")


@dataclass(frozen=True)
class SurveyOptions:
    """How the draft is written.

    ``backend`` is ``natbib`` (BibTeX) or ``biblatex`` (biber); ``style`` a ``.bst`` for natbib or a
    biblatex style (default: :data:`DEFAULT_STYLE`).  ``papers`` is ``list`` (a sentence citing a
    section's papers, then one item per paper) or ``sentence`` (the sentence alone).  ``taxonomy``
    is ``grouped`` (one figure, a box of papers per section), ``leaves`` (an overview of the
    sections, then a figure per top-level section with a leaf per paper) or ``none``.
    """

    backend: str = "natbib"
    style: str | None = None
    title: str | None = None
    papers: str = "list"
    tables: bool = True
    taxonomy: str = "grouped"
    body_only: bool = False

    def __post_init__(self) -> None:
        if self.backend not in BACKENDS:
            raise AwesomeBibError(f"unknown backend {self.backend!r}; use one of {', '.join(BACKENDS)}")
        if self.taxonomy not in TAXONOMIES:
            raise AwesomeBibError(f"unknown taxonomy {self.taxonomy!r}; use one of {', '.join(TAXONOMIES)}")
        if self.papers not in PAPER_STYLES:
            raise AwesomeBibError(f"unknown paper style {self.papers!r}; use one of {', '.join(PAPER_STYLES)}")
        if self.style is not None and not _STYLE.fullmatch(self.style):
            raise AwesomeBibError(
                f"bibliography style {self.style!r} is not a style name; give a .bst name without "
                "the extension (natbib) or a biblatex style such as authoryear"
            )

    @property
    def bibliography_style(self) -> str:
        return self.style or DEFAULT_STYLE[self.backend]

    @property
    def cite(self) -> str:
        return DRAFT_CITE[self.backend]


@dataclass(frozen=True)
class SectionNode:
    """A heading with papers in its subtree: the papers listed directly under it and its subsections.

    ``depth`` counts from the selection's roots (0), not from the list's top.
    """

    section: Section
    papers: tuple[CSLItem, ...]
    children: tuple[SectionNode, ...]
    depth: int

    def all_papers(self) -> list[CSLItem]:
        """Every paper of the subtree once, in list order."""
        return distinct([self.papers, *(child.all_papers() for child in self.children)])

    def walk(self) -> Iterable[SectionNode]:
        yield self
        for child in self.children:
            yield from child.walk()


def distinct(groups: Iterable[Sequence[CSLItem]]) -> list[CSLItem]:
    """Items of several groups, each once (by citation key), first appearance first."""
    seen: dict[str, CSLItem] = {}
    for group in groups:
        for item in group:
            seen.setdefault(str(item["id"]), item)
    return list(seen.values())


def section_tree(sections: Sequence[Section], papers: Mapping[str, Sequence[CSLItem]]) -> list[SectionNode]:
    """The selected sections as a forest of :class:`SectionNode`, headings without papers left out.

    A section whose parent is not selected is a root.  ``papers`` maps a section path to the items
    listed directly under it.
    """
    chosen = {section.path for section in sections}
    children: dict[str | None, list[Section]] = {}
    for section in sorted(sections, key=lambda s: s.line):
        parent = section.parent if section.parent in chosen else None
        children.setdefault(parent, []).append(section)

    def build(section: Section, depth: int) -> SectionNode | None:
        below = [node for child in children.get(section.path, []) if (node := build(child, depth + 1))]
        own = tuple(distinct([papers.get(section.path, ())]))
        if not own and not below:
            return None
        return SectionNode(section, own, tuple(below), depth)

    return [node for root in children.get(None, []) if (node := build(root, 0))]


def cite_command(keys: Sequence[str], command: str = "cite") -> str:
    r"""``\command{k1,k2,...}`` for the keys, in the order given.

    >>> cite_command(["a2024x"], "textcite")
    '\\textcite{a2024x}'
    """
    if not _COMMAND.fullmatch(command):
        raise AwesomeBibError(f"{command!r} is not a LaTeX command name; give letters only, e.g. citep")
    bad = next((key for key in keys if not CITATION_KEY.fullmatch(key)), None)
    if bad is not None:
        raise AwesomeBibError(
            f"citation key {bad!r} cannot be cited; use only ASCII letters, digits and _:.+/- "
            "(see `awesome-bib rekey`)"
        )
    return f"\\{command}{{{','.join(keys)}}}"


def cite_items(items: Sequence[CSLItem], command: str) -> str:
    return cite_command([str(item["id"]) for item in items], command)


def short_name(title: str) -> str:
    """A paper's name for tables and figures: what the title calls it, else its first words.

    >>> short_name("Mixture of Quantized Experts (MoQE): Complementary Effect of Low-bit Quantization")
    'MoQE'
    >>> short_name("Accelerating Distributed MoE Training and Inference with Lina")
    'Accelerating Distributed…'
    """
    text = normalize_text(title)
    head, colon, _ = text.partition(":")
    head = head.strip()
    if colon and head:
        acronym = _OWN_ACRONYM.search(head)
        if acronym:
            return acronym[1]
        text = head
    if len(text) <= SHORT_NAME_LENGTH:
        return text
    kept: list[str] = []
    for word in text.split(" "):
        if len(" ".join([*kept, word])) + len("…") > SHORT_NAME_LENGTH:
            break
        kept.append(word)
    shortened = " ".join(kept) if kept else text[: SHORT_NAME_LENGTH - 1]
    return shortened.rstrip(" ,;.-") + "…"


def paper_label(item: CSLItem, options: SurveyOptions) -> str:
    r"""``ShortName~\cite{key}``, the way tables and figures name a paper."""
    return f"{printable_latex(short_name(str(item.get('title') or item['id'])))}~{cite_items([item], options.cite)}"


def label_of(kind: str, section: Section) -> str:
    return f"{kind}:{section.path}"
