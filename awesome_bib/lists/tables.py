"""Table rows of an awesome list: what each column holds, and a row's venue, title and authors.

Table rows read the venue, year, title and authors from their columns, as the header names them
(``Venue``, ``Conference``, ``Year``, ``Date``, ``Title``, ``Authors``, ``Model``…); a column the header
does not name is a venue only when it holds a conference, journal or preprint server of the venue
table, else a venue badge (``img.shields.io/badge/Conference-ICML'23-blue``) is.  A line under the
title in its cell (``<br> A. Author, B. Author``) gives the authors.  Which links of a row are its
papers is :func:`awesome_bib.lists.line.read_line`'s to say.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from awesome_bib.lists.bylines import Byline, compose_tag, is_author_list, read_byline, read_date
from awesome_bib.lists.labels import badge_tag, is_generic
from awesome_bib.lists.pieces import Piece
from awesome_bib.records.venues import parse_tag

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


def _academic_venue(text: str) -> bool:
    tag = parse_tag(text)
    return tag is not None and tag.venue is not None and tag.venue.kind in _ACADEMIC_KINDS
