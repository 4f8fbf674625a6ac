"""Adding one paper to a list, written the way the list already writes its papers.

    >>> paper_target("arXiv:2401.04088v2").url
    'https://arxiv.org/abs/2401.04088'
    >>> paper_target("https://doi.org/10.1145/3603269.3604869").identity
    'doi:10.1145/3603269.3604869'

:func:`plan_addition` turns an arXiv id, DOI or paper URL into the line the list would carry: the
paper becomes a list-shaped record (an :class:`~awesome_bib.model.Entry` through
:func:`~awesome_bib.records.listed_record`) resolved by :func:`~awesome_bib.resolve.resolve_records`
with the list's settings; the line copies the section's (else the list's) entry shape, tag form,
venue spellings and code label; it goes at the end of the section's entries, or where the section's
year order puts it, in a blank-line gap when one is there, so that the diff is one added line.
:func:`write_addition` writes the list, then the lockfile, each atomically.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import Any

from .errors import AwesomeBibError
from .identifiers import normalize_doi, parse_arxiv_id, parse_link
from .library import Library, merge_listed, open_library
from .listfile import AwesomeList, parse_list, slugify
from .lockfile import write_atomic
from .model import Entry, LinkTarget, Record, Section
from .records import build_records, listed_record
from .resolve import FINISHED, ResolveReport, resolve_records
from .services import SERVICES, ResolveSettings
from .venues import Venue, lookup, parse_tag

SHAPES = ("tagged", "bullet", "bold", "table")
_MARKER = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_TAG_FORM = re.compile(r"^(?P<name>.*?[^\s'’`])(?P<sep>\s*['’`]\s*|\s+)(?P<year>\d{4}|\d{2})(?:[.\-/]\d{1,2})?$")
_DOI_RESOLVER = re.compile(r"(?:https?://)?(?:dx\.)?doi\.org/", re.IGNORECASE)
_LOOKS_ARXIV = re.compile(r"(?:arxiv:\s*|https?://arxiv\.org/\w+/)?\d{4}\.\d+", re.IGNORECASE)
_HEADING = re.compile(r"^ {0,3}#{1,6}(?:\s|$)")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}")
# Words of venue names that abbreviations and proceedings titles leave out.
_FILLER = frozenset("of the on and for in proceedings annual".split())
# Table header words -> what the column holds.
_COLUMNS = {"title": "title", "paper": "title", "name": "title", "venue": "tag", "conference": "tag",
            "conf": "tag", "journal": "tag", "publication": "tag", "published": "tag", "code": "code",
            "github": "code", "repo": "code", "repository": "code", "implementation": "code", "year": "year",
            "authors": "authors", "author": "authors"}
_MAX_AUTHORS = 5  # bold lines name at most this many authors, else the first three and "et al."


def paper_target(text: str) -> LinkTarget:
    """What the paper named on the command line is: an arXiv id, a DOI or a paper URL.

    arXiv papers are linked by their abstract page without a version, DOIs by ``doi.org``; other
    URLs stay as given.  Anything else is an error that says what is accepted.
    """
    given = text.strip()
    target = None
    if parsed := parse_arxiv_id(given):
        target = parse_link(f"https://arxiv.org/abs/{parsed[0]}")
    elif "://" not in given or _DOI_RESOLVER.match(given):
        written = _DOI_RESOLVER.sub("", re.sub(r"^doi:\s*", "", given, flags=re.IGNORECASE))
        target = parse_link(f"https://doi.org/{written}") if normalize_doi(given) else None
    elif (linked := parse_link(given)).role == "paper" and (linked.ids or "arxiv.org" not in linked.url):
        target = linked
    if target is None:
        looks_like = "a valid arXiv id" if _LOOKS_ARXIV.match(given) else "an arXiv id, a DOI or a paper URL"
        raise AwesomeBibError(
            f"{given!r} is not {looks_like}; e.g. 2401.04088, 10.1145/3603269.3604869 "
            "or https://aclanthology.org/2024.acl-long.699/"
        )
    if "arxiv" in target.ids and not target.url.startswith("https://arxiv.org/abs/"):
        return parse_link(f"https://arxiv.org/abs/{target.ids['arxiv']}")
    from .check.links import abstract_page

    page = abstract_page(target.url)  # the landing page, as `check` asks lists to link
    return parse_link(page) if page and parse_link(page).identity == target.identity else target


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


def venue_of(csl: dict[str, Any]) -> Venue | None:
    """The venue table's entry for where a resolved record appeared, from its container titles.

    ``MLSys``, ``Proceedings of the ACM SIGCOMM 2023 Conference`` (an acronym that is a short
    name), ``J. Mach. Learn. Res.`` (an abbreviation of a full name) all count.

    >>> venue_of({"container-title": "J. Mach. Learn. Res."}).short
    'JMLR'
    """
    texts = [str(csl.get(name) or "") for name in ("container-title-short", "container-title", "event-title")]
    texts = [text for text in texts if text]
    for text in texts:
        if venue := lookup(text):
            return venue
    for text in texts:  # acronyms only: "Nature" in "Nature Communications" is not the journal Nature
        for token in re.findall(r"[A-Za-z][A-Za-z0-9]+", text):
            if sum(c.isupper() for c in token) > 1 and (venue := lookup(token)):
                return venue
    named = [(len(name), venue) for venue in _venues()
             if len(name := _significant(re.sub(r"\(.*?\)", "", venue.name))) > 1
             and any(_contains_abbreviated(_significant(text), name) for text in texts)]
    return max(named, key=lambda pair: pair[0])[1] if named else None  # the fullest name: JMLR, not PMLR


def _significant(text: str) -> list[str]:
    words = re.findall(r"[a-z]+", text.lower().replace(".", " "))
    return [w for w in words if w not in _FILLER and not re.fullmatch(r"\d+(?:st|nd|rd|th)?", w)]


def _contains_abbreviated(words: list[str], name: list[str]) -> bool:
    """Whether ``name`` occurs in ``words``, each word written in full or cut short (``Mach``)."""
    return any(all(name[i].startswith(words[start + i]) for i in range(len(name)))
               for start in range(len(words) - len(name) + 1))


@cache
def _venues() -> list[Venue]:
    table = json.loads(resources.files("awesome_bib").joinpath("data/venues.json").read_text("utf-8"))
    return [venue for row in table["venues"] if (venue := lookup(row["short"]))]


def venue_tag(record: Record, style: Style, given: str | None) -> tuple[str | None, str | None]:
    """The line's venue tag (``MLSys'24``, ``Arxiv'23``) and a warning when it is a guess or missing."""
    year = _year(record.csl)
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


