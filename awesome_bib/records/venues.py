"""The venue table: a list's short venue tags (``EMNLP``, ``QwenBlog``) -> full names and kinds.

Also reads what a publication URL says about its venue (an ACL Anthology id names its event, a PMLR
volume its conference), which is more precise than a hand-written tag, and what a badge picture
says (``img.shields.io/badge/Conference-ICML'23-blue``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import unquote

# CSL item type for each kind of venue.
CSL_TYPE_OF_KIND = {
    "conference": "paper-conference",
    "workshop": "paper-conference",
    "journal": "article-journal",
    "preprint": "article",
    "blog": "post-weblog",
    "report": "report",
    "web": "webpage",
}

_TAG = re.compile(
    r"""^\s*(?P<name>[^\[\]'’]*?[^\s\[\]'’])?\s*   # venue name (may be empty: ['24])
        (?:['’`]\s*(?P<yy>\d{2}|\d{4})(?:[.\-/](?P<month>\d{1,2}))?)?\s*$""",
    re.VERBOSE,
)
_NAME_YEAR = re.compile(r"^\s*(?P<name>.*?[^\s\d])\s*[-_ ]?(?P<year>(?:19|20)\d{2})\s*$")


@dataclass(frozen=True)
class Venue:
    short: str
    name: str
    kind: str
    organization: str | None = None

    @property
    def csl_type(self) -> str:
        return CSL_TYPE_OF_KIND.get(self.kind, "article")


@dataclass(frozen=True)
class VenueTag:
    """A tag as written (``Arxiv'24.8``): its venue name, year and month, and the table's venue if known."""

    text: str
    name: str
    year: int | None
    month: int | None
    venue: Venue | None


def _normal(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


@cache
def _document() -> dict[str, Any]:
    return json.loads(resources.files("awesome_bib").joinpath("data/venues.json").read_text("utf-8"))


def venue_names() -> list[str]:
    """Every short name and alias of the table, as written there, sorted."""
    return sorted({name for row in _document()["venues"] for name in (row["short"], *row["aliases"])})


@cache
def _table() -> tuple[dict[str, Venue], dict[str, str]]:
    raw = _document()
    by_alias: dict[str, Venue] = {}
    for row in raw["venues"]:
        venue = Venue(row["short"], row["name"], row["kind"], row.get("organization"))
        for alias in [row["short"], *row["aliases"]]:
            by_alias.setdefault(_normal(alias), venue)
    return by_alias, raw["pmlr_volumes"]


def lookup(name: str) -> Venue | None:
    """The table's venue for a short name, matched ignoring case and punctuation.

    >>> lookup("NeurIPS").kind
    'conference'
    >>> lookup("Arxiv").short
    'arXiv'
    """
    return _table()[0].get(_normal(name))


def _full_year(digits: str) -> int:
    year = int(digits)
    if len(digits) == 4:
        return year
    return 1900 + year if year >= 70 else 2000 + year


@cache
def parse_tag(text: str) -> VenueTag | None:
    """Read a venue tag such as ``Arxiv'24``, ``ISSCC’24``, ``SENSYS '24``, ``Arxiv'24.8`` or ``ICML 2023``.

    Returns None when the text does not look like a venue tag (a sentence, a bare number).

    >>> tag = parse_tag("Arxiv'24.8")
    >>> (tag.name, tag.year, tag.month, tag.venue.short)
    ('Arxiv', 2024, 8, 'arXiv')
    """
    match = _TAG.match(text)
    name, year, month = None, None, None
    if match and match["yy"]:
        name = match["name"] or ""
        year = _full_year(match["yy"])
        month = int(match["month"]) if match["month"] else None
    elif spelled := _NAME_YEAR.match(text):
        name, year = spelled["name"], int(spelled["year"])
    elif match and match["name"]:
        name = match["name"]
    if name is None or len(name) > 40 or len(name.split()) > 4:
        return None
    if month is not None and not 1 <= month <= 12:
        month = None
    if year is None and lookup(name) is None:
        return None
    return VenueTag(text.strip(), name, year, month, lookup(name) if name else None)


# A static shields.io badge: /badge/<label>-<message>-<colour> or /badge/<message>-<colour>, where "--"
# is a dash, "__" an underscore and "_" a space.
_BADGE = re.compile(r"^https?://img\.shields\.io/badge/(?P<text>[^/?#]+)", re.IGNORECASE)
_BADGE_DASH = re.compile(r"(?<!-)-(?!-)")


def badge_venue(src: str) -> str | None:
    """The venue tag a badge picture shows, when it names a venue of the table.

    >>> badge_venue("https://img.shields.io/badge/Conference-ICML'23-blue")
    "ICML'23"
    >>> badge_venue("https://img.shields.io/badge/NeurIPS-2023-blue.svg"), badge_venue("https://img.shields.io/badge/ICLR-blue")
    ('NeurIPS 2023', 'ICLR')
    >>> badge_venue("https://img.shields.io/badge/PRs-welcome-green"), badge_venue("https://img.shields.io/badge/arXiv-2405.04434-red")
    (None, None)
    """
    badge = _BADGE.match(src)
    if badge is None:
        return None
    *fields, _colour = (_badge_field(part) for part in _BADGE_DASH.split(badge["text"]))
    if len(fields) <= 1:
        return fields[0] if fields and _names_venue(fields[0], dated=False) else None
    message, both = fields[-1], " ".join(fields)
    return next((text for text in (message, both) if _names_venue(text, dated=True)), None)


def _badge_field(part: str) -> str:
    return unquote(part).replace("--", "-").replace("__", "\x00").replace("_", " ").replace("\x00", "_").strip()


def _names_venue(text: str, dated: bool) -> bool:
    tag = parse_tag(text) if 0 < len(text) <= 48 else None
    return tag is not None and tag.venue is not None and (tag.year is not None or not dated)


_ACL_EVENTS = {
    "acl": "ACL",
    "emnlp": "EMNLP",
    "naacl": "NAACL",
    "eacl": "EACL",
    "coling": "COLING",
    "tacl": "TACL",
    "findings": "Findings of ACL",
}


def venue_from_ids(ids: dict[str, str]) -> tuple[Venue, int | None, str | None] | None:
    """What a publication URL's identifiers say about its venue: (venue, year, precise name).

    >>> venue, year, name = venue_from_ids({"acl": "2024.findings-acl.694"})
    >>> (venue.short, year, name)
    ('Findings of ACL', 2024, 'Findings of the Association for Computational Linguistics: ACL 2024')
    """
    if acl := ids.get("acl"):
        return _acl_venue(acl)
    if pmlr := ids.get("pmlr"):
        volume = pmlr.split("/")[0]
        named = _table()[1].get(volume)
        if named:
            short, year = named.rsplit(" ", 1)
            venue = lookup(short)
            if venue:
                return venue, int(year), None
        return None
    for kind, short in (("neurips", "NeurIPS"), ("mlsys", "MLSys")):
        if value := ids.get(kind):
            venue = lookup(short)
            assert venue is not None
            return venue, int(value.split("/")[0]), None
    if usenix := ids.get("usenix"):
        event = re.match(r"([a-z]+)(\d{2})", usenix.split("/")[0])
        venue = lookup(event[1]) if event else None
        if event and venue:
            return venue, _full_year(event[2]), None
    if cvf := ids.get("cvf"):
        event = re.match(r"([A-Za-z]+)_?(\d{4})", cvf.split("/")[0])
        venue = lookup(event[1]) if event else None
        if event and venue:
            return venue, int(event[2]), None
    if isca := ids.get("isca"):
        event = re.match(r"([a-z]+)_(\d{4})", isca.split("/")[0])
        venue = lookup(event[1]) if event else None
        if event and venue:
            return venue, int(event[2]), None
    return None


def _acl_venue(acl_id: str) -> tuple[Venue, int | None, str | None] | None:
    new_style = re.match(r"(\d{4})\.([a-z]+)(?:-([a-z]+))?", acl_id)
    if not new_style:
        return None
    year, event, track = int(new_style[1]), new_style[2], new_style[3]
    if event == "findings":
        venue = lookup("Findings of ACL")
        assert venue is not None
        of = (track or "").upper()
        return venue, year, f"Findings of the Association for Computational Linguistics: {of} {year}"
    short = _ACL_EVENTS.get(event)
    venue = lookup(short) if short else None
    return (venue, year, None) if venue else None


def all_venues() -> list[Venue]:
    """Every venue of the table, in the table's order."""
    return list(dict.fromkeys(_table()[0].values()))


# Words of venue names that abbreviations and proceedings titles leave out.
_FILLER = frozenset("of the on and for in proceedings annual".split())


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
    named = [(len(name), venue) for venue in all_venues()
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

