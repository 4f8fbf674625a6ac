"""Reading an awesome list: Markdown -> a section tree and the paper lines under it.

The list is read with markdown-it-py tokens, one source line at a time, so each entry keeps its line
number; what one line or table row lists is :mod:`awesome_bib.lists.line`'s job.  Shapes understood
(all seen in real lists):

* ``[Venue'YY] [Title](paper-url) [[Code](code-url)] [extra tag]`` (the seed's shape)
* ``- [Title](url) ...`` bullets and numbered items, ``* **Title**. Authors. Venue. [[paper]](url) [[code]](url)``
* Markdown table rows that link a paper, their venue and year columns named by the header
* ``<a href="url">Title</a>`` HTML links; several papers on one line
* ``**Title** [[pdf]](url) ICLR 2022`` with ``*A. Author, B. Author*`` on the next line, or in the
  list item's next paragraph: the authors of the entry above

HTML comments are blanked out first (GitHub shows nothing of them); line numbers stay.  The title is
the one ``#`` heading that opens the document; papers before the first section heading belong to a
section named after it (see :meth:`_Reader._place`).

A line with a paper link is never dropped: an unknown shape becomes an entry titled by its link text.
Lines without a link (prose, TODO items, badges, tables of contents) are not entries; lines whose only
links are to code or web pages in running prose are kept aside as :attr:`AwesomeList.stray_links`.
"""

from __future__ import annotations

import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from awesome_bib.errors import AwesomeBibError
from awesome_bib.ids import parse_link
from awesome_bib.lists.bylines import read_byline
from awesome_bib.lists.labels import is_generic, leading_tag
from awesome_bib.lists.line import read_line
from awesome_bib.lists.pieces import Piece, is_web_link, lower_scheme, pieces_by_line, plain_pieces
from awesome_bib.lists.tables import Row, column_roles
from awesome_bib.records.model import Entry, Section

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

# A link as written, for lines Markdown did not read: [title] (url) with what lies between.
RAW_LINK = re.compile(r"\[(?P<title>[^\[\]]+)\](?P<gap>\s*)\(\s*(?P<url>https?://[^)]*?)\s*\)", re.IGNORECASE)
_BARE_URL = re.compile(r"https?://[^\s<>()\[\]\"']+", re.IGNORECASE)
_LIST_MARKER = re.compile(r"^\s*(?:[-*+>]\s*|\d+[.)]\s*)*")
# HTML comments (GitHub shows nothing of them), and the fenced code blocks where "<!--" is only text.
_COMMENT_OR_FENCE = re.compile(
    r"^ {0,3}(?P<fence>`{3,}|~{3,}).*?(?:^ {0,3}(?P=fence)[`~]*[ \t]*$|\Z)|(?P<comment><!--.*?(?:-->|\Z))",
    re.DOTALL | re.MULTILINE,
)
# Larger than any real list (the largest awesome lists are a few MB): a guard against reading a
# device or a wrong file into memory.
MAX_LIST_BYTES = 64 * 2**20
# The section of papers listed outside every heading, when the list has no title to name it after.
UNTITLED_SECTION = "Papers"


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
        return next(section for section in self.sections if section.path == path)

    def subtree(self, section_path: str) -> list[Section]:
        """The section and every section below it, in document order."""
        prefix = section_path + "/"
        return [s for s in self.sections if s.path == section_path or s.path.startswith(prefix)]


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

    # Inline HTML is read (``<a href>``, ``<br>`` in table cells); HTML blocks are not, so a line
    # such as ``<li><a href="…">Title</a></li>`` is a paragraph whose links count.
    markdown = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"]).disable("html_block")
    # Keep hrefs as the list wrote them: identifiers are read from the raw URL, and percent-encoding
    # every link would cost a third of the parse.
    markdown.normalizeLink = str  # type: ignore[method-assign]
    # Inline content is read block by block as the reader gets to it (see _inline_children), so the
    # inline tokens of a whole large list never exist at once.
    markdown.disable("inline")
    return markdown


