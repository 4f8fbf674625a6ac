"""Reading an awesome list: Markdown -> a section tree and the paper lines under it.

The list is read with markdown-it-py tokens, one source line at a time, so each entry keeps its line
number.  Shapes understood (all seen in real lists):

* ``[Venue'YY] [Title](paper-url) [[Code](code-url)] [extra tag]`` (the seed's shape)
* ``- [Title](url) ...`` bullets and numbered items, ``* **Title**. Authors. Venue. [[paper]](url) [[code]](url)``
* Markdown table rows that link a paper

A line with a paper link is never dropped: an unknown shape becomes an entry titled by its link text.
Lines without a link (prose, TODO items, badges, tables of contents) are not entries; lines whose only
links are to code or web pages in running prose are kept aside as :attr:`AwesomeList.stray_links`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import AwesomeBibError
from .identifiers import parse_link
from .model import Entry, Link, Section
from .venues import parse_tag

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

# Link labels that name a kind of resource rather than the paper's title.
_GENERIC_LABELS = frozenset(
    """code github gitlab repo repository paper pdf arxiv abs abstract link url project page website
    web homepage site model models huggingface hf hugging-face weights demo slides video talk poster
    blog openreview doi bib bibtex dataset data checkpoint checkpoints colab notebook official docs
    documentation proceedings supplementary supp html
    """.split()
)
_CODE_LABELS = frozenset(
    """code github gitlab repo repository model models huggingface hf weights checkpoint checkpoints
    """.split()
)
_PAPER_LABELS = frozenset(
    """paper pdf arxiv abs abstract openreview doi proceedings html link
    """.split()
)

# What may stand before an entry's title on its line besides a venue tag: bullets, numbers, emoji.
_LEAD_JUNK = re.compile(r"^[\s\-*+•·>|:.\d()#]*$")
_BRACKETED = re.compile(r"\[([^\[\]\x00]+)\]")
_RAW_LINK = re.compile(r"\[([^\[\]]+)\]\s*\(\s*(https?://[^)]*?)\s*\)")
_BARE_URL = re.compile(r"https?://[^\s<>()\[\]]+")
_LINK_SLOT = "\x00"


@dataclass(frozen=True)
class StrayLink:
    """A line that links somewhere but is not a paper entry (prose, a code-only line)."""

    line: int
    source: str
    section: str
    url: str


@dataclass
class AwesomeList:
    """A parsed awesome list: its title, its sections in document order and its paper lines."""

    path: Path
    title: str | None
    sections: list[Section]
    entries: list[Entry]
    stray_links: list[StrayLink] = field(default_factory=list)
    malformed: list[Entry] = field(default_factory=list)

    def section(self, path: str) -> Section:
        return self._by_path[path]

    @property
    def _by_path(self) -> dict[str, Section]:
        return {section.path: section for section in self.sections}

    def subtree(self, section_path: str) -> list[Section]:
        """The section and every section below it, in document order."""
        prefix = section_path + "/"
        return [s for s in self.sections if s.path == section_path or s.path.startswith(prefix)]

    def entries_under(self, section_paths: set[str]) -> list[Entry]:
        return [entry for entry in self.entries if entry.section in section_paths]


def slugify(title: str) -> str:
    """Lowercase, non-alphanumerics -> ``-``; accents folded to ASCII.

    >>> slugify("Expert Skip/Adaptive Gating")
    'expert-skip-adaptive-gating'
    """
    folded = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-") or "section"


@cache
def _markdown() -> MarkdownIt:
    from markdown_it import MarkdownIt

    markdown = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
    # Keep hrefs as the list wrote them: identifiers are read from the raw URL, and percent-encoding
    # every link would cost a third of the parse.
    markdown.normalizeLink = str  # type: ignore[method-assign]
    return markdown


def read_list(path: Path) -> AwesomeList:
    """Read an awesome list file; errors name the file and say what to do."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise AwesomeBibError(f"{path}: no such file; pass --list with the path of a Markdown list") from None
    except IsADirectoryError:
        raise AwesomeBibError(f"{path}: is a directory; pass --list with a Markdown file") from None
    except OSError as error:
        raise AwesomeBibError(f"{path}: cannot read: {error.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise AwesomeBibError(
            f"{path}:{line}: not UTF-8 (byte 0x{raw[error.start]:02x}); save the list as UTF-8"
        ) from None
    parsed = parse_list(text, path)
    if not parsed.entries:
        raise AwesomeBibError(
            f"{path}: no paper entries found; an entry is a line linking a paper, "
            "e.g. [Venue'24] [Title](https://arxiv.org/abs/2401.04088)"
        )
    return parsed


def parse_list(text: str, path: Path = Path("<list>")) -> AwesomeList:
    """Parse Markdown text into sections and entries (no error when there are none)."""
    tokens = _markdown().parse(text)
    lines = text.splitlines()
    reader = _Reader(path, lines)
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type == "heading_open":
            reader.heading(token, tokens[index + 1])
            index += 3
            continue
        if token.type == "tr_open":
            index = reader.table_row(tokens, index)
            continue
        if token.type == "inline" and token.map:
            reader.inline(token)
        index += 1
    return reader.result()


