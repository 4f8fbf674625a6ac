"""Adding one paper to a list, written the way the list already writes its papers.

    >>> paper_target("arXiv:2401.04088v2").url
    'https://arxiv.org/abs/2401.04088'
    >>> paper_target("https://doi.org/10.1145/3603269.3604869").identity
    'doi:10.1145/3603269.3604869'

:func:`plan_addition` turns an arXiv id, DOI or paper URL into the line the list would carry: the
paper becomes a list-shaped record (an :class:`~awesome_bib.records.model.Entry` through
:func:`~awesome_bib.records.listed.listed_record`) resolved by :func:`~awesome_bib.resolve.resolver.resolve_records`
with the list's settings; the line copies the section's (else the list's) entry shape, tag form,
venue spellings and code label; it goes at the end of the section's entries, or where the section's
year order puts it, in a blank-line gap when one is there, so that the diff is one added line.
:func:`write_addition` writes the list, then the lockfile, each atomically.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from awesome_bib.atomic import write_atomic
from awesome_bib.errors import AwesomeBibError
from awesome_bib.ids import abstract_page, normalize_doi, parse_arxiv_id, parse_link
from awesome_bib.ids.arxiv import ABS_PAGES as ARXIV_ABS_PAGES
from awesome_bib.ids.arxiv import abs_url as arxiv_abs_url
from awesome_bib.ids.arxiv import looks_like_arxiv_id
from awesome_bib.ids.doi import DOI_RESOLVER, doi_url, strip_doi_prefix
from awesome_bib.library import Library, open_library
from awesome_bib.library.pipeline import merge_listed
from awesome_bib.lists.document import AwesomeList, parse_list, slugify
from awesome_bib.lists.style import (
    Slot,
    clean_title,
    compose_line,
    numbered_prefix,
    placement,
    read_style,
    tag_year,
    venue_tag,
)
from awesome_bib.records.csl import issued_year
from awesome_bib.records.listed import build_records, listed_record
from awesome_bib.records.model import Entry, LinkTarget, Record, Section
from awesome_bib.records.venues import parse_tag
from awesome_bib.resolve.jobs import FINISHED
from awesome_bib.resolve.report import ResolveReport
from awesome_bib.resolve.resolver import resolve_records
from awesome_bib.resolve.services import SERVICES, ResolveSettings


def paper_target(text: str) -> LinkTarget:
    """What the paper named on the command line is: an arXiv id, a DOI or a paper URL.

    arXiv papers are linked by their abstract page without a version, DOIs by ``doi.org``; other
    URLs stay as given.  Anything else is an error that says what is accepted.
    """
    given = text.strip()
    target = None
    if parsed := parse_arxiv_id(given):
        target = parse_link(arxiv_abs_url(parsed[0]))
    elif "://" not in given or DOI_RESOLVER.match(given):
        written = strip_doi_prefix(given)
        target = parse_link(doi_url(written)) if normalize_doi(given) else None
    elif (linked := parse_link(given)).role == "paper" and (linked.ids or "arxiv.org" not in linked.url):
        target = linked
    if target is None:
        looks_like = "a valid arXiv id" if looks_like_arxiv_id(given) else "an arXiv id, a DOI or a paper URL"
        raise AwesomeBibError(
            f"{given!r} is not {looks_like}; e.g. 2401.04088, 10.1145/3603269.3604869 "
            "or https://aclanthology.org/2024.acl-long.699/"
        )
    if "arxiv" in target.ids and not target.url.startswith(ARXIV_ABS_PAGES):
        return parse_link(arxiv_abs_url(target.ids["arxiv"]))
    page = abstract_page(target.url)  # the landing page, as `check` asks lists to link
    return parse_link(page) if page and parse_link(page).identity == target.identity else target


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
    slot = placement(awesome, lines, section, style, tag_year(tag) or issued_year(record.csl))
    style = replace(style, prefix=numbered_prefix(style.prefix, awesome, section, slot.index))
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
                  target=target, venue_tag=venue if tag_year(venue) else None, code=code)
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
    """(byte-order mark or "", text) of a list file, exactly as
    :func:`~awesome_bib.lists.document.read_list` reads it."""
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

    The caller holds the lockfile's guard (:func:`awesome_bib.library.lockfile.exclusive`).  The record is
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
    merged.csl["id"], merged.provisional_key = listed.key, listed.provisional_key
    reopened.records[index] = merged
    reopened.settle_keys(which=[merged.id])
    try:
        reopened.write()
    except AwesomeBibError as error:
        raise AwesomeBibError(f"{error}; the list has the new line: `awesome-bib resolve` records the paper") from None
    return merged


def _wait_out(report: ResolveReport, settings: ResolveSettings) -> None:
    """Keep each service's delay between the first lookup and the second."""
    delays = [settings.service(name).delay for name in SERVICES if report.requests.get(name)]
    time.sleep(max(delays, default=0.0))