def _inline_children(token: Token, env: dict[str, object]) -> list[Token]:
    """The inline tokens of one ``inline`` token, as markdown-it's core inline and text-join rules
    would have made them (``env`` holds the document's link references)."""
    from markdown_it.rules_core.state_core import StateCore
    from markdown_it.rules_core.text_join import text_join

    markdown = _markdown()
    children: list[Token] = []
    markdown.inline.parse(token.content, markdown, env, children)
    state = StateCore(token.content, markdown, env)
    token.children = children
    state.tokens = [token]
    text_join(state)
    children, token.children = token.children, None
    return children


def read_list(path: Path) -> AwesomeList:
    """Read an awesome list file; errors name the file and say what to do."""
    try:
        raw = _read_bounded(path)
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


def _read_bounded(path: Path) -> bytes:
    """The file's bytes; a device (``/dev/zero``) or a file too large to be a list is refused before
    it fills the memory.  Pipes are read (``--list <(…)``)."""
    with path.open("rb") as handle:
        mode = os.fstat(handle.fileno()).st_mode
        if not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode)):
            raise AwesomeBibError(f"{path}: not a regular file; pass --list with a Markdown file")
        raw = handle.read(MAX_LIST_BYTES + 1)
    if len(raw) > MAX_LIST_BYTES:
        raise AwesomeBibError(
            f"{path}: larger than {MAX_LIST_BYTES // 2**20} MB, too large for a Markdown list; "
            "pass --list with the list's README"
        )
    return raw

# Tokens read but held (a table row looks one back) are let go this many at a time.
_RELEASE_EVERY = 4096


def parse_list(text: str, path: Path = Path("<list>")) -> AwesomeList:
    """Parse Markdown text into sections and entries (no error when there are none)."""
    text = blank_comments(text)
    lines = text.splitlines()
    env: dict[str, object] = {}
    tokens = _with_unread_lines(_markdown().parse(text, env), lines)
    reader = _Reader(path, lines, tokens, env)
    index = released = 0
    while index < len(tokens):
        if index - released > _RELEASE_EVERY:  # tokens read are let go, so the entries take their room
            tokens[released:index - 1] = [None] * (index - 1 - released)  # type: ignore[list-item]
            released = index - 1
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
        elif token.type != "paragraph_close" and (token.type != "paragraph_open" or token.level == 0):
            reader.above = []  # only a list item's next paragraph continues its last line
        index += 1
    return reader.result()


# Tokens whose map covers the source lines markdown-it read as text, code or headings.
_READ_TOKENS = frozenset({"inline", "fence", "code_block", "html_block", "heading_open", "tr_open", "hr"})
# What markdown-it reads past its nesting limit only as far as the limit: links and ATX headings.
_MAYBE_CONTENT = re.compile(r"\]\s*\(|<a\s|https?://|^[\s>*+\-\d.)]*#{1,6}(?:\s|$)", re.IGNORECASE)
# Container markers that open a line: block quotes, bullets, numbered items.
_CONTAINERS = re.compile(r"^(?:[ \t]*(?:>|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t])))+[ \t]*")


def _with_unread_lines(tokens: list[Token], lines: list[str]) -> list[Token]:
    """The tokens, with the lines markdown-it did not read put back in their place.

    Past its nesting limit (20 levels of block quotes and lists, about 9 of nested lists)
    markdown-it stops reading the rest of the container, to the end of the file for a list: every
    line below it would be lost.  Each such line that links somewhere or is a heading is read again
    alone, out of its containers, and its tokens go where the line stands."""
    covered = bytearray(len(lines) + 1)
    for token in tokens:
        if token.map and token.type in _READ_TOKENS:
            covered[token.map[0]:token.map[1]] = b"\x01" * (token.map[1] - token.map[0])
    unread = [number for number, line in enumerate(lines)
              if not covered[number] and _MAYBE_CONTENT.search(line)]
    if not unread:
        return tokens
    merged: list[Token] = []
    pending = iter(unread)
    waiting = next(pending, None)
    for token in tokens:
        while waiting is not None and token.map and token.map[0] >= waiting:
            merged.extend(_read_alone(lines[waiting], waiting))
            waiting = next(pending, None)
        merged.append(token)
    while waiting is not None:
        merged.extend(_read_alone(lines[waiting], waiting))
        waiting = next(pending, None)
    return merged