def _year(csl: dict[str, Any]) -> int | None:
    try:
        return int(csl["issued"]["date-parts"][0][0])
    except (KeyError, IndexError, TypeError, ValueError):
        return None


def _tag_year(tag: str | None) -> int | None:
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
    for i in _ordered_gaps([_tag_year(e.venue_tag) for e in own], year):
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


def _numbered(prefix: str, awesome: AwesomeList, section: Section, index: int) -> str:
    """A numbered item continues the number of the item before it."""
    number = re.match(r"\d+", prefix)
    if number is None:
        return prefix
    previous = [e for e in awesome.entries if e.section == section.path and e.line - 1 < index]
    written = re.match(r"\s*(\d+)", previous[-1].source) if previous else None
    return f"{int(written[1]) + 1 if written else 1}{prefix[number.end():]}"


# --- the addition -------------------------------------------------------------------------------


@dataclass
class Addition:
    """What ``add`` does: the line, where it goes in the list, and the paper's record."""

    line: str
    section: Section
    line_number: int          # 1-based, in ``text``
    text: str                 # the list with the line in it
    original: str             # the list as read, to notice an edit made meanwhile
    identity: str
    record: Record            # resolved, or the list's record of a paper listed elsewhere
    report: ResolveReport | None = None
    notes: list[str] = field(default_factory=list)


