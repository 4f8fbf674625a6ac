"""Writing a paper's line the way a list already writes its papers: the list's style (entry shape,
tag form, venue spellings, code label), the line itself, and where in a section it goes.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from awesome_bib.lists.document import AwesomeList
from awesome_bib.records.csl import issued_year
from awesome_bib.records.model import Entry, Record, Section
from awesome_bib.records.venues import lookup, parse_tag, venue_of

SHAPES = ("tagged", "bullet", "bold", "table")
_MARKER = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_TAG_FORM = re.compile(r"^(?P<name>.*?[^\s'’`])(?P<sep>\s*['’`]\s*|\s+)(?P<year>\d{4}|\d{2})(?:[.\-/]\d{1,2})?$")
_HEADING = re.compile(r"^ {0,3}#{1,6}(?:\s|$)")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}")
# Table header words -> what the column holds.
_COLUMNS = {"title": "title", "paper": "title", "name": "title", "venue": "tag", "conference": "tag",
            "conf": "tag", "journal": "tag", "publication": "tag", "published": "tag", "code": "code",
            "github": "code", "repo": "code", "repository": "code", "implementation": "code", "year": "year",
            "authors": "authors", "author": "authors"}
_MAX_AUTHORS = 5  # bold lines name at most this many authors, else the first three and "et al."


# --- the list's style ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Style:
    """How a list writes its entries, read off the entries themselves."""

    shape: str = "tagged"          # tagged | bullet | bold | table
    prefix: str = ""               # what opens a line: "", "- ", "* ", "1. "
    separated: bool = True         # entries are paragraphs, a blank line apart
    tag_separator: str = "'"       # "'" in Arxiv'24, "’" in ISSCC’24, " " in ICLR 2017
    year_digits: int = 2
    spellings: dict[str, str] = field(default_factory=dict)  # venue short name -> as the list writes it
    code_label: str = "Code"
    paper_label: str = "paper"
    row: Entry | None = None       # a table row of the section: the columns to fill
    header: tuple[str, ...] = ()   # that table's header cells


def read_style(awesome: AwesomeList, lines: list[str], section: Section) -> Style:
    """The dominant style of the section's entries, else of the whole list's."""
    own = [e for e in awesome.entries if e.section == section.path and e.shape in SHAPES]
    usable = [e for e in awesome.entries if e.shape in SHAPES]
    pool = own or usable
    shape = Counter(e.shape for e in pool).most_common(1)[0][0] if pool else "tagged"
    row = next((e for e in reversed(own) if e.shape == "table"), None)
    header = _table_header(lines, row) if row else ()
    if shape == "table" and "title" not in _column_roles(header, row):
        shape, row = "bullet", None  # no column for the title: write a bullet
    alike = [e for e in pool if e.shape == shape] or pool
    forms = Counter(_tag_form(e.venue_tag) for e in alike if e.venue_tag and _tag_form(e.venue_tag))
    separator, digits = forms.most_common(1)[0][0] if forms else (("'", 2) if shape == "tagged" else (" ", 4))
    written: dict[str, Counter[str]] = {}
    for entry in usable:
        tag = parse_tag(entry.venue_tag) if entry.venue_tag else None
        if tag and tag.venue and tag.name:
            written.setdefault(tag.venue.short, Counter())[tag.name] += 1
    markers = Counter(_marker(e.source) for e in alike)
    return Style(
        shape=shape,
        prefix=markers.most_common(1)[0][0] if markers else ("- " if shape == "bullet" else ""),
        separated=shape != "table" and _separated(awesome, lines, [e for e in usable if e.shape == shape], shape),
        tag_separator=separator,
        year_digits=digits,
        spellings={short: names.most_common(1)[0][0] for short, names in written.items()},
        code_label=_label_of(usable, code=True) or ("Code" if shape == "tagged" else "code"),
        paper_label=_label_of(usable, code=False) or "paper",
        row=row if shape == "table" else None,
        header=header if shape == "table" else (),
    )


def _tag_form(tag: str) -> tuple[str, int] | None:
    match = _TAG_FORM.match(tag.strip())
    return (match["sep"], len(match["year"])) if match else None


def _marker(source: str) -> str:
    match = _MARKER.match(source)
    if not match:
        return ""
    number = re.match(r"\s*(\d+)", match[0])
    return match[0].lstrip() if number is None else "1" + match[0].lstrip()[len(number[1]):]


def _separated(awesome: AwesomeList, lines: list[str], entries: list[Entry], shape: str) -> bool:
    """Whether consecutive entries mostly stand a blank line apart (paragraphs) or touch (list items);
    with no two entries in a row to tell, tagged lines are paragraphs and the other shapes list items."""
    chosen = {id(e) for e in entries}
    apart = touching = 0
    for first, second in pairwise(awesome.entries):
        if id(first) in chosen and id(second) in chosen and first.section == second.section:
            between = lines[first.line : second.line - 1]
            if all(not line.strip() for line in between):
                apart += bool(between)
                touching += not between
    return apart > touching if apart != touching else shape == "tagged"


def _label_of(entries: list[Entry], code: bool) -> str | None:
    labels = Counter(
        link.label.strip("[] ") for e in entries for link in e.links
        if (link.target.url in e.code) == code and link.label.strip("[] ")
        and (code or (link.target.url == e.url and link.label.strip("[] ").lower() != e.title.lower()))
    )
    return labels.most_common(1)[0][0] if labels else None


def _cells(line: str) -> list[str]:
    cells = re.split(r"(?<!\\)\|", line.strip())
    return cells[1:-1] if line.strip().startswith("|") else cells


def _table_header(lines: list[str], row: Entry) -> tuple[str, ...]:
    index = row.line - 1
    while index > 0 and not _TABLE_RULE.match(lines[index]):
        index -= 1
    return tuple(c.strip() for c in _cells(lines[index - 1])) if index > 0 else ()


def _column_roles(header: tuple[str, ...], row: Entry | None) -> list[str]:
    """What each column of a table holds, from its header, else from the section's last row."""
    cells = _cells(row.source) if row else []
    roles = []
    for index, cell in enumerate(cells):
        name = header[index].lower().strip(" *_") if index < len(header) else ""
        role = _COLUMNS.get(name, "")
        if row and not role:
            role = ("title" if f"]({row.url}" in cell else "tag" if row.venue_tag and cell.strip() == row.venue_tag
                    else "code" if any(url in cell for url in row.code) else "")
        roles.append(role)
    return roles


