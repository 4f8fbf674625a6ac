"""One line of an awesome list (or one table row) -> the papers it lists.

A line names one paper per *paper link with its own title*: ``[GPT-3](…), [GPT-4](…)`` is two
entries, ``[Venue'24] [Title](paper) [[Code](code)]`` one.  Links labelled for what they are
(``[[paper]]``, ``[pdf]``, ``[arXiv:2409.02060]``, ``[Code]``) belong to the paper before them,
unless a label repeats for another paper (``Mixtral [[paper]](a) and its follow-up [[paper]](b)``):
then that link is a paper of its own, titled by the text before it.  A paper whose link has no title
of its own is titled by the line's bold text, a quoted title, the text before the link (a citation
``Title. Authors. Venue.`` read apart), or, last, the link itself.  ``[QLoRA](…): Efficient Finetuning
of Quantized LLMs`` is one title.  Markers around a title in text (emoji, ``[Tag]``, ``(@Org)``,
commas) are left out, and a date among them (``[Dec 2023]``) is the paper's.

Table rows read the venue, year, title and authors from their columns, as the header names them
(``Venue``, ``Conference``, ``Year``, ``Date``, ``Title``, ``Authors``, ``Model``…); a column the header
does not name is a venue only when it holds a conference, journal or preprint server of the venue
table, else a venue badge (``img.shields.io/badge/Conference-ICML'23-blue``) is.  A line under the
title in its cell (``<br> A. Author, B. Author``) gives the authors.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from awesome_bib.ids import parse_link
from awesome_bib.ids.arxiv import NEW_ID_SHAPE as ARXIV_NEW_ID_SHAPE
from awesome_bib.ids.doi import DOI_SHAPE
from awesome_bib.ids.target import LinkTarget
from awesome_bib.lists.bylines import (
    Byline,
    compose_tag,
    is_author_list,
    known_venue,
    read_byline,
    read_date,
    read_tag,
    title_and_byline,
)
from awesome_bib.records.model import Entry, Link
from awesome_bib.records.venues import badge_venue, parse_tag

if TYPE_CHECKING:
    from markdown_it.token import Token

# Link labels that name a kind of resource rather than the paper's title.
_GENERIC_LABELS = frozenset(
    """code github gitlab repo repository paper pdf arxiv abs abstract link url project page website
    web homepage site model models huggingface hf hugging-face weights demo slides video talk poster
    blog openreview doi bib bibtex dataset data checkpoint checkpoints colab notebook official docs
    documentation proceedings supplementary supp html
    """.split()
)
# Words that, all together, still only name a resource: "Project Page", "Official Code", "arXiv version".
_GENERIC_WORDS = _GENERIC_LABELS | frozenset(
    """version full text here the this our open access source camera ready preprint published
    extended hugging face pytorch tensorflow jax implementation page pages view read download
    and of link links main conference journal tech technical report
    """.split()
)
_CODE_LABELS = frozenset(
    """code github gitlab repo repository model models huggingface hf weights checkpoint checkpoints
    """.split()
)
_PAPER_LABELS = frozenset(
    """paper pdf arxiv abs abstract openreview doi proceedings html link report
    """.split()
) | {"tech report", "technical report"}
# Link text that is an identifier or an address, not a title: arXiv:2409.02060, 10.1145/…, a URL.
_IDENTIFIER_TEXT = re.compile(
    rf"^(?:(?:arxiv|doi|abs|pdf)\s*:?\s*)?(?:{ARXIV_NEW_ID_SHAPE}(?:v\d+)?|{DOI_SHAPE})$"
    r"|^(?:https?://|www\.)\S+$|^[\w.-]+\.[a-z]{2,}/\S*$",
    re.IGNORECASE,
)
# What may stand before an entry's title on its line besides a venue tag: bullets, numbers, emoji.
_LEAD_JUNK = re.compile(r"^[\s\-*+•·>|:.\d()#]*$")
_LEAD_MARKER = re.compile(r"^[\s\-*+•·>|:#]*(?:\d+[.)]\s+)?")
_CONNECTOR = re.compile(r"^\s*(?:and|or|&|also|see(?:\s+also)?|cf\.?)\b\s*", re.IGNORECASE)
_SEPARATOR = re.compile(r"\s*(?:[,;|\n/&]|\band\b)\s*")
_TAG_AT_END = re.compile(r"\[[^\[\]]+\]\s*$")
_BRACKETED = re.compile(r"\[([^\[\]\x00]+)\]")
_PARENTHESISED = re.compile(r"\(([^()\x00]+)\)")
_OPENING_TAG = re.compile(r"\s*\[([^\[\]]+)\]\s*")
_LINE_OPENING_TAG = re.compile(r"\s*(?:[-*+]\s+|\d+[.)]\s+)?\[([^\[\]]+)\]")
_QUOTED = re.compile(r"[\"“]([^\"“”]{3,})[\"”]")
_HTML_TAG = re.compile(r"<\s*(/?)\s*([A-Za-z][A-Za-z0-9]*)([^>]*)>")
_HREF = re.compile(r"""\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
_SRC = re.compile(r"""\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
_LABEL_WORDS = re.compile(r"[^\W\d_]+|\d+")
_DIGIT = re.compile(r"\d")
_MAX_TAG_LENGTH = 48  # parse_tag reads no longer venue name with its year
_HTTP = re.compile(r"^https?://", re.IGNORECASE)
_LINK_SLOT = "\x00"
_LEAD_BRACKET = re.compile(r"^\[([^\[\]]+)\]\s*(?=\S)")
_TAIL_BRACKET = re.compile(r"\s*(?:\[([^\[\]]+)\]|\(([^()]+)\))\s*$")
_WHOLE_BRACKET = re.compile(r"^\[([^\[\]]*)\]$")
_MARKER_JOINERS = "\u200d\ufe0e\ufe0f\u20e3"  # joiners and variation selectors of emoji
_EDGE_PUNCTUATION = "-–—:|•·,;"
_SUBTITLE_COLON = re.compile(r"^[ \t]?:\s+")
_SUBTITLE_END = re.compile(r"\s[|–—-]\s|\s*\[|\s*\x00|\s*\((?=[^()]*\d{2}[^()]*\))")
_MAX_NAME_WORDS = 3  # "[Short Name](…): Title": the link names a work, not a title
_FUNCTION_WORDS = frozenset(
    "a an and as at by for from in into is of on onto or over the to under via vs with without".split()
)
# Kinds of venue a table cell may name without a header saying it is the venue column: not the
# organisations (Google, Microsoft) that an "Institute" column names.
_ACADEMIC_KINDS = frozenset({"conference", "journal", "workshop", "preprint"})
# Table header words -> what the column holds, in this order of precedence ("Venue/Year" is the venue,
# "Title & Authors" the title with an author line under it).  A "name" column (a model's, a method's)
# names the work when no title column does.
_COLUMN_WORDS = (
    ("venue", frozenset("venue venues conference conf journal publication published publisher proceedings".split())),
    ("year", frozenset("year date time".split())),
    ("title", frozenset("title paper papers".split())),
    ("authors", frozenset("author authors".split())),
    ("code", frozenset("code github repo repository implementation".split())),
    ("name", frozenset("name model models method methods system systems framework work".split())),
)
_NAMING_ROLES = ("", "title", "name")


@dataclass(slots=True)
class Piece:
    """One part of a source line: plain text, bold text, a link, or an image (a badge, alone or linked)."""

    kind: str  # "text" | "strong" | "link" | "image"
    text: str
    href: str = ""
    src: str = ""  # an image's picture


def pieces_by_line(children: Sequence[Token]) -> list[list[Piece]]:
    """Flatten inline tokens into pieces, one list per source line; ``<a href>``, ``<b>``, ``<br>`` count."""
    lines: list[list[Piece]] = [[]]
    link: Piece | None = None
    strong_depth = 0
    for child in children:
        kind, href = child.type, ""
        if kind == "html_inline":
            kind, href = _html_kind(child.content)
        if kind in ("softbreak", "hardbreak"):
            lines.append([])
        elif kind == "link_open":
            link = Piece("link", "", lower_scheme(href or str(child.attrs.get("href", ""))))
        elif kind == "link_close":
            if link is not None:
                link.text = link.text.strip()
                if link.kind == "image" and link.text:  # [<img …> Title](…): an icon before a title
                    link.kind = "link"
                lines[-1].append(link)
            link = None
        elif kind == "image":
            src = href or str(child.attrs.get("src", ""))
            if link is not None:
                link.kind, link.src = "image", src  # a badge: an image inside a link
            else:
                lines[-1].append(Piece("image", child.content, src=src))
        elif kind == "strong_open":
            strong_depth += 1
            if link is None:
                lines[-1].append(Piece("strong", ""))
        elif kind == "strong_close":
            strong_depth = max(strong_depth - 1, 0)
        elif kind == "break":  # <br>: a line break inside a table cell or a paragraph line
            lines[-1].append(Piece("text", "\n"))
        elif kind in ("text", "code_inline"):
            if link is not None:
                link.text += child.content
            elif strong_depth and lines[-1] and lines[-1][-1].kind == "strong":
                lines[-1][-1].text += child.content
            else:
                lines[-1].append(Piece("text", child.content))
    return lines


# The common line, read without markdown-it: plain text and ``[label](http…)`` links, with no
# character that opens other Markdown (emphasis, code, escapes, entities, HTML, images,
# strikethrough) and no ``](`` outside those links.  Markdown-it reads such a line as exactly those
# text and link tokens (see the test comparing the two), at a fraction of the cost.
_PLAIN_TEXT = re.compile(r"[^\\`*_<>&!~\n]*")
_PLAIN_LINK = re.compile(r"\[([^\[\]\\`*_<>&!~\n]+)\]\((https?://[^\s()<>\\&\[\]\"'`]+)\)", re.IGNORECASE)


def plain_pieces(content: str) -> list[Piece] | None:
    """The pieces of a one-line paragraph of plain text and links, or None when it holds anything
    else (then markdown-it reads it).  Only valid for a document without link reference definitions."""
    pieces: list[Piece] = []
    position = 0
    for link in _PLAIN_LINK.finditer(content):
        if not _plain_gap(content, position, link.start()):
            return None
        if link.start() > position:
            pieces.append(Piece("text", content[position:link.start()]))
        pieces.append(Piece("link", link[1].strip(), lower_scheme(link[2])))
        position = link.end()
    if not _plain_gap(content, position, len(content)):
        return None
    if position < len(content):
        pieces.append(Piece("text", content[position:]))
    return pieces


def _plain_gap(content: str, start: int, end: int) -> bool:
    gap = content[start:end]
    return _PLAIN_TEXT.fullmatch(gap) is not None and "](" not in gap


def _html_kind(raw: str) -> tuple[str, str]:
    """What an inline HTML tag does to the line (as a token type), and the href of an ``<a>`` or the
    src of an ``<img>``."""
    tag = _HTML_TAG.match(raw)
    if tag is None:
        return "", ""
    closing, name = tag[1], tag[2].lower()
    if name == "a":
        href = _HREF.search(tag[3])
        if closing or href is None:
            return ("link_close" if closing else ""), ""
        return "link_open", html.unescape(next(group for group in href.groups() if group is not None))
    if name in ("b", "strong"):
        return ("strong_close" if closing else "strong_open"), ""
    if name == "img":
        src = _SRC.search(tag[3])
        return "image", html.unescape(next(group for group in src.groups() if group is not None)) if src else ""
    return ("break" if name == "br" else ""), ""


def lower_scheme(href: str) -> str:
    """``HTTPS://host/...`` -> ``https://host/...``: the scheme's case means nothing."""
    if href.startswith(("https://", "http://")) or not _HTTP.match(href):
        return href
    return href[:href.index(":")].lower() + href[href.index(":"):]


def is_web_link(piece: Piece) -> bool:
    return piece.kind == "link" and piece.href.startswith(("http://", "https://"))


# -- tables -------------------------------------------------------------------------------------------


def column_roles(header: Sequence[str]) -> tuple[str, ...]:
    """What each column of a table holds, from its header cell: venue, year, authors, title, code or ""."""
    roles = []
    for cell in header:
        words = set(re.findall(r"[a-z]+", cell.lower()))
        roles.append(next((role for role, names in _COLUMN_WORDS if words & names), ""))
    return tuple(roles)


@dataclass(frozen=True)
class Row:
    """A table row: its cells' pieces and what the header says each column holds."""

    cells: list[list[Piece]]
    roles: tuple[str, ...] = ()

    def role(self, index: int) -> str:
        return self.roles[index] if index < len(self.roles) else ""

    def text(self, index: int) -> str:
        return " ".join("".join(p.text for p in self.cells[index] if p.kind != "image").split())

    def plain(self, index: int) -> str:
        """The cell's text outside its links."""
        return _plain(self.cells[index])

    def venue_tag(self) -> str | None:
        """The row's venue tag from its venue and year columns, else from cells that can only be a venue,
        else from a badge."""
        venue = next((text for i in range(len(self.cells)) if self.role(i) == "venue"
                      and (text := self.text(i)) and parse_tag(text)), None)
        if venue is None:
            venue = next((text for i in range(len(self.cells)) if not self.role(i)
                          and (text := self.text(i)) and _academic_venue(text)), None)
        if venue is None:
            venue = badge_tag(piece for cell in self.cells for piece in cell)
        dates = [read_date(self.text(i)) for i in range(len(self.cells)) if self.role(i) in ("year", "venue", "")]
        date = next((d for d in dates if d), None)
        if date is None:
            return venue
        return compose_tag(venue, *date)

    def title(self, seed_cell: int) -> str:
        """A title for a paper whose link has none: the title column's text (or its link's, when the
        title links to code), else a name column's, else the row's longest text that is not a venue,
        a date, code or authors."""
        for role in ("title", "name"):
            for i in range(len(self.cells)):
                if self.role(i) == role and (text := _title_text(self.cells[i])):
                    return text
        spare = [text for i in range(len(self.cells)) if self.role(i) in _NAMING_ROLES and i != seed_cell
                 and (text := _title_text(self.cells[i])) and not read_date(text) and not parse_tag(text)
                 and text != "-"]
        return max(spare, key=len) if spare else self.plain(seed_cell)

    def byline(self, seed: Piece) -> Byline:
        """Authors (and a venue) from the authors column, else from a line under the title in the seed's
        cell or the title column (``[Title](…) <br> A. Author, B. Author``)."""
        authors = next((text for i in range(len(self.cells))
                        if self.role(i) == "authors" and is_author_list(text := self.plain(i))), None)
        if authors is not None:
            return Byline(authors)
        cells = [self.cell_of(seed)] + [i for i in range(len(self.cells)) if self.role(i) == "title"]
        for i in dict.fromkeys(cells):
            bylines = [read_byline(_plain(line)) for line in _lines(self.cells[i])[1:]
                       if not any(p.kind == "link" for p in line)]
            if authors := next((byline.authors for byline in bylines if byline.authors), None):
                return Byline(authors, next((byline.venue for byline in bylines if byline.venue), None))
        return Byline()

    def names(self, seed: Piece) -> bool:
        """Whether a paper's link is only the name of the work, its title being in a title column
        (``| [GPTQ](…) | Accurate Post-Training Quantization … |`` under ``Model | Title``)."""
        return self.role(self.cell_of(seed)) == "name" and any(
            self.role(i) == "title" and _title_text(self.cells[i]) for i in range(len(self.cells)))

    def cell_of(self, piece: Piece) -> int:
        return next(i for i, cell in enumerate(self.cells) if any(p is piece for p in cell))

    def can_name_a_paper(self, piece: Piece) -> bool:
        """A link in the venue, year, code or authors column is not a paper of its own."""
        return self.role(self.cell_of(piece)) in _NAMING_ROLES


def _lines(cell: list[Piece]) -> list[list[Piece]]:
    """A cell's lines, as ``<br>`` breaks them."""
    lines: list[list[Piece]] = [[]]
    for piece in cell:
        if piece.kind == "text" and piece.text == "\n":
            lines.append([])
        else:
            lines[-1].append(piece)
    return lines


def _plain(pieces: Sequence[Piece]) -> str:
    return " ".join("".join(p.text for p in pieces if p.kind in ("text", "strong")).split())


def _title_text(cell: list[Piece]) -> str:
    """A cell's title: its first line of text, or of link text that names no resource."""
    for line in _lines(cell):
        text = _plain(line) or " ".join(p.text for p in line if p.kind == "link" and not is_generic(p.text))
        if text.strip():
            return " ".join(text.split())
    return ""


def badge_tag(pieces: Iterable[Piece]) -> str | None:
    """The venue a badge among the pieces shows (``![Publish](…/badge/Conference-ICML'23-blue)``)."""
    return next((tag for p in pieces if p.kind == "image" and p.src and (tag := badge_venue(p.src))), None)


def _academic_venue(text: str) -> bool:
    tag = parse_tag(text)
    return tag is not None and tag.venue is not None and tag.venue.kind in _ACADEMIC_KINDS


# -- papers of a line -----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Paper:
    """One paper of a line while it is read: the link that names it and the links that go with it."""

    seed: int  # index of the naming link in the line's pieces
    target: LinkTarget
    titled: bool
    gap: int = 0  # where the text before the naming link starts: after the last link before it
    links: list[int] = field(default_factory=list)
    labels: set[str] = field(default_factory=set)
    identities: set[str] = field(default_factory=set)

    def take(self, index: int, label: str, target: LinkTarget, generic: bool) -> None:
        self.links.append(index)
        if target.role == "paper" or generic:
            self.identities.add(_identity(target))
        if generic:
            self.labels.add(label)


def _identity(target: LinkTarget) -> str:
    return target.identity or target.url


def _label(text: str) -> str:
    return text.strip(" []()").lower()


def is_generic(text: str) -> bool:
    """Link text that names a kind of resource (``[[Code]]``, ``Project Page``), an identifier or a
    venue (``arXiv:2409.02060``, ``NeurIPS 2022``) rather than a paper's title."""
    label = _label(text)
    if not label or label in _GENERIC_LABELS or _IDENTIFIER_TEXT.match(label):
        return True
    words = _LABEL_WORDS.finditer(label)
    first = next(words, None)
    if first is not None and first[0] in _GENERIC_WORDS and all(w[0] in _GENERIC_WORDS for w in words):
        return True  # ("Project Page"); stops at the first word of a title
    if len(label) > _MAX_TAG_LENGTH or not _DIGIT.search(label):  # too long, or no year: not a venue tag
        return False
    tag = parse_tag(text.strip(" []()"))
    return tag is not None and tag.venue is not None and tag.year is not None


def read_line(line: int, source: str, section: str, pieces: list[Piece], row: Row | None = None) -> list[Entry]:
    """The papers a line lists, in line order; none when its links go only to code or web pages in prose."""
    linked = [(i, p) for i, p in enumerate(pieces) if p.kind == "link" and is_web_link(p)]
    targets = {i: parse_link(p.href.strip()) for i, p in linked}
    papers = _papers(linked, targets, row)
    _find_gaps(pieces, papers)
    entries = []
    for number in range(len(papers)):
        entry = _entry(line, source, section, pieces, targets, papers, number, row)
        if entry is not None:
            entries.append(entry)
    return entries


def _papers(linked: list[tuple[int, Piece]], targets: dict[int, LinkTarget], row: Row | None) -> list[_Paper]:
    """Which links name a paper, and which links go with each (see the module's rules)."""
    papers: list[_Paper] = []
    owner: dict[str, _Paper] = {}  # identity -> the first paper it belongs to (a line may list thousands)
    waiting: list[tuple[int, Piece]] = []  # links before the first paper go with it
    for index, piece in linked:
        target, label = targets[index], _label(piece.text)
        # A paper's link is generic when it has no title of its own; another link when it says "paper".
        generic = is_generic(piece.text) if target.role == "paper" else label in _PAPER_LABELS
        current = papers[-1] if papers else None
        may_name = row is None or row.can_name_a_paper(piece)
        if may_name and target.role == "paper" and not generic:
            current = owner.get(_identity(target))
            if current is None:
                papers.append(current := _Paper(index, target, titled=True))
        elif may_name and (target.role == "paper" or generic) and (
            current is None or (label in current.labels and _identity(target) not in current.identities)
        ):
            papers.append(current := _Paper(index, target, titled=False))
        if current is None:
            waiting.append((index, piece))
        else:
            current.take(index, label, target, generic)
            identity = _identity(target)
            if identity in current.identities and (identity not in owner or owner[identity].seed > current.seed):
                owner[identity] = current
    if not papers:  # no paper link: the first titled web page (a blog post) is the entry
        index = next((i for i, p in linked if targets[i].role == "web" and not is_generic(p.text)), None)
        if index is None:
            return []
        papers.append(_Paper(index, targets[index], titled=True))
    for index, piece in waiting:
        papers[0].take(index, _label(piece.text), targets[index], False)
    papers[0].links.sort()
    return papers


def _entry(line: int, source: str, section: str, pieces: list[Piece], targets: dict[int, LinkTarget],
           papers: list[_Paper], number: int, row: Row | None) -> Entry | None:
    paper = papers[number]
    seed = pieces[paper.seed]
    before, after = _around(pieces, papers, number)
    subtitle, after = _subtitle(seed.text, after) if paper.titled else ("", after)
    tag, rest = _split_tag(before)
    if number:
        rest = _CONNECTOR.sub("", rest)
    trailing = _trailing_tags(after)
    dated = _late_date(trailing)
    own_title = paper.titled and (row is None or not row.names(seed))  # the link's text is the title
    if row is not None:
        title = seed.text if own_title else row.title(row.cell_of(seed))
        byline = row.byline(seed)
        tag, authors, shape = tag or row.venue_tag() or byline.venue, byline.authors, "table"
    elif paper.titled:
        title, authors, shape = seed.text, None, "tagged" if tag else "bullet"
        marked = _without_markers(rest)[0] if rest else rest  # "⭐ [Title](…)", "[ShortName] [Title](…)"
        if marked and not _LEAD_JUNK.match(marked):  # words before the title: authors, or running prose
            authors = read_byline(rest).authors
            if authors is None:
                if paper.target.role != "paper":
                    return None
                shape = "prose"
        byline = _byline_after(after)
        authors, tag = authors or byline.authors, tag or _late_tag(trailing) or byline.venue
    else:
        title, authors, venue, shape = _untitled(pieces, papers, number, rest, after, targets)
        tag = tag or leading_tag(before) or _label_venue(seed.text) or venue
    tag = tag or _late_tag(trailing) or badge_tag(pieces[i] for i in _span(pieces, papers, number))
    if subtitle:
        title = f"{title}: {subtitle}"
    if not own_title:  # a link's own text is the title as written; text around links carries markers
        title, in_title = _without_markers(title)
        dated = dated or in_title
    if dated:  # "Title [Dec 2023]": the list's date for the paper
        tag = compose_tag(tag, *dated)
    return Entry(
        line=line,
        source=source,
        section=section,
        title=_clean_title(title or seed.text or paper.target.url),
        url=paper.target.url,
        target=paper.target,
        venue_tag=tag,
        code=tuple(targets[i].url for i in paper.links if i != paper.seed and (
            targets[i].role in ("code", "model", "dataset") or _label(pieces[i].text) in _CODE_LABELS)),
        tags=tuple(trailing),
        authors_text=authors,
        shape=shape,
        links=tuple(Link(pieces[i].text, targets[i]) for i in paper.links),
    )


def _subtitle(name: str, after: str) -> tuple[str, str]:
    """``[QLoRA](…): Efficient Finetuning of Quantized LLMs | NeurIPS'23``: the link names the work
    and the words after its colon are the rest of the title -> (those words, what follows them).

    Only after a short name, and only words in title case, so that a description
    (``[vLLM](…): a fast serving engine.``) stays out of the title.

    >>> _subtitle("QLoRA", ": Efficient Finetuning of Quantized LLMs | NeurIPS'23")
    ('Efficient Finetuning of Quantized LLMs', " | NeurIPS'23")
    >>> _subtitle("vLLM", ": a fast serving engine.")
    ('', ': a fast serving engine.')
    """
    colon = _SUBTITLE_COLON.match(after)
    if colon is None or ":" in name or len(name.split()) > _MAX_NAME_WORDS:
        return "", after
    end = _SUBTITLE_END.search(after, colon.end())
    stop = end.start() if end else len(after)
    words = after[colon.end():stop].strip()
    if words.endswith(".") or not _in_title_case(words) or read_byline(words).authors:
        return "", after
    return words, after[stop:]


def _in_title_case(text: str) -> bool:
    """Two or more words with letters, every one that is not a short function word capitalised (or a number)."""
    words = [bare for word in text.split() if (bare := word.lstrip("\"'“‘([{")) and bare.lower() not in _FUNCTION_WORDS]
    named = [word for word in words if word[0].isalpha()]  # "Apache 2.0" is a licence, not a title
    return len(named) >= 2 and all(word[0].isupper() or word[0].isdigit() for word in words)


def _byline_after(after: str) -> Byline:
    """What the text after a paper's link says: next to the link, else after its last link
    (``**Title** [[pdf]](…) [[code]](…) ICLR 2022``)."""
    parts = after.split(_LINK_SLOT)
    byline = read_byline(parts[0])
    if byline.authors is None and byline.venue is None and len(parts) > 1:
        byline = read_byline(parts[-1])
    return byline


def _label_venue(label: str) -> str | None:
    """The venue a paper's link is labelled with: ``[[NeurIPS 2023]](…)``."""
    text = label.strip(" []()")
    return text if len(text) <= _MAX_TAG_LENGTH and _DIGIT.search(text) and known_venue(text) else None


def _span(pieces: list[Piece], papers: list[_Paper], number: int) -> range:
    """Where a paper's part of the line lies: from after the previous paper's links to the next's."""
    stop = papers[number + 1].gap if number + 1 < len(papers) else len(pieces)
    return range(papers[number].gap, stop)


def _late_date(trailing: list[str]) -> tuple[int, int | None] | None:
    """A date among the tags after the title (``[Dec 2023]``), taken out of the tags."""
    late = next((tag for tag in trailing if read_date(tag)), None)
    if late is None:
        return None
    trailing.remove(late)
    return read_date(late)


def _late_tag(trailing: list[str]) -> str | None:
    """A known venue among the tags after the title (``(ICLR 2017)``), taken out of the tags."""
    late = next((tag for tag in trailing if known_venue(tag)), None)
    if late is not None:
        trailing.remove(late)
    return late


def _untitled(pieces: list[Piece], papers: list[_Paper], number: int, rest: str, after: str,
              targets: dict[int, LinkTarget]) -> tuple[str, str | None, str | None, str]:
    """Title, authors, venue and shape of a paper whose link is only labelled (``[[paper]]``, ``[pdf]``)."""
    paper = papers[number]
    own = pieces[paper.gap:paper.seed]
    strong = next((i for i, p in enumerate(own) if p.kind == "strong" and p.text.strip()), None)
    if strong is not None and _bracketed(own, strong):  # [**ShortName**] Title [[pdf]](…): a tag, not the title
        strong = None
    if strong is not None:  # **Title**. Authors. Venue. [[paper]](…)
        byline = read_byline(_flat(own[strong + 1:]).split(_LINK_SLOT, 1)[0])
        if byline.authors is None and byline.venue is None:  # **Title** [[paper]](…) Authors. Venue.
            byline = _byline_after(after)
        return own[strong].text.strip(), byline.authors, byline.venue, "bold"
    named = next((pieces[i].text for i in paper.links if targets[i].role == "web" and not is_generic(pieces[i].text)),
                 None)
    if named:  # [Mixtral](https://mistral.ai/news/mixtral) [[paper]](https://arxiv.org/abs/…)
        return named, None, None, "bullet"
    text = rest.split(_LINK_SLOT, 1)[0]
    quoted = _QUOTED.search(text)
    if quoted:  # Authors. "Title" Venue. [[paper]](…)
        return quoted[1], read_byline(text[:quoted.start()]).authors, read_byline(text[quoted.end():]).venue, "prose"
    byline = _byline_after(after)
    head, *under = [line for line in text.split("\n") if line.strip()] or [""]  # Title <br> Venue [[Paper]](…)
    if under:
        below = read_byline("\n".join(under))
        byline = Byline(below.authors or byline.authors, below.venue or byline.venue)
    title, said = title_and_byline(_LEAD_MARKER.sub("", head).lstrip(" \t-–—:|").rstrip(" \t-–—:|[("))
    return title, said.authors or byline.authors, said.venue or byline.venue, "prose"


def _bracketed(pieces: list[Piece], index: int) -> bool:
    """Whether a piece is written in brackets with words after them: ``[**ShortName**] Full Title``."""
    before = pieces[index - 1].text if index and pieces[index - 1].kind == "text" else ""
    after = _flat(pieces[index + 1:])
    return before.rstrip().endswith("[") and after.lstrip().startswith("]") and bool(after.lstrip()[1:].strip())


def _find_gaps(pieces: list[Piece], papers: list[_Paper]) -> None:
    """Set where the text before each paper's link starts: after the last link or image before it
    (0 for the first paper); one pass over the line, however many papers it lists."""
    after_last = 0
    seeds = {paper.seed: paper for paper in papers[1:]}
    for index, piece in enumerate(pieces):
        if index in seeds:
            seeds[index].gap = after_last
        if piece.kind in ("link", "image"):
            after_last = index + 1


def _flat(pieces: Sequence[Piece]) -> str:
    return "".join(_LINK_SLOT if p.kind == "link" else "" if p.kind == "image" else p.text for p in pieces)


def _around(pieces: list[Piece], papers: list[_Paper], number: int) -> tuple[str, str]:
    """The text of a paper's part of the line before and after its naming link, links as slots.

    Text between two papers is cut at its last separator (``,``, ``;``, ``and``, a line break, a
    cell border), or before a ``[Tag]`` that opens the second paper.
    """
    seed = papers[number].seed
    before = _flat(pieces[papers[number].gap:seed])
    if number:
        before = _share(before, papers[number].titled)[1]
    if number + 1 == len(papers):
        return before, _flat(pieces[seed + 1:])
    following = papers[number + 1]
    stop = following.gap
    return before, _flat(pieces[seed + 1:stop]) + _share(_flat(pieces[stop:following.seed]), following.titled)[0]


def _share(gap: str, next_titled: bool) -> tuple[str, str]:
    """Text between two papers -> (what the first says after its links, what the second says before its)."""
    cuts = list(_SEPARATOR.finditer(gap))
    if cuts:
        return gap[:cuts[-1].start()], gap[cuts[-1].end():]
    if tag := _TAG_AT_END.search(gap):
        return gap[:tag.start()], gap[tag.start():]
    return (gap, "") if next_titled else ("", gap)


def _split_tag(before: str) -> tuple[str | None, str]:
    """Take a leading ``[Venue'YY]`` (or ``[2024/01]``, ``[arXiv 2023.05]``) off the text before the title link."""
    match = _OPENING_TAG.match(before)
    if match and (tag := read_tag(match[1])):
        return tag, before[match.end():].strip()
    return None, before.strip()


def leading_tag(text: str) -> str | None:
    """A venue tag that opens a line: ``[ICLR 2017] Title …``, ``- [Arxiv'24] …``."""
    match = _LINE_OPENING_TAG.match(text)
    if match and parse_tag(match[1]):
        return match[1].strip()
    return None


def _trailing_tags(after: str) -> list[str]:
    """Bracketed or parenthesised words after the title that are not links: ``[MoE Module Design]``."""
    if "[" not in after and "(" not in after:
        return []
    found = [m.strip() for m in _BRACKETED.findall(after) if m.strip()]
    found += [m.strip() for m in _PARENTHESISED.findall(after) if known_venue(m)]
    return found


def _clean_title(title: str) -> str:
    return " ".join(title.split()).rstrip(".")


def _without_markers(text: str) -> tuple[str, tuple[int, int | None] | None]:
    """A title without what lists put around it -> (the title, a date among them).

    Emoji and stars (``⭐``, ``🔥``), a leading ``[ShortName]`` tag, a trailing ``(@Org)``, a trailing
    ``[Dec 2023]`` or ``(2023)`` date, trailing ``[Tags]`` and commas; a title in brackets is unwrapped.
    A marker that is all there is stays.

    >>> _without_markers("🔥 [RouteBench] RouteBench: A Benchmark (@Example Labs) [Dec 2023],")
    ('RouteBench: A Benchmark', (2023, 12))
    >>> _without_markers("Mixture of Quantized Experts (MoQE)"), _without_markers("[QuantMix]")
    (('Mixture of Quantized Experts (MoQE)', None), ('QuantMix', None))
    """
    date = None
    while True:
        stripped = _strip_symbols(text)
        if (lead := _LEAD_BRACKET.match(stripped)) and not parse_tag(lead[1]):
            stripped = stripped[lead.end():]
        if (tail := _TAIL_BRACKET.search(stripped)) and tail.start() > 0:
            inside = (tail[1] or tail[2]).strip()
            if date is None and (found := read_date(inside)):
                date, stripped = found, stripped[:tail.start()]
            elif inside.startswith("@") or tail[0].lstrip().startswith("["):
                stripped = stripped[:tail.start()]
        if (whole := _WHOLE_BRACKET.match(stripped)) and whole[1].strip():
            stripped = whole[1]
        stripped = _strip_symbols(stripped)
        if stripped == text or not stripped:
            return text, date
        text = stripped


def _strip_symbols(text: str) -> str:
    """Emoji, stars and separators at either end of a title."""
    start, end = 0, len(text)
    while start < end and _is_marker_character(text[start]):
        start += 1
    while end > start and _is_marker_character(text[end - 1]):
        end -= 1
    return text[start:end]


def _is_marker_character(character: str) -> bool:
    return (character.isspace() or character in _MARKER_JOINERS or character in _EDGE_PUNCTUATION
            or unicodedata.category(character) in ("So", "Sk", "Cs", "Co"))