def plan_addition(
    library: Library, paper: str, section_query: str, settings: ResolveSettings, *,
    title: str | None = None, venue: str | None = None, code: tuple[str, ...] = (), prefer: str = "published",
) -> Addition:
    """Resolve ``paper`` and make its line for ``section_query``; nothing is written.

    A paper already listed in the section is refused (exit status 1).  One listed in another
    section is cross-listed: the line copies that entry, the record stays as it is, and a note says
    so.  Offline, or when no service knows the paper, ``title`` is required.
    """
    target = paper_target(paper)
    if venue and parse_tag(venue) is None:
        raise AwesomeBibError(f"--venue {venue!r} is not a venue tag; e.g. --venue \"ICML'24\" or --venue ICML")
    section = library.select([section_query])[0]
    awesome = library.awesome
    original = _read(awesome.path)[1]
    lines = original.splitlines()
    identity = target.identity or f"url:{target.url}"
    for url in code:
        if not parse_link(url).url.startswith(("http://", "https://")):
            raise AwesomeBibError(f"--code {url!r} is not an http(s) URL")
    listed = [e for e in awesome.entries if e.identity == identity]
    _refuse_if_listed_in(section, listed, awesome.path)
    notes = [f"{awesome.path}:{e.line}: also listed under {_title_of(awesome, e)!r}; cross-listing it"
             for e in listed[:1]]
    report = None
    if listed:
        record = next(r for r in library.records if r.id == identity)
        first = listed[0]
        title, url, tag = title or first.title, first.url, venue or first.venue_tag
        code = tuple(dict.fromkeys((*first.code, *code)))
    else:
        record, report = _resolved(library, target, section, settings, title, venue, code, prefer)
        title = title or _known_title(record, identity)
        if record.status not in FINISHED and not settings.offline:
            notes.append(f"{identity} was not resolved ({'; '.join(record.notes)}); the line says what is known "
                         "and `awesome-bib resolve` looks it up again")
        notes += _same_paper_notes(awesome, record, section)
        url, tag = target.url, venue
    style = read_style(awesome, lines, section)
    tag, warning = venue_tag(record, style, tag)
    notes += [warning] if warning else []
    slot = placement(awesome, lines, section, style, _tag_year(tag) or _year(record.csl))
    style = replace(style, prefix=_numbered(style.prefix, awesome, section, slot.index))
    line = compose_line(style, title, url, tag, list(code), record.csl.get("author") or [])
    text, number = _inserted(original, slot, line)
    _check_reads_back(text, awesome, number, identity, section, line)
    return Addition(line, section, number, text, original, identity, record, report, notes)


def _refuse_if_listed_in(section: Section, listed: list[Entry], path: Path) -> None:
    here = [e for e in listed if e.section == section.path]
    if here:
        raise AwesomeBibError(
            f"{path}:{here[0].line}: {here[0].title!r} is already listed under {section.title!r}; nothing added", 1
        )


def _title_of(awesome: AwesomeList, entry: Entry) -> str:
    return awesome.section(entry.section).title if entry.section else "the top of the list"


def _resolved(
    library: Library, target: LinkTarget, section: Section, settings: ResolveSettings, title: str | None,
    venue: str | None, code: tuple[str, ...], prefer: str,
) -> tuple[Record, ResolveReport]:
    """The list-shaped record for the new paper, resolved like ``resolve`` resolves any other."""
    if not title and (settings.offline or not {"arxiv", "doi", "acl"} & set(target.ids)):
        why = "--offline looks nothing up" if settings.offline else f"{target.url} names no arXiv id or DOI"
        raise AwesomeBibError(f"{why}: pass --title with the paper's title (and --venue with its venue tag)")
    entry = Entry(line=0, source="", section=section.path, title=clean_title(title or ""), url=target.url,
                  target=target, venue_tag=venue if _tag_year(venue) else None, code=code)
    slug_of = {s.path: s.slug for s in library.sections}
    record = listed_record(entry.identity, [entry], slug_of)
    record.csl["id"] = entry.identity  # a stand-in: the key is given when the line is in the list
    report = resolve_records([record], settings, prefer=prefer, overrides=library.overrides)
    return record, report


def _known_title(record: Record, identity: str) -> str:
    title = str(record.csl.get("title") or "")
    if title and record.provenance.get("title", {}).get("source") != "list":
        return title
    reasons = "; ".join(record.notes) or "no source knows it"
    raise AwesomeBibError(f"could not look up {identity} ({reasons}); pass --title to add it anyway")