@dataclass
class _Piece:
    """One part of a source line: plain text, bold text, or a link."""

    kind: str  # "text" | "strong" | "link"
    text: str
    href: str = ""


class _Reader:
    def __init__(self, path: Path, lines: list[str]) -> None:
        self.path = path
        self.lines = lines
        self.title: str | None = None
        self.sections: list[Section] = []
        self.entries: list[Entry] = []
        self.malformed: list[Entry] = []
        self.stray: list[StrayLink] = []
        self._stack: list[Section] = []
        self._first_heading_is_title = _single_leading_h1(lines)

    # -- headings -------------------------------------------------------------------------------
    def heading(self, open_token: Token, inline: Token) -> None:
        level = int(open_token.tag[1])
        title = _plain_text(inline.children or []).strip() or inline.content.strip()
        line = (open_token.map or [0])[0] + 1
        if level == 1 and self._first_heading_is_title and self.title is None:
            self.title = title
            return
        while self._stack and self._stack[-1].level >= level:
            self._stack.pop()
        parent = self._stack[-1] if self._stack else None
        slug = slugify(title)
        path = f"{parent.path}/{slug}" if parent else slug
        taken = {s.path for s in self.sections}
        unique, n = path, 2
        while unique in taken:  # the same heading twice at one level: keep both, distinctly
            unique, n = f"{path}-{n}", n + 1
        section = Section(title, level, unique.rsplit("/", 1)[-1], unique, line, parent.path if parent else None)
        self.sections.append(section)
        self._stack.append(section)

    @property
    def _section(self) -> str:
        return self._stack[-1].path if self._stack else ""

    # -- paragraphs and list items --------------------------------------------------------------
    def inline(self, token: Token) -> None:
        first_line = (token.map or [0])[0] + 1
        for offset, pieces in enumerate(_split_lines(token.children or [])):
            self._line(first_line + offset, pieces, in_table=False)

    def table_row(self, tokens: list[Token], index: int) -> int:
        line = (tokens[index].map or [0])[0] + 1
        pieces: list[_Piece] = []
        index += 1
        while tokens[index].type != "tr_close":
            token = tokens[index]
            if token.type == "inline":
                if pieces:
                    pieces.append(_Piece("text", " | "))
                for row in _split_lines(token.children or []):
                    pieces.extend(row)
            index += 1
        self._line(line, pieces, in_table=True)
        return index + 1

    def _line(self, line: int, pieces: list[_Piece], in_table: bool) -> None:
        source = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        links = [p for p in pieces if p.kind == "link" and p.href.startswith(("http://", "https://"))]
        if not links:
            self._unparsed_link(line, source)
            return
        entry = _entry_from(line, source, self._section, pieces, links, in_table)
        if entry is not None:
            self.entries.append(entry)
        else:
            self.stray.append(StrayLink(line, source, self._section, links[0].href.strip()))

    def _unparsed_link(self, line: int, source: str) -> None:
        """A line whose link Markdown did not read (a space in the URL, a space before ``(``)."""
        raw = _RAW_LINK.search(source)
        if raw:
            url = re.sub(r"\s+", "", raw[2])
            title = raw[1].strip()
        else:
            bare = _BARE_URL.search(source)
            if not bare:
                return
            url = bare[0].rstrip(".,;:")
            title = source[: bare.start()].strip(" -*:|[]()")
        target = parse_link(url)
        if target.role != "paper":
            return
        tag = _leading_tag(source)
        entry = Entry(
            line=line,
            source=source,
            section=self._section,
            title=title or url,
            url=url,
            target=target,
            venue_tag=tag,
            shape="malformed",
        )
        self.entries.append(entry)
        self.malformed.append(entry)

    def result(self) -> AwesomeList:
        return AwesomeList(self.path, self.title, self.sections, self.entries, self.stray, self.malformed)


def _single_leading_h1(lines: list[str]) -> bool:
    """One ``#`` heading that opens the document is the list's title, not a section."""
    h1 = [i for i, line in enumerate(lines) if re.match(r"#\s", line)]
    if len(h1) != 1:
        return False
    return not any(re.match(r"#{2,6}\s", line) for line in lines[: h1[0]])


def _plain_text(children: list[Token]) -> str:
    return "".join(child.content for child in children if child.type in ("text", "code_inline"))


def _split_lines(children: list[Token]) -> list[list[_Piece]]:
    """Flatten inline tokens into pieces, one list per source line."""
    lines: list[list[_Piece]] = [[]]
    link: _Piece | None = None
    strong_depth = 0
    for child in children:
        kind = child.type
        if kind in ("softbreak", "hardbreak"):
            lines.append([])
        elif kind == "link_open":
            link = _Piece("link", "", str(child.attrs.get("href", "")))
        elif kind == "link_close":
            if link is not None:
                link.text = link.text.strip()
                lines[-1].append(link)
            link = None
        elif kind == "image":
            if link is not None:
                link.kind = "image"  # a badge: an image inside a link
        elif kind == "strong_open":
            strong_depth += 1
            if link is None:
                lines[-1].append(_Piece("strong", ""))
        elif kind == "strong_close":
            strong_depth -= 1
        elif kind in ("text", "code_inline"):
            if link is not None:
                link.text += child.content
            elif strong_depth and lines[-1] and lines[-1][-1].kind == "strong":
                lines[-1][-1].text += child.content
            else:
                lines[-1].append(_Piece("text", child.content))
    return lines


