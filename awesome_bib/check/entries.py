"""Rules about one entry line: its shape, its venue tag, its year and its identifier."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from awesome_bib.check.engine import ERROR, WARNING, CheckContext, Hit, quoted, rule, tag_of
from awesome_bib.check.links import has_whitespace
from awesome_bib.ids import arxiv_id_date
from awesome_bib.lists.document import RAW_LINK
from awesome_bib.records.model import Entry
from awesome_bib.records.venues import VenueTag, parse_tag, venue_from_ids, venue_names

# A bracket before the title that holds a digit was meant as a venue tag: [Arxiv24], [NeurIPS 23].
_TAG_ATTEMPT = re.compile(r"\s*(?:[-*+]\s+|\d+[.)]\s+)?\[([^\[\]]*\d[^\[\]]*)\]\s*\[")
_TAG_YEAR = re.compile(r"(\d{4}|\d{2})((?:[.\-/]\d{1,2})?)(\s*)$")
_ARXIV_HOSTS = frozenset({"arxiv.org", "www.arxiv.org", "export.arxiv.org"})
# Kinds of venue whose entries have no identifier by nature.
_UNIDENTIFIED_KINDS = frozenset({"blog", "web", "software"})
_MONTHS = ("January February March April May June July August September October November December").split()
# A paper is often posted to arXiv after the conference; only a larger gap means a wrong tag.
_POSTED_AFTER_PUBLICATION_YEARS = 1


@rule("malformed-entry", ERROR,
      "A line links a paper but Markdown does not read it as an entry (broken link syntax, a garbled venue tag).",
      "Write the line as [Venue'YY] [Title](URL): no space between ] and (, tags like [Arxiv'24].")
def malformed_entry(context: CheckContext) -> Iterator[Hit]:
    for entry in context.awesome.malformed:
        raw = RAW_LINK.search(entry.source)
        if raw is None:
            yield Hit(entry.line, f"the URL of {quoted(entry)} is not a Markdown link; write [Title]({entry.url})",
                      entry.title)
        elif raw["gap"]:
            yield Hit(entry.line, f"a space between ']' and '(' breaks the link of {quoted(entry)}; "
                      "write [Title](URL)", entry.title)
        elif not has_whitespace(raw["url"]):  # whitespace in the URL is url-whitespace's finding
            yield Hit(entry.line, f"Markdown does not read the link of {quoted(entry)} "
                      "(an unbalanced parenthesis or bracket?)", entry.title)
    for entry in context.awesome.entries:
        attempt = _TAG_ATTEMPT.match(entry.source) if entry.shape == "prose" else None
        if attempt and parse_tag(attempt[1]) is None:
            yield Hit(entry.line, f"[{attempt[1]}] before {quoted(entry)} is not a venue tag; "
                      "write it as [Venue'YY], e.g. [Arxiv'24]", entry.title)


@rule("unknown-venue", WARNING,
      "A venue tag names a venue that is not in the venue table, so the citation gets no full venue name.",
      "Use the venue's usual short name (NeurIPS, ICML, EMNLP, Arxiv, ...); see awesome_bib/data/venues.json.")
def unknown_venue(context: CheckContext) -> Iterator[Hit]:
    for entry in context.awesome.entries:
        tag = tag_of(entry)
        if tag is None or tag.venue is not None or not tag.name:  # "'2015": a year alone names no venue
            continue
        close = difflib.get_close_matches(tag.name.lower(), [n.lower() for n in venue_names()], n=1, cutoff=0.75)
        guess = next((n for n in venue_names() if close and n.lower() == close[0]), None)
        hint = f"; did you mean {guess}?" if guess else "; use a known short name"
        yield Hit(entry.line, f"venue tag [{entry.venue_tag}] of {quoted(entry)} names an unknown venue{hint}",
                  entry.title)


def retag(tag: VenueTag, year: int, month: int | None = None) -> str:
    """The tag as written with another year (and month, when the tag has one): Arxiv'24 -> Arxiv'23."""

    def replace(match: re.Match[str]) -> str:
        digits = str(year) if len(match[1]) == 4 else f"{year % 100:02d}"
        moved = f".{month}" if match[2] and month else match[2]
        return digits + moved + match[3]

    return f"[{_TAG_YEAR.sub(replace, tag.text, count=1)}]"


@rule("year-mismatch", WARNING,
      "A venue tag's year disagrees with the arXiv id or with the proceedings the URL points to.",
      "Fix the tag's year; an arXiv id YYMM.NNNNN fixes a preprint's year and month.")
def year_mismatch(context: CheckContext) -> Iterator[Hit]:
    for entry in context.awesome.entries:
        tag = tag_of(entry)
        if tag is None or tag.year is None:
            continue
        published = venue_from_ids(entry.target.ids)
        arxiv = entry.target.ids.get("arxiv")
        if published and published[1] is not None and published[1] != tag.year:
            venue, year, _ = published
            yield Hit(entry.line, f"{quoted(entry)} is tagged [{tag.text}] but its URL is {venue.short} {year}; "
                      f"tag it {retag(tag, year)}", entry.title)
        elif arxiv and tag.venue is not None and tag.venue.kind == "preprint" and tag.year != arxiv_id_date(arxiv)[0]:
            year, month = arxiv_id_date(arxiv)
            yield Hit(entry.line, f"{quoted(entry)} is tagged [{tag.text}] but arXiv {arxiv} is from "
                      f"{_MONTHS[month - 1]} {year}; tag it {retag(tag, year, month)}", entry.title)
        elif arxiv and tag.year < arxiv_id_date(arxiv)[0] - _POSTED_AFTER_PUBLICATION_YEARS:
            yield Hit(entry.line, f"{quoted(entry)} is tagged [{tag.text}] but arXiv {arxiv} was first posted in "
                      f"{arxiv_id_date(arxiv)[0]}; check the tag's year and the link", entry.title)


@rule("venue-mismatch", WARNING,
      "A venue tag names another venue than the proceedings the URL points to (ACL vs Findings of ACL, PMLR vs ICML).",
      "Tag the entry with the venue its URL names.")
def venue_mismatch(context: CheckContext) -> Iterator[Hit]:
    for entry in context.awesome.entries:
        tag = tag_of(entry)
        published = venue_from_ids(entry.target.ids)
        if tag is None or tag.venue is None or published is None or published[0].short == tag.venue.short:
            continue
        venue, year, precise = published
        year = year or tag.year
        suggestion = f"[{venue.short}'{year % 100:02d}]" if year else f"[{venue.short}]"
        yield Hit(entry.line, f"{quoted(entry)} is tagged [{tag.text}] but its URL is {precise or venue.short}"
                  f"{'' if precise or year is None else f' {year}'}; tag it {suggestion}", entry.title)


def _is_arxiv_paper_url(url: str) -> bool:
    parts = urlsplit(url)
    return (parts.hostname or "") in _ARXIV_HOSTS and parts.path.startswith(("/abs/", "/pdf/", "/html/"))


@rule("invalid-arxiv-id", ERROR,
      "An arXiv link whose id is not a valid arXiv identifier (a typo in YYMM.NNNNN).",
      "Copy the id from the paper's arXiv page.")
def invalid_arxiv_id(context: CheckContext) -> Iterator[Hit]:
    for entry in context.awesome.entries:
        if _is_arxiv_paper_url(entry.url) and "arxiv" not in entry.target.ids:
            written = urlsplit(entry.url).path.split("/", 2)[2]
            yield Hit(entry.line, f"{quoted(entry)} links arXiv id {written!r}, which is not a valid arXiv "
                      "identifier (YYMM.NNNNN)", entry.title)


def _by_nature_unidentified(entry: Entry) -> bool:
    tag = tag_of(entry)
    return tag is not None and tag.venue is not None and tag.venue.kind in _UNIDENTIFIED_KINDS


@rule("no-identifier", WARNING,
      "An entry's link names no paper identifier (arXiv id, DOI, ACL Anthology, OpenReview, ...); blogs are exempt.",
      "Link the paper's arXiv abstract page, DOI or proceedings page instead of a home page or a file.")
def no_identifier(context: CheckContext) -> Iterator[Hit]:
    for entry in context.awesome.entries:
        if entry.target.identity is None and not _by_nature_unidentified(entry) and not _is_arxiv_paper_url(entry.url):
            yield Hit(entry.line, f"{quoted(entry)} links {entry.url}, which names no paper identifier; "
                      "link its arXiv, DOI or proceedings page", entry.title)

