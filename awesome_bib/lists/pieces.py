"""The pieces of a list line: markdown-it's inline tokens (or a plain line read directly) -> text, bold
text, links and images, one list per source line.

Later readers see a paper's part of a line as text with each link a :data:`LINK_SLOT`
(:func:`flat_text`), so that words on either side of a link are never read as one.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it.token import Token

_HTML_TAG = re.compile(r"<\s*(/?)\s*([A-Za-z][A-Za-z0-9]*)([^>]*)>")
_HREF = re.compile(r"""\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
_SRC = re.compile(r"""\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
_HTTP = re.compile(r"^https?://", re.IGNORECASE)
# What a link stands as in a line's flat text, so that patterns over the text can stop at links.
LINK_SLOT = "\x00"


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


def flat_text(pieces: Sequence[Piece]) -> str:
    """The pieces' text, each link as a :data:`LINK_SLOT` and images left out."""
    return "".join(LINK_SLOT if p.kind == "link" else "" if p.kind == "image" else p.text for p in pieces)