def _label(text: str) -> str:
    return text.strip(" []()").lower()


def _is_generic(text: str) -> bool:
    return _label(text) in _GENERIC_LABELS or not text.strip()


def _leading_tag(text: str) -> str | None:
    match = re.match(r"\s*(?:[-*+]\s+|\d+[.)]\s+)?\[([^\[\]]+)\]", text)
    if match and parse_tag(match[1]):
        return match[1].strip()
    return None


def _entry_from(
    line: int, source: str, section: str, pieces: list[_Piece], links: list[_Piece], in_table: bool
) -> Entry | None:
    targets = {id(link): parse_link(link.href.strip()) for link in links}
    title_link = next(
        (link for link in links if not _is_generic(link.text) and targets[id(link)].role in ("paper", "web")),
        None,
    )
    code = tuple(
        targets[id(link)].url
        for link in links
        if link is not title_link
        and (targets[id(link)].role in ("code", "model", "dataset") or _label(link.text) in _CODE_LABELS)
    )
    flat = "".join(_LINK_SLOT if p.kind in ("link", "image") else p.text for p in pieces)
    if title_link is not None:
        position = pieces.index(title_link)
        before = "".join(p.text for p in pieces[:position] if p.kind != "image")
        after = "".join(_LINK_SLOT if p.kind == "link" else p.text for p in pieces[position + 1 :])
        tag, rest = _split_tag(before)
        target = targets[id(title_link)]
        trailing = _trailing_tags(after)
        if in_table:
            shape = "table"
            tag = tag or next((cell.strip() for cell in before.split("|") if _known_tag(cell)), None)
        else:
            shape = "tagged" if tag else "bullet"
            if rest and not _LEAD_JUNK.match(rest):
                if target.role != "paper":
                    return None
                shape = "prose"
        if tag is None and (late := next((t for t in trailing if _known_tag(t)), None)):
            tag = late
            trailing.remove(late)
        return Entry(
            line=line,
            source=source,
            section=section,
            title=_clean_title(title_link.text),
            url=target.url,
            target=target,
            venue_tag=tag,
            code=code,
            tags=tuple(trailing),
            shape=shape,
            links=tuple(Link(link.text, targets[id(link)]) for link in links),
        )
    paper_link = next(
        (link for link in links if targets[id(link)].role == "paper" or _label(link.text) in _PAPER_LABELS),
        None,
    )
    if paper_link is None:
        return None
    target = targets[id(paper_link)]
    strong = next((p.text.strip() for p in pieces if p.kind == "strong" and p.text.strip()), "")
    title, authors, venue = _bold_title_and_authors(flat, strong)
    return Entry(
        line=line,
        source=source,
        section=section,
        title=_clean_title(title or paper_link.text),
        url=target.url,
        target=target,
        venue_tag=_leading_tag(flat) or venue,
        code=code,
        authors_text=authors,
        shape="bold" if strong else "prose",
        links=tuple(Link(link.text, targets[id(link)]) for link in links),
    )


def _split_tag(before: str) -> tuple[str | None, str]:
    """Take a leading ``[Venue'YY]`` off the text before the title link."""
    match = re.match(r"\s*\[([^\[\]]+)\]\s*", before)
    if match and parse_tag(match[1]):
        return match[1].strip(), before[match.end() :].strip()
    return None, before.strip()


def _known_tag(text: str) -> bool:
    """Text that names a venue of the table, with or without a year (``ICLR 2017``, ``NeurIPS'22``)."""
    tag = parse_tag(text.strip())
    return tag is not None and tag.venue is not None


def _trailing_tags(after: str) -> list[str]:
    """Bracketed or parenthesised words after the title that are not links: ``[MoE Module Design]``."""
    found = [m.strip() for m in _BRACKETED.findall(after) if m.strip()]
    found += [m.strip() for m in re.findall(r"\(([^()\x00]+)\)", after) if _known_tag(m)]
    return found


def _bold_title_and_authors(flat: str, strong: str) -> tuple[str, str | None, str | None]:
    """``**Title**. Authors. Venue.``: the bold text is the title, then authors, then the venue."""
    if not strong:
        head = flat.split(_LINK_SLOT, 1)[0]
        return head.strip(" -*:|[]"), None, None
    after = flat.split(strong, 1)[-1].split(_LINK_SLOT, 1)[0]
    sentences = [s.strip() for s in re.split(r"\.\s+", after.strip(" .")) if s.strip()]
    authors = sentences[0] if sentences and ("," in sentences[0] or " and " in sentences[0]) else None
    venue = next((s for s in sentences[1 if authors else 0 :] if _known_tag(s)), None)
    return strong, authors, venue


def _clean_title(title: str) -> str:
    return re.sub(r"\s+", " ", title).strip().rstrip(".")