# --- the line ----------------------------------------------------------------------------------

def venue_tag(record: Record, style: Style, given: str | None) -> tuple[str | None, str | None]:
    """The line's venue tag (``MLSys'24``, ``Arxiv'23``) and a warning when it is a guess or missing."""
    year = issued_year(record.csl)
    tag = parse_tag(given) if given else None
    if given and tag is not None:
        return (given.strip() if tag.year or year is None else _tag(tag.name, year, style)), None
    venue = venue_of(record.csl)
    arxiv = record.csl.get("custom", {}).get("arxiv")
    if venue is None and arxiv and record.csl.get("type") in (None, "article"):
        venue = lookup("arXiv")
    if venue is not None:
        if year is None:
            return None, f"the year of {venue.short} is unknown; the line has no venue tag (pass --venue)"
        return _tag(style.spellings.get(venue.short, venue.short), year, style), None
    where = str(record.csl.get("container-title-short") or record.csl.get("container-title") or "")
    if where and year and parse_tag(where) is not None:
        return (_tag(where, year, style),
                f"venue {where!r} is not in the venue table; check the tag or pass --venue")
    return None, f"cannot tell the venue of {where or 'the paper'}; the line has no venue tag (pass --venue)"


def tag_year(tag: str | None) -> int | None:
    parsed = parse_tag(tag) if tag else None
    return parsed.year if parsed else None


def _tag(name: str, year: int, style: Style) -> str:
    return f"{name}{style.tag_separator}{str(year)[-style.year_digits:]}"


def compose_line(style: Style, title: str, url: str, tag: str | None, code: list[str],
                 authors: list[dict[str, Any]]) -> str:
    """One entry in the list's shape, e.g. ``[MLSys'24] [QMoE: …](https://arxiv.org/abs/2310.16795)``."""
    text = clean_title(title)
    link = "[" + re.sub(r"([\[\]])", r"\\\1", text) + f"]({url})"
    if style.shape == "tagged":
        codes = "".join(f" [[{style.code_label}]({c})]" for c in code)
        return f"{style.prefix}{f'[{tag}] ' if tag else ''}{link}{codes}"
    if style.shape == "bold":
        names = [_name(a) for a in authors]
        names = names if len(names) <= _MAX_AUTHORS else [*names[:3], "et al"]
        parts = [f"**{text}**", ", ".join(names), tag or ""]
        links = [f"[[{style.paper_label}]]({url})", *(f"[[{style.code_label}]]({c})" for c in code)]
        return style.prefix + " ".join([*(f"{p}." for p in parts if p), *links])
    if style.shape == "table" and style.row is not None:
        values = {"title": link.replace("|", r"\|"), "tag": tag or "-", "code": ", ".join(
            f"[{style.code_label}]({c})" for c in code) or "-", "authors": ", ".join(_name(a) for a in authors) or "-",
            "year": (tag and _tag_form(tag) and re.findall(r"\d+$", tag)[0]) or "-"}
        cells = [values.get(role, "") for role in _column_roles(style.header, style.row)]
        edge = "|" if style.row.source.strip().startswith("|") else ""
        return f"{edge} {' | '.join(cells)} {edge}".strip()
    codes = "".join(f" [[{style.code_label}]({c})]" for c in code)
    return f"{style.prefix}{link}{f' ({tag})' if tag else ''}{codes}"


