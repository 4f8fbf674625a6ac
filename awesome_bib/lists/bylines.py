"""What a list says around a paper's title in free text: its authors, venue and year.

Lines seen in real lists::

    **Attention Is All You Need**. Ashish Vaswani, Aidan N. Gomez, Łukasz Kaiser. NeurIPS 2017.
    **Attention Is All You Need** - Ashish Vaswani, Noam Shazeer et al., *NeurIPS* 2017
    **Distilling the knowledge in a neural network** (2015), G. Hinton et al.
    Tim Dettmers, et al. "LLM.int8(): 8-bit Matrix Multiplication for Transformers at Scale" NeurIPS 2022.

Only a venue of the venue table counts in free text (``In submission`` or ``Google`` is no venue),
and authors only when every name looks like a person's (:func:`~awesome_bib.records.listed.split_author_list`):
what is unsure is left out.  Venue and year become one venue tag that :func:`~awesome_bib.records.venues.parse_tag`
reads (``NeurIPS 2017``, ``'2015``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from awesome_bib.records.listed import split_author_list
from awesome_bib.records.venues import parse_tag

# A full stop ends a sentence unless it ends an initial (``Aidan N. Gomez``) or an abbreviation.
_FULL_STOP = re.compile(r"\.\s+")
_ABBREVIATIONS = frozenset({"al", "et", "jr", "sr", "st", "dr", "prof", "vs", "eds", "ed", "no", "vol", "pp"})
_DASH = re.compile(r"\s[-–—|]\s|\s*\n\s*")  # a spaced dash, a bar, or a line break (<br>)
_PARENTHESES = re.compile(r"\(([^()]*)\)")
_BRACKETS = re.compile(r"\[[^\[\]]*\]|[\[\]]")
_ALNUM = re.compile(r"[^\W_]")
# "Authors: A, B", "by A and B"; "Jane Doe¹, John Roe*": affiliation and contribution marks are no part of a name.
_AUTHORS_LABEL = re.compile(r"^(?:authors?\s*:|by\s+)\s*", re.IGNORECASE)
_AFFILIATION_MARK = re.compile(r"[\u00b9\u00b2\u00b3\u2070-\u2079†‡§]+|(?<=[^\W\d_])\*+")
_EDGE = " \t\n-–—:;,|*_"
_MONTHS = {name: number for number, names in enumerate(
    ("jan january", "feb february", "mar march", "apr april", "may", "jun june", "jul july",
     "aug august", "sep sept september", "oct october", "nov november", "dec december"), start=1)
    for name in names.split()}
_DATE = re.compile(
    r"""^\s*(?:
        (?P<year>(?:19|20)\d{2})(?:\s*[-/.]\s*(?P<month>\d{1,2}))?(?:\s*[-/.]\s*\d{1,2})?   # 2017, 2017-06, 2017/06/12
      | (?P<month_first>\d{1,2})\s*[-/.]\s*(?P<year_last>(?:19|20)\d{2})                   # 06/2017
      | (?P<month_name>[A-Za-z]{3,9})\.?,?\s+(?P<year_named>(?:19|20)\d{2})                 # Jun 2017, June, 2017
    )\s*$""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class Byline:
    """Authors as written (``"Ashish Vaswani, Noam Shazeer et al."``) and a venue tag, each when sure."""

    authors: str | None = None
    venue: str | None = None


def read_byline(text: str) -> Byline:
    """Authors, venue and year in the text next to a title (see the module's examples).

    >>> read_byline(" - Ashish Vaswani, Noam Shazeer et al., NeurIPS 2017 [")
    Byline(authors='Ashish Vaswani, Noam Shazeer et al.', venue='NeurIPS 2017')
    >>> read_byline(" (2015), G. Hinton et al. ")
    Byline(authors='G. Hinton et al.', venue="'2015")
    >>> read_byline(": a serving engine with paged attention.")
    Byline(authors=None, venue=None)
    >>> read_byline(". Authors: Jane Doe¹, John Roe². ICML 2023.")
    Byline(authors='Jane Doe, John Roe', venue='ICML 2023')
    """
    if not _ALNUM.search(text):
        return Byline()
    authors: str | None = None
    venue: str | None = None
    year: tuple[int, int | None] | None = None
    text = _BRACKETS.sub(" ", text)
    for inside in _PARENTHESES.findall(text):  # (2015), (ICLR 2017), (Google): never part of a name
        year = year or read_date(inside)
        venue = venue or (inside.strip() if known_venue(inside) else None)
    for sentence in _sentences(_PARENTHESES.sub(" ", text)):
        if known_venue(sentence):
            venue = venue or sentence
            continue
        if (date := read_date(sentence)) is not None:
            year = year or date
            continue
        parts = [part.strip() for part in sentence.split(",")]
        while len(parts) > 1 and (known_venue(parts[-1]) or read_date(parts[-1])):  # "…, ACL 2024", "…, 2024"
            last = parts.pop()
            venue = venue or (last if known_venue(last) else None)
            year = year or read_date(last)
        named = _AFFILIATION_MARK.sub("", _AUTHORS_LABEL.sub("", ", ".join(part for part in parts if part)))
        if authors is None and is_author_list(named):
            authors = named
    return Byline(authors, compose_tag(venue, *year) if year else venue)