def _read_alone(line: str, number: int) -> list[Token]:
    """A line's heading or paragraph tokens, read out of its containers, mapped to its line."""
    tokens = [token for token in _markdown().parse(_CONTAINERS.sub("", line))
              if token.type in ("heading_open", "heading_close", "inline")]
    for token in tokens:
        token.map = [number, number + 1]
    return tokens


def blank_comments(text: str) -> str:
    """HTML comments -> spaces, line breaks kept (so line numbers stay); ``<!--`` in a code fence stays.

    An unclosed comment runs to the end, as GitHub shows it.

    >>> blank_comments("a <!-- b\\nc --> d")
    'a       \\n      d'
    """
    if "<!--" not in text:
        return text

    def blank(match: re.Match[str]) -> str:
        return re.sub(r"[^\n]", " ", match[0]) if match["comment"] else match[0]

    return _COMMENT_OR_FENCE.sub(blank, text)


class _Reader:
    def __init__(self, path: Path, lines: list[str], tokens: list[Token], env: dict[str, object]) -> None:
        self.path = path
        self.lines = lines
        self.env = env
        self.title: str | None = None
        self.sections: list[Section] = []
        self.entries: list[Entry] = []
        self.malformed: list[Entry] = []
        self.stray: list[StrayLink] = []
        self._stack: list[Section] = []
        headings = [token for token in tokens if token.type == "heading_open"]
        self._title_token = _title_heading(headings)
        self._has_sections = any(token is not self._title_token for token in headings)
        self._top: Section | None = None
        self._roles: tuple[str, ...] = ()
        self.above: list[Entry] = []  # the entries of the line just read, which the next line may go on

    # -- headings -------------------------------------------------------------------------------
    def heading(self, open_token: Token, inline: Token) -> None:
        level = int(open_token.tag[1])
        title = _plain_text(_inline_children(inline, self.env)).strip() or inline.content.strip()
        line = (open_token.map or [0])[0] + 1
        if open_token is self._title_token:
            self.title = title
            return
        while self._stack and self._stack[-1].level >= level:
            self._stack.pop()
        parent = self._stack[-1] if self._stack else None
        section = self._new_section(title, level, line, parent)
        self._stack.append(section)

    def _new_section(self, title: str, level: int, line: int, parent: Section | None) -> Section:
        slug = slugify(title)
        path = f"{parent.path}/{slug}" if parent else slug
        taken = {s.path for s in self.sections}
        unique, n = path, 2
        while unique in taken:  # the same heading twice at one level: keep both, distinctly
            unique, n = f"{path}-{n}", n + 1
        section = Section(title, level, unique.rsplit("/", 1)[-1], unique, line, parent.path if parent else None)
        self.sections.append(section)
        return section

    def _place(self, entries: list[Entry]) -> list[Entry]:
        """Entries under a heading belong to it.  Outside every heading, they belong to a section named
        after the list (``Papers`` without a title), except links in running prose of a list that has
        sections (an introduction citing a survey): those belong to no section."""
        if self._stack:
            return entries
        placed = []
        for entry in entries:
            if entry.shape != "prose" or not self._has_sections:
                if self._top is None:
                    line = (self._title_token.map or [0])[0] + 1 if self.title and self._title_token else entry.line
                    self._top = self._new_section(self.title or UNTITLED_SECTION, 1, line, None)
                entry = replace(entry, section=self._top.path)
            placed.append(entry)
        return placed

    @property
    def _section(self) -> str:
        return self._stack[-1].path if self._stack else ""

    # -- paragraphs, list items and table rows --------------------------------------------------
    def inline(self, token: Token) -> None:
        first_line = (token.map or [0])[0] + 1
        lines = None
        if "\n" not in token.content and not self.env.get("references"):
            plain = plain_pieces(token.content)
            lines = [plain] if plain is not None else None
        for offset, pieces in enumerate(lines or pieces_by_line(_inline_children(token, self.env))):
            added = self._line(first_line + offset, pieces)
            if not added and len(self.above) == 1 and not any(is_web_link(p) for p in pieces):
                added = self._byline_under(self.above[0], pieces)
            self.above = added

    def table_row(self, tokens: list[Token], index: int) -> int:
        line = (tokens[index].map or [0])[0] + 1
        in_head = index > 0 and tokens[index - 1].type == "thead_open"
        cells: list[list[Piece]] = []
        index += 1
        while tokens[index].type != "tr_close":
            token = tokens[index]
            if token.type == "inline":
                cells.append([piece for row in pieces_by_line(_inline_children(token, self.env))
                              for piece in row])
            index += 1
        if in_head:
            self._roles = column_roles(["".join(p.text for p in cell) for cell in cells])
        row = Row(cells, () if in_head else self._roles)
        pieces: list[Piece] = []
        for cell in cells:
            if pieces:
                pieces.append(Piece("text", " | "))
            pieces.extend(cell)
        self._line(line, pieces, row)
        return index + 1

    def _line(self, line: int, pieces: list[Piece], row: Row | None = None) -> list[Entry]:
        """Read one line or row; the entries it added."""
        source = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        links = [p for p in pieces if is_web_link(p)]
        if not links:
            return self._unparsed_links(line, source)
        entries = self._place(read_line(line, source, self._section, pieces, row))
        if entries:
            self.entries.extend(entries)
        else:
            self.stray.append(StrayLink(line, source, self._section, links[0].href.strip()))
        return entries

    def _byline_under(self, entry: Entry, pieces: list[Piece]) -> list[Entry]:
        """``**Title** [[pdf]](…) ICLR 2022`` then ``*A. Author, B. Author*`` on the next line (or the
        list item's next paragraph), perhaps a venue on the line after: the authors and venue of the
        entry above, where its own line names none.  The entry as it is now, when the line said something."""
        if entry.shape == "malformed":
            return []
        byline = read_byline("".join(p.text for p in pieces if p.kind in ("text", "strong")))
        said = replace(entry, authors_text=entry.authors_text or byline.authors,
                       venue_tag=entry.venue_tag or byline.venue)
        if said == entry:
            return []
        self.entries[len(self.entries) - 1 - self.entries[::-1].index(entry)] = said
        return [said]

    def _unparsed_links(self, line: int, source: str) -> list[Entry]:
        """Paper links Markdown did not read (a space in the URL, a space before ``(``) or bare URLs.

        Each is an entry titled by its bracketed text, else by the text before it, else by the URL.
        """
        found: list[tuple[str, str]] = []
        for raw in RAW_LINK.finditer(source):
            found.append((raw["title"].strip(), lower_scheme(re.sub(r"\s+", "", raw["url"]))))
        if not found:
            start = 0
            for bare in _BARE_URL.finditer(source):
                text = _LIST_MARKER.sub("", source[start:bare.start()]).strip(" -–—:|[]()")
                found.append(("" if is_generic(text) else text, lower_scheme(bare[0].rstrip(".,;:"))))
                start = bare.end()
        entries: list[Entry] = []
        for title, url in found:
            target = parse_link(url)
            if target.role != "paper" or any(e.identity == (target.identity or f"url:{target.url}") for e in entries):
                continue
            entries.append(Entry(line=line, source=source, section=self._section, title=title or url, url=url,
                                 target=target, venue_tag=None if entries else leading_tag(source),
                                 shape="malformed"))
        placed = self._place(entries)
        self.entries.extend(placed)
        self.malformed.extend(placed)
        return placed

    def result(self) -> AwesomeList:
        return AwesomeList(self.path, self.title, self.sections, self.entries, self.stray, self.malformed)


def _title_heading(headings: list[Token]) -> Token | None:
    """One ``#`` heading (ATX or setext) that opens the document is the list's title, not a section."""
    if headings and headings[0].tag == "h1" and sum(token.tag == "h1" for token in headings) == 1:
        return headings[0]
    return None


def _plain_text(children: list[Token]) -> str:
    return "".join(child.content for child in children if child.type in ("text", "code_inline"))