def clean_title(title: str) -> str:
    """A title as the list reads it back: one line, no closing full stop."""
    return re.sub(r"\s+", " ", title).strip().rstrip(".")


def _name(author: dict[str, Any]) -> str:
    return str(author.get("literal") or " ".join(p for p in (author.get("given"), author.get("family")) if p))


# --- where it goes -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    """Where the new line goes: before ``lines[index]``, with a blank line before and/or after it."""

    index: int
    blank_before: bool = False
    blank_after: bool = False


def placement(awesome: AwesomeList, lines: list[str], section: Section, style: Style, year: int | None) -> Slot:
    """The place for a new line in ``section``.

    In a section ordered by year (newest or oldest first, as tags say) the line goes where its year
    belongs -- last among its year -- else after the section's last entry; in an empty section,
    after its heading and text.  Paragraph entries keep a blank line on each side (a heading needs
    none); among the places that keep the order, a run of two or more blank lines is preferred, so
    that the line goes inside it and nothing else changes.  List items and table rows touch their
    neighbours.
    """
    own = [e for e in awesome.entries if e.section == section.path]
    heading = section.line - 1
    end = min((s.line - 1 for s in awesome.sections if s.line > section.line), default=len(lines))
    if not own:
        return _gap_slot(lines, _text_line(lines, end, -1, heading), end)
    gaps = []
    for i in _ordered_gaps([tag_year(e.venue_tag) for e in own], year):
        before = own[i - 1].line - 1 if i else _text_line(lines, own[0].line - 1, -1, heading)
        after = own[i].line - 1 if i < len(own) else _text_line(lines, own[-1].line - 1, 1, end)
        gaps.append((i, before, after))
    if not style.separated:
        i, before, after = gaps[-1]
        return Slot(before + 1) if i else Slot(after)
    wide = [(before, after) for _, before, after in gaps if after - before > 2]
    before, after = (wide or [(b, a) for _, b, a in gaps])[-1]
    return _gap_slot(lines, before, after)


def _ordered_gaps(years: list[int | None], year: int | None) -> list[int]:
    """Gaps (0: before the first entry, n: after the last) where ``year`` keeps the section's order."""
    known = [y for y in years if y is not None]
    steps = list(pairwise(known))
    newest_first = any(a > b for a, b in steps) and not any(a < b for a, b in steps)
    oldest_first = any(a < b for a, b in steps) and not any(a > b for a, b in steps)
    if year is None or not (newest_first or oldest_first):
        return [len(years)]
    sign = 1 if newest_first else -1
    return [i for i in range(len(years) + 1)
            if all(sign * (y - year) >= 0 for y in years[:i] if y is not None)
            and all(sign * (y - year) <= 0 for y in years[i:] if y is not None)]


def _text_line(lines: list[str], index: int, step: int, limit: int) -> int:
    """The nearest non-blank line from ``index`` going ``step`` (-1 up, 1 down), or ``limit`` (a heading,
    the end of the file) if there is none before it."""
    index += step
    while index != limit and not lines[index].strip():
        index += step
    return index


def _gap_slot(lines: list[str], before: int, after: int) -> Slot:
    """A slot between text lines ``before`` and ``after``, inside the blank lines between them.

    After the gap's first blank line: a gap of two or more blank lines takes the line with no other
    change; a single blank line gets a second one after the line; text lines that touched keep
    touching only where one of them is a heading, as they did.
    """
    blanks = after - before - 1
    at_end = after >= len(lines)
    if blanks:
        return Slot(before + 2, blank_after=blanks == 1 and not at_end)
    return Slot(before + 1, blank_before=not _HEADING.match(lines[before]),
                blank_after=not at_end and not _HEADING.match(lines[after]))


def numbered_prefix(prefix: str, awesome: AwesomeList, section: Section, index: int) -> str:
    """A numbered item continues the number of the item before it."""
    number = re.match(r"\d+", prefix)
    if number is None:
        return prefix
    previous = [e for e in awesome.entries if e.section == section.path and e.line - 1 < index]
    written = re.match(r"\s*(\d+)", previous[-1].source) if previous else None
    return f"{int(written[1]) + 1 if written else 1}{prefix[number.end():]}"