def read_tag(text: str) -> str | None:
    """A tag that opens a line: a venue tag (``ICLR'23``), a date (``2024/01``) or both
    (``arXiv 2023.05``), as one venue tag.

    >>> read_tag("ICLR'23"), read_tag("2024/01"), read_tag("arXiv 2023.05"), read_tag("Survey")
    ("ICLR'23", "'2024.1", "arXiv'2023.5", None)
    """
    if parse_tag(text):
        return text.strip()
    if date := read_date(text):
        return compose_tag(None, *date)
    venue, _, when = text.strip().rpartition(" ")
    if venue and known_venue(venue) and (date := read_date(when)):
        return compose_tag(venue.strip(" ,"), *date)
    return None


def title_and_byline(text: str) -> tuple[str, Byline]:
    """A title written as a citation, in sentences: ``Title. Authors. Venue.`` or ``Authors. Title. Venue.``

    >>> title_and_byline("Attention Over Experts. Jane Doe, John Roe. ICML 2023.")
    ('Attention Over Experts', Byline(authors='Jane Doe, John Roe', venue='ICML 2023'))
    >>> title_and_byline("Jane Doe and John Roe. Experts Over Attention. 2023")
    ('Experts Over Attention', Byline(authors='Jane Doe and John Roe', venue="'2023"))
    >>> title_and_byline("Scaling Laws for Experts")
    ('Scaling Laws for Experts', Byline(authors=None, venue=None))
    """
    sentences = _sentences(text)
    if len(sentences) < 2:
        return text, Byline()
    if is_author_list(sentences[0]) and not _is_venue_or_date(sentences[1]):
        byline = read_byline(". ".join(sentences[2:]))
        return sentences[1], Byline(sentences[0], byline.venue)
    byline = read_byline(". ".join(sentences[1:]))
    if byline.authors or byline.venue:
        return sentences[0], byline
    return text, Byline()


def _is_venue_or_date(sentence: str) -> bool:
    """A sentence that is a venue or a date, not a title."""
    return known_venue(sentence) or read_date(sentence) is not None


def read_date(text: str) -> tuple[int, int | None] | None:
    """(year, month) of a date as lists write it: ``2017``, ``2017-06``, ``06/2017``, ``Jun 2017``.

    >>> read_date("2017-06"), read_date("June 2017"), read_date("ACL 2024")
    ((2017, 6), (2017, 6), None)
    """
    match = _DATE.match(text)
    if not match:
        return None
    if match["year"]:
        year, month = int(match["year"]), int(match["month"]) if match["month"] else None
    elif match["year_last"]:
        year, month = int(match["year_last"]), int(match["month_first"])
    else:
        month = _MONTHS.get(match["month_name"].lower())
        if month is None:
            return None
        year = int(match["year_named"])
    return year, month if month and 1 <= month <= 12 else None


def compose_tag(venue: str | None, year: int, month: int | None = None) -> str:
    """A venue tag from a venue as written and a date found apart from it; the venue's own year wins.

    >>> compose_tag("NeurIPS", 2017), compose_tag("NeurIPS", 2017, 6), compose_tag(None, 2015)
    ('NeurIPS 2017', "NeurIPS'2017.6", "'2015")
    >>> compose_tag("JMLR 2022", 2021)
    'JMLR 2022'
    """
    tag = parse_tag(venue) if venue else None
    if venue and tag and tag.year:
        return venue
    when = f"'{year}.{month}" if month else (f" {year}" if venue else f"'{year}")
    return f"{venue or ''}{when}"


def known_venue(text: str) -> bool:
    """Text that names a venue of the table, with or without a year (``ICLR 2017``, ``NeurIPS'22``)."""
    tag = parse_tag(text.strip())
    return tag is not None and tag.venue is not None


def is_author_list(text: str) -> bool:
    """Several names, or one and "et al.": a lone name might be anything (a company, a model)."""
    lowered = text.lower()
    several = "," in text or " and " in lowered or "&" in text or "et al" in lowered
    return several and bool(split_author_list(text))


def _sentences(text: str) -> list[str]:
    """Split at full stops that end sentences, at spaced dashes and at line breaks; trim separators from
    the ends."""
    pieces: list[str] = []
    start = 0
    for stop in _FULL_STOP.finditer(text):
        if _abbreviated(text[:stop.start()]):
            continue
        pieces.append(text[start:stop.start()])
        start = stop.end()
    pieces.append(text[start:])
    return [clean for piece in pieces for part in _DASH.split(piece) if (clean := _trim(part))]


def _abbreviated(text: str) -> bool:
    """Whether a full stop after ``text`` ends an initial (``N.``, ``J.R.R.``) or an abbreviation (``al.``)."""
    words = text.split()
    bare = words[-1].rstrip(".").lower() if words else ""
    return len(bare) <= 1 or bare in _ABBREVIATIONS or "." in bare


def _trim(text: str) -> str:
    trimmed = text.strip(_EDGE)
    while trimmed.endswith(".") and not _abbreviated(trimmed[:-1]):
        trimmed = trimmed[:-1].rstrip(_EDGE)
    return trimmed.lstrip(".").strip(_EDGE)
