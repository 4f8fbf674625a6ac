"""Measure how well lists are read: titles that are not titles, author lines and venues left unread.

    python bench/bench_reading.py                         # the shape fixtures and the embedded list
    python bench/bench_reading.py ~/lists -v              # every *.md under a folder, naming each miss

For each folder (or file) it prints the entries read and, judged from the list's own text with rules
of this script (not the reader's):

* titles that are a link label (``paper``, ``[pdf]``, ``Tech Report``), that keep a marker (a leading
  ``[Tag]``, an emoji or star, ``(@Org)``, a trailing date or comma), or that are one bare word;
* author lines present (a run of two or more comma- or "and"-separated personal names on the entry's
  line or on the line right after it) and how many of those the reader took as the entry's authors;
* venues stated (a venue of the venue table with a year, or a shields.io badge naming one) and how
  many the reader kept as the entry's venue tag.

One-word titles are not always wrong (a model named only by its name, ``Mixtral-8x7B``), so they
are counted apart.
"""

from __future__ import annotations

import argparse
import itertools
import re
import sys
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from awesome_bib.lists.document import parse_list
from awesome_bib.records.model import Entry
from awesome_bib.records.venues import parse_tag, venue_names

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = [ROOT / "tests" / "data" / "lists" / "by-shape", ROOT / "awesome_bib" / "data" / "awesome-moe-inference.md"]

LABELS = frozenset(
    """paper pdf code arxiv link abs abstract html project page website blog github repo tech report
    technical report openreview doi slides video demo model weights huggingface hf""".split()
) | {"tech report", "technical report", "project page", "arxiv paper", "full paper"}
_LINK = re.compile(r"!?\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\(([^()\s]*(?:\([^()]*\))?[^()\s]*)\)")
_TAG = re.compile(r"<[^>]+>")
_SEGMENT_BREAK = re.compile(r"<[bB][rR]\s*/?>|\||\s[-–—]\s|\*|_|(?<![A-Z])\.\s|\n")
_NAME = re.compile(r"^(?:[A-Z][\w'’\-]*\.?|[A-Z]\.)(?:\s+(?:[A-Z][\w'’\-]*\.?|van|von|de|der|da|di|le|la))"
                   r"{1,3}$")
_BADGE = re.compile(r"img\.shields\.io/badge/([^)\s\"'?]+)")
_ITEM_MARKER = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_MONTH_DATE = re.compile(r"[\[(]\s*[A-Z][a-z]{2,8}\.?\s+(?:19|20)\d{2}\s*[\])]$")


@dataclass
class Tally:
    lists: int = 0
    entries: int = 0
    labels: list[str] = field(default_factory=list)
    markers: list[str] = field(default_factory=list)
    bare: list[str] = field(default_factory=list)
    author_lines: int = 0
    authors_read: int = 0
    missed_authors: list[str] = field(default_factory=list)
    venues_stated: int = 0
    venues_read: int = 0
    missed_venues: list[str] = field(default_factory=list)
    seconds: float = 0.0


def is_label(title: str) -> bool:
    bare = title.strip(" []()").lower()
    return bare in LABELS or all(word in LABELS for word in bare.split()) or bool(re.fullmatch(r"[\d.]+", bare))


def has_marker(title: str) -> bool:
    ends = (title[:1], title[-1:])
    symbol = any(c and unicodedata.category(c) in ("So", "Sk", "Cs", "Co") for c in ends)
    return (symbol or title.startswith(("[", "-", "*")) or title.endswith((",", ";", "]", "|"))
            or "(@" in title or bool(_MONTH_DATE.search(title)))


def names_an_author_line(text: str) -> bool:
    """Two or more personal names in a row, separated by commas or "and"."""
    text = _TAG.sub(lambda tag: "<br>" if tag[0].lower().startswith("<br") else " ", _LINK.sub(" | ", text))
    for segment in _SEGMENT_BREAK.split(text):
        parts = [p.strip() for p in re.split(r",|\band\b|&", re.sub(r"\bet al\.?", "", segment)) if p.strip()]
        while parts and re.fullmatch(r"\(?(?:19|20)\d{2}[\d\-/.]*\)?", parts[-1]):  # "…, Tariq Aziz, 2019"
            parts.pop()
        if len(parts) >= 2 and all(_NAME.match(p) for p in parts):
            return True
    return False


