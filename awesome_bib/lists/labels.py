"""Link labels and venue tags: the words of a line that name a resource, an identifier or a venue
rather than a paper's title.

A label says what a link is (``[[Code]]``, ``[pdf]``, ``Project Page``, ``arXiv:2409.02060``); a tag
gives the venue or date, before the title (``[ICLR 2017]``, ``[2024/01]``), after it (``(ICLR 2017)``,
``[Dec 2023]``), on the link (``[[NeurIPS 2023]]``) or in a badge.  Text around the title comes with its
links as slots (:data:`~awesome_bib.lists.pieces.LINK_SLOT`), which no tag spans.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from awesome_bib.ids.arxiv import NEW_ID_SHAPE as ARXIV_NEW_ID_SHAPE
from awesome_bib.ids.doi import DOI_SHAPE
from awesome_bib.lists.bylines import known_venue, read_date, read_tag
from awesome_bib.lists.pieces import LINK_SLOT, Piece
from awesome_bib.records.venues import badge_venue, parse_tag

# Link labels that name a kind of resource rather than the paper's title.
_GENERIC_LABELS = frozenset(
    """code github gitlab repo repository paper pdf arxiv abs abstract link url project page website
    web homepage site model models huggingface hf hugging-face weights demo slides video talk poster
    blog openreview doi bib bibtex dataset data checkpoint checkpoints colab notebook official docs
    documentation proceedings supplementary supp html
    """.split()
)
# Words that, all together, still only name a resource: "Project Page", "Official Code", "arXiv version".
_GENERIC_WORDS = _GENERIC_LABELS | frozenset(
    """version full text here the this our open access source camera ready preprint published
    extended hugging face pytorch tensorflow jax implementation page pages view read download
    and of link links main conference journal tech technical report
    """.split()
)
CODE_LABELS = frozenset(
    """code github gitlab repo repository model models huggingface hf weights checkpoint checkpoints
    """.split()
)
PAPER_LABELS = frozenset(
    """paper pdf arxiv abs abstract openreview doi proceedings html link report
    """.split()
) | {"tech report", "technical report"}
# Link text that is an identifier or an address, not a title: arXiv:2409.02060, 10.1145/…, a URL.
_IDENTIFIER_TEXT = re.compile(
    rf"^(?:(?:arxiv|doi|abs|pdf)\s*:?\s*)?(?:{ARXIV_NEW_ID_SHAPE}(?:v\d+)?|{DOI_SHAPE})$"
    r"|^(?:https?://|www\.)\S+$|^[\w.-]+\.[a-z]{2,}/\S*$",
    re.IGNORECASE,
)
_LABEL_WORDS = re.compile(r"[^\W\d_]+|\d+")
_DIGIT = re.compile(r"\d")
_MAX_TAG_LENGTH = 48  # parse_tag reads no longer venue name with its year
_OPENING_TAG = re.compile(r"\s*\[([^\[\]]+)\]\s*")
_LINE_OPENING_TAG = re.compile(r"\s*(?:[-*+]\s+|\d+[.)]\s+)?\[([^\[\]]+)\]")
_BRACKETED = re.compile(rf"\[([^\[\]{LINK_SLOT}]+)\]")
_PARENTHESISED = re.compile(rf"\(([^(){LINK_SLOT}]+)\)")


def link_label(text: str) -> str:
    """A link's text as a label: ``[[Code]]`` -> ``code``."""
    return text.strip(" []()").lower()


def is_generic(text: str) -> bool:
    """Link text that names a kind of resource (``[[Code]]``, ``Project Page``), an identifier or a
    venue (``arXiv:2409.02060``, ``NeurIPS 2022``) rather than a paper's title."""
    label = link_label(text)
    if not label or label in _GENERIC_LABELS or _IDENTIFIER_TEXT.match(label):
        return True
    words = _LABEL_WORDS.finditer(label)
    first = next(words, None)
    if first is not None and first[0] in _GENERIC_WORDS and all(w[0] in _GENERIC_WORDS for w in words):
        return True  # ("Project Page"); stops at the first word of a title
    if len(label) > _MAX_TAG_LENGTH or not _DIGIT.search(label):  # too long, or no year: not a venue tag
        return False
    tag = parse_tag(text.strip(" []()"))
    return tag is not None and tag.venue is not None and tag.year is not None


def label_venue(label: str) -> str | None:
    """The venue a paper's link is labelled with: ``[[NeurIPS 2023]](…)``."""
    text = label.strip(" []()")
    return text if len(text) <= _MAX_TAG_LENGTH and _DIGIT.search(text) and known_venue(text) else None


def badge_tag(pieces: Iterable[Piece]) -> str | None:
    """The venue a badge among the pieces shows (``![Publish](…/badge/Conference-ICML'23-blue)``)."""
    return next((tag for p in pieces if p.kind == "image" and p.src and (tag := badge_venue(p.src))), None)


def split_tag(before: str) -> tuple[str | None, str]:
    """Take a leading ``[Venue'YY]`` (or ``[2024/01]``, ``[arXiv 2023.05]``) off the text before the title link."""
    match = _OPENING_TAG.match(before)
    if match and (tag := read_tag(match[1])):
        return tag, before[match.end():].strip()
    return None, before.strip()


def leading_tag(text: str) -> str | None:
    """A venue tag that opens a line: ``[ICLR 2017] Title …``, ``- [Arxiv'24] …``."""
    match = _LINE_OPENING_TAG.match(text)
    if match and parse_tag(match[1]):
        return match[1].strip()
    return None


def trailing_tags(after: str) -> list[str]:
    """Bracketed or parenthesised words after the title that are not links: ``[MoE Module Design]``."""
    if "[" not in after and "(" not in after:
        return []
    found = [m.strip() for m in _BRACKETED.findall(after) if m.strip()]
    found += [m.strip() for m in _PARENTHESISED.findall(after) if known_venue(m)]
    return found


def late_date(trailing: list[str]) -> tuple[int, int | None] | None:
    """A date among the tags after the title (``[Dec 2023]``), taken out of the tags."""
    late = next((tag for tag in trailing if read_date(tag)), None)
    if late is None:
        return None
    trailing.remove(late)
    return read_date(late)


def late_tag(trailing: list[str]) -> str | None:
    """A known venue among the tags after the title (``(ICLR 2017)``), taken out of the tags."""
    late = next((tag for tag in trailing if known_venue(tag)), None)
    if late is not None:
        trailing.remove(late)
    return late
