"""One line of an awesome list (or one table row) -> the papers it lists.

A line names one paper per *paper link with its own title*: ``[GPT-3](…), [GPT-4](…)`` is two
entries, ``[Venue'24] [Title](paper) [[Code](code)]`` one.  Links labelled for what they are
(``[[paper]]``, ``[pdf]``, ``[arXiv:2409.02060]``, ``[Code]``) belong to the paper before them,
unless a label repeats for another paper (``Mixtral [[paper]](a) and its follow-up [[paper]](b)``):
then that link is a paper of its own, titled by the text before it.  A paper whose link has no title
of its own is titled by the line's bold text, a quoted title, the text before the link (a citation
``Title. Authors. Venue.`` read apart), or, last, the link itself.  ``[QLoRA](…): Efficient Finetuning
of Quantized LLMs`` is one title.  Markers around a title in text (emoji, ``[Tag]``, ``(@Org)``,
commas) are left out, and a date among them (``[Dec 2023]``) is the paper's.

The words around the links are read with :mod:`awesome_bib.lists.labels` (link labels, venue tags)
and :mod:`awesome_bib.lists.titles` (markers, subtitles); a table row's columns with
:mod:`awesome_bib.lists.tables`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from awesome_bib.ids import parse_link
from awesome_bib.ids.target import LinkTarget
from awesome_bib.lists.bylines import Byline, compose_tag, read_byline, title_and_byline
from awesome_bib.lists.labels import (
    CODE_LABELS,
    PAPER_LABELS,
    badge_tag,
    is_generic,
    label_venue,
    late_date,
    late_tag,
    leading_tag,
    link_label,
    split_tag,
    trailing_tags,
)
from awesome_bib.lists.pieces import LINK_SLOT, Piece, flat_text, is_web_link
from awesome_bib.lists.tables import Row
from awesome_bib.lists.titles import clean_title, subtitle_after, without_markers
from awesome_bib.records.model import Entry, Link

# What may stand before an entry's title on its line besides a venue tag: bullets, numbers, emoji.
_LEAD_JUNK = re.compile(r"^[\s\-*+•·>|:.\d()#]*$")
_LEAD_MARKER = re.compile(r"^[\s\-*+•·>|:#]*(?:\d+[.)]\s+)?")
_CONNECTOR = re.compile(r"^\s*(?:and|or|&|also|see(?:\s+also)?|cf\.?)\b\s*", re.IGNORECASE)
_SEPARATOR = re.compile(r"\s*(?:[,;|\n/&]|\band\b)\s*")
_TAG_AT_END = re.compile(r"\[[^\[\]]+\]\s*$")
_QUOTED = re.compile(r"[\"“]([^\"“”]{3,})[\"”]")


@dataclass(slots=True)
class _Paper:
    """One paper of a line while it is read: the link that names it and the links that go with it."""

    seed: int  # index of the naming link in the line's pieces
    target: LinkTarget
    titled: bool
    gap: int = 0  # where the text before the naming link starts: after the last link before it
    links: list[int] = field(default_factory=list)
    labels: set[str] = field(default_factory=set)
    identities: set[str] = field(default_factory=set)

    def take(self, index: int, label: str, target: LinkTarget, generic: bool) -> None:
        self.links.append(index)
        if target.role == "paper" or generic:
            self.identities.add(_identity(target))
        if generic:
            self.labels.add(label)


def _identity(target: LinkTarget) -> str:
    return target.identity or target.url


def read_line(line: int, source: str, section: str, pieces: list[Piece], row: Row | None = None) -> list[Entry]:
    """The papers a line lists, in line order; none when its links go only to code or web pages in prose."""
    linked = [(i, p) for i, p in enumerate(pieces) if p.kind == "link" and is_web_link(p)]
    targets = {i: parse_link(p.href.strip()) for i, p in linked}
    papers = _papers(linked, targets, row)
    _find_gaps(pieces, papers)
    entries = []
    for number in range(len(papers)):
        entry = _entry(line, source, section, pieces, targets, papers, number, row)
        if entry is not None:
            entries.append(entry)
    return entries


def _papers(linked: list[tuple[int, Piece]], targets: dict[int, LinkTarget], row: Row | None) -> list[_Paper]:
    """Which links name a paper, and which links go with each (see the module's rules)."""
    papers: list[_Paper] = []
    owner: dict[str, _Paper] = {}  # identity -> the first paper it belongs to (a line may list thousands)
    waiting: list[tuple[int, Piece]] = []  # links before the first paper go with it
    for index, piece in linked:
        target, label = targets[index], link_label(piece.text)
        # A paper's link is generic when it has no title of its own; another link when it says "paper".
        generic = is_generic(piece.text) if target.role == "paper" else label in PAPER_LABELS
        current = papers[-1] if papers else None
        may_name = row is None or row.can_name_a_paper(piece)
        if may_name and target.role == "paper" and not generic:
            current = owner.get(_identity(target))
            if current is None:
                papers.append(current := _Paper(index, target, titled=True))
        elif may_name and (target.role == "paper" or generic) and (
            current is None or (label in current.labels and _identity(target) not in current.identities)
        ):
            papers.append(current := _Paper(index, target, titled=False))
        if current is None:
            waiting.append((index, piece))
        else:
            current.take(index, label, target, generic)
            identity = _identity(target)
            if identity in current.identities and (identity not in owner or owner[identity].seed > current.seed):
                owner[identity] = current
    if not papers:  # no paper link: the first titled web page (a blog post) is the entry
        index = next((i for i, p in linked if targets[i].role == "web" and not is_generic(p.text)), None)
        if index is None:
            return []
        papers.append(_Paper(index, targets[index], titled=True))
    for index, piece in waiting:
        papers[0].take(index, link_label(piece.text), targets[index], False)
    papers[0].links.sort()
    return papers


def _entry(line: int, source: str, section: str, pieces: list[Piece], targets: dict[int, LinkTarget],
           papers: list[_Paper], number: int, row: Row | None) -> Entry | None:
    paper = papers[number]
    seed = pieces[paper.seed]
    before, after = _around(pieces, papers, number)
    subtitle, after = subtitle_after(seed.text, after) if paper.titled else ("", after)
    tag, rest = split_tag(before)
    if number:
        rest = _CONNECTOR.sub("", rest)
    trailing = trailing_tags(after)
    dated = late_date(trailing)
    own_title = paper.titled and (row is None or not row.names(seed))  # the link's text is the title
    if row is not None:
        title = seed.text if own_title else row.title(row.cell_of(seed))
        byline = row.byline(seed)
        tag, authors, shape = tag or row.venue_tag() or byline.venue, byline.authors, "table"
    elif paper.titled:
        title, authors, shape = seed.text, None, "tagged" if tag else "bullet"
        marked = without_markers(rest)[0] if rest else rest  # "⭐ [Title](…)", "[ShortName] [Title](…)"
        if marked and not _LEAD_JUNK.match(marked):  # words before the title: authors, or running prose
            authors = read_byline(rest).authors
            if authors is None:
                if paper.target.role != "paper":
                    return None
                shape = "prose"
        byline = _byline_after(after)
        authors, tag = authors or byline.authors, tag or late_tag(trailing) or byline.venue
    else:
        title, authors, venue, shape = _untitled(pieces, papers, number, rest, after, targets)
        tag = tag or leading_tag(before) or label_venue(seed.text) or venue
    tag = tag or late_tag(trailing) or badge_tag(pieces[i] for i in _span(pieces, papers, number))
    if subtitle:
        title = f"{title}: {subtitle}"
    if not own_title:  # a link's own text is the title as written; text around links carries markers
        title, in_title = without_markers(title)
        dated = dated or in_title
    if dated:  # "Title [Dec 2023]": the list's date for the paper
        tag = compose_tag(tag, *dated)
    return Entry(
        line=line,
        source=source,
        section=section,
        title=clean_title(title or seed.text or paper.target.url),
        url=paper.target.url,
        target=paper.target,
        venue_tag=tag,
        code=tuple(targets[i].url for i in paper.links if i != paper.seed and (
            targets[i].role in ("code", "model", "dataset") or link_label(pieces[i].text) in CODE_LABELS)),
        tags=tuple(trailing),
        authors_text=authors,
        shape=shape,
        links=tuple(Link(pieces[i].text, targets[i]) for i in paper.links),
    )


def _byline_after(after: str) -> Byline:
    """What the text after a paper's link says: next to the link, else after its last link
    (``**Title** [[pdf]](…) [[code]](…) ICLR 2022``)."""
    parts = after.split(LINK_SLOT)
    byline = read_byline(parts[0])
    if byline.authors is None and byline.venue is None and len(parts) > 1:
        byline = read_byline(parts[-1])
    return byline


def _span(pieces: list[Piece], papers: list[_Paper], number: int) -> range:
    """Where a paper's part of the line lies: from after the previous paper's links to the next's."""
    stop = papers[number + 1].gap if number + 1 < len(papers) else len(pieces)
    return range(papers[number].gap, stop)


def _untitled(pieces: list[Piece], papers: list[_Paper], number: int, rest: str, after: str,
              targets: dict[int, LinkTarget]) -> tuple[str, str | None, str | None, str]:
    """Title, authors, venue and shape of a paper whose link is only labelled (``[[paper]]``, ``[pdf]``)."""
    paper = papers[number]
    own = pieces[paper.gap:paper.seed]
    strong = next((i for i, p in enumerate(own) if p.kind == "strong" and p.text.strip()), None)
    if strong is not None and _bracketed(own, strong):  # [**ShortName**] Title [[pdf]](…): a tag, not the title
        strong = None
    if strong is not None:  # **Title**. Authors. Venue. [[paper]](…)
        byline = read_byline(flat_text(own[strong + 1:]).split(LINK_SLOT, 1)[0])
        if byline.authors is None and byline.venue is None:  # **Title** [[paper]](…) Authors. Venue.
            byline = _byline_after(after)
        return own[strong].text.strip(), byline.authors, byline.venue, "bold"
    named = next((pieces[i].text for i in paper.links if targets[i].role == "web" and not is_generic(pieces[i].text)),
                 None)
    if named:  # [Mixtral](https://mistral.ai/news/mixtral) [[paper]](https://arxiv.org/abs/…)
        return named, None, None, "bullet"
    text = rest.split(LINK_SLOT, 1)[0]
    quoted = _QUOTED.search(text)
    if quoted:  # Authors. "Title" Venue. [[paper]](…)
        return quoted[1], read_byline(text[:quoted.start()]).authors, read_byline(text[quoted.end():]).venue, "prose"
    byline = _byline_after(after)
    head, *under = [line for line in text.split("\n") if line.strip()] or [""]  # Title <br> Venue [[Paper]](…)
    if under:
        below = read_byline("\n".join(under))
        byline = Byline(below.authors or byline.authors, below.venue or byline.venue)
    title, said = title_and_byline(_LEAD_MARKER.sub("", head).lstrip(" \t-–—:|").rstrip(" \t-–—:|[("))
    return title, said.authors or byline.authors, said.venue or byline.venue, "prose"


def _bracketed(pieces: list[Piece], index: int) -> bool:
    """Whether a piece is written in brackets with words after them: ``[**ShortName**] Full Title``."""
    before = pieces[index - 1].text if index and pieces[index - 1].kind == "text" else ""
    after = flat_text(pieces[index + 1:])
    return before.rstrip().endswith("[") and after.lstrip().startswith("]") and bool(after.lstrip()[1:].strip())


def _find_gaps(pieces: list[Piece], papers: list[_Paper]) -> None:
    """Set where the text before each paper's link starts: after the last link or image before it
    (0 for the first paper); one pass over the line, however many papers it lists."""
    after_last = 0
    seeds = {paper.seed: paper for paper in papers[1:]}
    for index, piece in enumerate(pieces):
        if index in seeds:
            seeds[index].gap = after_last
        if piece.kind in ("link", "image"):
            after_last = index + 1


def _around(pieces: list[Piece], papers: list[_Paper], number: int) -> tuple[str, str]:
    """The text of a paper's part of the line before and after its naming link, links as slots.

    Text between two papers is cut at its last separator (``,``, ``;``, ``and``, a line break, a
    cell border), or before a ``[Tag]`` that opens the second paper.
    """
    seed = papers[number].seed
    before = flat_text(pieces[papers[number].gap:seed])
    if number:
        before = _share(before, papers[number].titled)[1]
    if number + 1 == len(papers):
        return before, flat_text(pieces[seed + 1:])
    following = papers[number + 1]
    stop = following.gap
    shared = _share(flat_text(pieces[stop:following.seed]), following.titled)[0]
    return before, flat_text(pieces[seed + 1:stop]) + shared


def _share(gap: str, next_titled: bool) -> tuple[str, str]:
    """Text between two papers -> (what the first says after its links, what the second says before its)."""
    cuts = list(_SEPARATOR.finditer(gap))
    if cuts:
        return gap[:cuts[-1].start()], gap[cuts[-1].end():]
    if tag := _TAG_AT_END.search(gap):
        return gap[:tag.start()], gap[tag.start():]
    return (gap, "") if next_titled else ("", gap)