def states_a_venue(text: str) -> bool:
    for badge in _BADGE.findall(text):
        words = [w.replace("_", " ") for w in re.split(r"(?<!-)-(?!-)", badge)]
        if any(_known_with_year(w) for w in words) or _known_with_year(" ".join(words[:2])):
            return True
    plain = _LINK.sub(lambda link: f" {link[1]} ", text)
    for piece in re.split(r"[\[\]()|,;*]|\s[-–—]\s|\.\s", plain):
        if _known_with_year(piece.strip()):
            return True
    return any(_known_with_year(" ".join(c.split())) for c in _cells_of_year(_LINK.sub(" ", text)))


def _cells_of_year(text: str) -> list[str]:
    """Venue and year in neighbouring table cells (``| ICLR | 2023 |``), links left out."""
    cells = [c.strip() for c in text.split("|")]
    return [f"{a} {b}" for a, b in itertools.pairwise(cells) if re.fullmatch(r"(?:19|20)\d{2}", b)]


def _known_with_year(text: str) -> bool:
    if not text or len(text) > 40:
        return False
    tag = parse_tag(text)
    return tag is not None and tag.venue is not None and tag.year is not None


def measure(path: Path, tally: Tally, verbose: bool) -> None:
    text = path.read_text("utf-8")
    start = time.perf_counter()
    parsed = parse_list(text, path)
    tally.seconds += time.perf_counter() - start
    lines = text.splitlines()
    tally.lists += 1
    for entry in parsed.entries:
        tally.entries += 1
        where = f"{path.name}:{entry.line}: {entry.title!r}"
        if is_label(entry.title):
            tally.labels.append(where)
        elif has_marker(entry.title):
            tally.markers.append(where)
        elif len(entry.title.split()) == 1:
            tally.bare.append(where)
        said = _said_about(entry, lines)
        if names_an_author_line(said):
            tally.author_lines += 1
            if entry.authors_text:
                tally.authors_read += 1
            else:
                tally.missed_authors.append(where)
        if states_a_venue(said):
            tally.venues_stated += 1
            tag = parse_tag(entry.venue_tag) if entry.venue_tag else None
            if tag is not None and tag.venue is not None:
                tally.venues_read += 1
            else:
                tally.missed_venues.append(where)


def _said_about(entry: Entry, lines: list[str]) -> str:
    """The entry's source line (without its list marker), and the next line when it continues the
    paragraph or the list item without links."""
    said = _ITEM_MARKER.sub("", entry.source)
    at = entry.line
    if at + 1 < len(lines) and not lines[at].strip() and lines[at + 1].startswith(("  ", "\t")):
        at += 1  # the list item's next paragraph
    following = lines[at] if at < len(lines) else ""
    if following.strip() and "](" not in following and not re.match(r"\s*(?:[-*+]\s|\d+[.)]\s|\||#)", following):
        said += "\n" + following
    return said


def share(part: int, whole: int) -> str:
    return f"{part} ({100 * part / whole:.1f}%)" if whole else "0"


def report(name: str, tally: Tally, verbose: bool) -> None:
    print(f"{name}: {tally.lists} list(s), {tally.entries} entries, read in {1000 * tally.seconds:.1f} ms")
    print(f"  titles that are link labels:     {share(len(tally.labels), tally.entries)}")
    print(f"  titles keeping a marker:         {share(len(tally.markers), tally.entries)}")
    print(f"  one-word titles (short names):   {share(len(tally.bare), tally.entries)}")
    print(f"  author lines read / present:     {tally.authors_read} / {tally.author_lines}")
    print(f"  venues read / stated:            {tally.venues_read} / {tally.venues_stated}")
    if verbose:
        for label, found in (("label", tally.labels), ("marker", tally.markers), ("one word", tally.bare),
                             ("authors missed", tally.missed_authors), ("venue missed", tally.missed_venues)):
            for where in found:
                print(f"    {label}: {where}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path, default=DEFAULT, help="folders of *.md lists, or lists")
    parser.add_argument("-v", "--verbose", action="store_true", help="name every title, author line and venue")
    options = parser.parse_args()
    venue_names()  # load the venue table before timing
    for path in options.paths:
        tally = Tally()
        for file in sorted(path.rglob("*.md")) if path.is_dir() else [path]:
            measure(file, tally, options.verbose)
        report(str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path), tally, options.verbose)


if __name__ == "__main__":
    main()