def _same_paper_notes(awesome: AwesomeList, record: Record, section: Section) -> list[str]:
    """Entries that name the resolved paper by another link (refused in the same section), or share its title."""
    custom = record.csl.get("custom", {})
    ids = {("arxiv", custom.get("arxiv")), ("doi", str(record.csl.get("DOI", "")).lower()),
           *custom.get("ids", {}).items()}
    title = slugify(str(record.csl.get("title", ""))) if record.status in FINISHED else None
    notes = []
    for entry in awesome.entries:
        if any(value and (kind, value) in ids for kind, value in entry.target.ids.items()):
            _refuse_if_listed_in(section, [entry], awesome.path)
            notes.append(f"{awesome.path}:{entry.line}: the same paper is listed under {_title_of(awesome, entry)!r} "
                         f"as {entry.url}; link that URL to keep one record for it")
        elif title and slugify(entry.title) == title:
            notes.append(f"{awesome.path}:{entry.line}: a paper with the same title is listed under "
                         f"{_title_of(awesome, entry)!r} ({entry.identity}); check that it is another paper")
    return notes


def _read(path: Path) -> tuple[str, str]:
    """(byte-order mark or "", text) of a list file, exactly as :func:`~awesome_bib.listfile.read_list` reads it."""
    raw = path.read_bytes()
    bom = "\ufeff" if raw.startswith(b"\xef\xbb\xbf") else ""
    return bom, raw.decode("utf-8-sig")


def _inserted(text: str, slot: Slot, line: str) -> tuple[str, int]:
    """The text with ``line`` put in ``slot``, and the line's 1-based number; other lines untouched."""
    lines = text.splitlines(keepends=True)
    newline = "\r\n" if "\r\n" in text else "\n"
    if slot.index == len(lines) and lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += newline
    new = [newline] * slot.blank_before + [line + newline] + [newline] * slot.blank_after
    lines[slot.index:slot.index] = new
    return "".join(lines), slot.index + 1 + slot.blank_before


def _check_reads_back(text: str, awesome: AwesomeList, number: int, identity: str, section: Section,
                      line: str) -> None:
    """The list must read the new line as this paper, in this section, and every other entry as before."""
    entries = parse_list(text, awesome.path).entries
    new = [e for e in entries if e.line == number]
    if len(entries) != len(awesome.entries) + 1 or not new or new[0].identity != identity \
            or new[0].section != section.path:
        raise AwesomeBibError(f"{awesome.path}: the new line would not read back as this paper of "
                              f"{section.title!r}; add it by hand: {line}")


# --- writing ------------------------------------------------------------------------------------


def write_addition(
    library: Library, addition: Addition, settings: ResolveSettings, prefer: str = "published"
) -> Record:
    """Write the list with the new line, then the lockfile with the paper's record; returns the record.

    The caller holds the lockfile's guard (:func:`awesome_bib.lockfile.exclusive`).  The record is
    resolved from the line as written: when the line says more than the record first resolved
    knew (its title, its tag), the paper is looked up once more, so that the record is exactly what
    ``resolve`` makes of the line and stays resolved.
    """
    if library.embedded:
        raise AwesomeBibError("the embedded list is read-only data; copy it and pass --list with your copy")
    path = library.awesome.path
    parsed = parse_list(addition.text, path)
    fresh = next(r for r in build_records(parsed.entries, parsed.sections) if r.id == addition.identity)
    fresh.csl["id"] = addition.identity  # a stand-in, as in plan_addition
    record = addition.record
    if record.list_hash != fresh.list_hash:
        if addition.report is not None and record.status in FINISHED:
            _wait_out(addition.report, settings)
            resolve_records([fresh], settings, prefer=prefer, overrides=library.overrides)
        record = fresh  # else left for `resolve` to look up
    bom, now = _read(path)
    if now != addition.original:
        raise AwesomeBibError(f"{path}: changed while the paper was looked up; run add again")
    try:
        write_atomic(path, bom + addition.text)
    except OSError as error:
        raise AwesomeBibError(f"{path}: cannot write: {error.strerror or error}; nothing was changed") from None
    reopened = open_library(path, update_lockfile=False)
    index = next(i for i, r in enumerate(reopened.records) if r.id == addition.identity)
    listed = reopened.records[index]
    merged = merge_listed(listed, record)
    merged.csl["id"] = listed.key
    reopened.records[index] = merged
    try:
        reopened.write()
    except AwesomeBibError as error:
        raise AwesomeBibError(f"{error}; the list has the new line: `awesome-bib resolve` records the paper") from None
    return merged


def _wait_out(report: ResolveReport, settings: ResolveSettings) -> None:
    """Keep each service's delay between the first lookup and the second."""
    delays = [settings.service(name).delay for name in SERVICES if report.requests.get(name)]
    time.sleep(max(delays, default=0.0))
