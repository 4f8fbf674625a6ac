"""Is this candidate the paper we mean?  Title, authors and year must agree.

A wrong paper is worse than none, so a candidate is accepted only on evidence: a normalised title
similarity (rapidfuzz) above a threshold, the first author (or most authors) in common, and years
close enough.  Without any author to compare, only a near-exact title with an agreeing year will
do, and several such candidates by different people are rejected as ambiguous.  Every rejected
candidate is logged on ``awesome_bib.resolve.resolver``.

    >>> from awesome_bib.resolve.sources import Reference
    >>> jiang = ({"given": "Albert Q.", "family": "Jiang"},)
    >>> mixtral = Reference("Mixtral of Experts", jiang, 2024)
    >>> judge(mixtral, {"title": "Mixtral of experts.", "author": [{"literal": "Albert Jiang"}],
    ...                 "issued": {"date-parts": [[2024]]}})
    Match(score=1.0, accepted=True, reason='title 1.00, first author Jiang, year 2024')
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from awesome_bib.records.csl import TITLE_THRESHOLD, issued_year, title_key, title_similarity
from awesome_bib.resolve.sources import Candidate, Reference

log = logging.getLogger("awesome_bib.resolve.resolver")

# For a candidate an identifier already points at (Semantic Scholar's DBLP key, arXiv's DOI),
# titles may differ more: published versions are often retitled ("Practical" dropped, ...).
LINKED_TITLE_THRESHOLD = 0.75
# With no author to compare, the title must be all but identical.
AUTHORLESS_TITLE_THRESHOLD = 0.97
AUTHOR_OVERLAP = 0.6


@dataclass(frozen=True)
class Match:
    """The verdict on one candidate: title similarity as score, and why."""

    score: float
    accepted: bool
    reason: str


def name_words(name: Mapping[str, Any]) -> list[str]:
    """A CSL name as normalised words, family name last."""
    parts = [name.get("given"), name.get("family")] if name.get("family") else [name.get("literal")]
    return title_key(" ".join(str(part) for part in parts if part)).split()


def same_person(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Whether two CSL names can be the same author: one's family name is among the other's words.

    Sources split names differently ("Teven Le Scao" / family "Scao") and order them differently
    ("Li Wei" / "Wei Li"), so the comparison is by words, accents and case ignored.
    """
    words_a, words_b = name_words(a), name_words(b)
    if not words_a or not words_b:
        return False
    return words_a[-1] in words_b or words_b[-1] in words_a


def author_overlap(
    reference: Sequence[Mapping[str, Any]], other: Sequence[Mapping[str, Any]]
) -> float:
    """Share of the reference's authors found among the other's."""
    if not reference:
        return 0.0
    found = sum(1 for person in reference if any(same_person(person, o) for o in other))
    return found / len(reference)


def judge(
    reference: Reference,
    candidate: Mapping[str, Any],
    *,
    years: tuple[int, int] = (-1, 1),
    title_threshold: float = TITLE_THRESHOLD,
) -> Match:
    """Accept or reject one candidate CSL item for ``reference``.

    ``years`` is the window of candidate years allowed around the reference's year (the
    published version of a preprint may come up to two years later: ``(-1, 2)``).
    """
    similarity = round(title_similarity(reference.title, str(candidate.get("title") or "")), 3)
    reasons = [f"title {similarity:.2f}"]
    if similarity < title_threshold:
        return Match(similarity, False, f"title {similarity:.2f} < {title_threshold:.2f}")
    authors: Sequence[Mapping[str, Any]] = candidate.get("author") or []
    if reference.authors:
        if not authors:
            return Match(similarity, False, "candidate lists no authors")
        if same_person(reference.authors[0], authors[0]):
            reasons.append(f"first author {' '.join(name_words(authors[0])[-1:]).title()}")
        else:
            overlap = author_overlap(reference.authors, authors)
            if overlap < AUTHOR_OVERLAP:
                return Match(similarity, False, _author_mismatch(reference.authors[0], authors[0]))
            reasons.append(f"authors overlap {overlap:.0%}")
    elif similarity < AUTHORLESS_TITLE_THRESHOLD:
        return Match(similarity, False, f"no author to compare and title only {similarity:.2f}")
    year = issued_year(candidate)
    if reference.year is not None and year is not None:
        if not reference.year + years[0] <= year <= reference.year + years[1]:
            return Match(similarity, False, f"year {year} vs {reference.year}")
        reasons.append(f"year {year}")
    elif not reference.authors:
        return Match(similarity, False, "no author to compare and no year to compare")
    return Match(similarity, True, ", ".join(reasons))


def _author_mismatch(expected: Mapping[str, Any], found: Mapping[str, Any]) -> str:
    return f"first author {' '.join(name_words(found))!r} is not {' '.join(name_words(expected))!r}"


@dataclass(frozen=True)
class Choice:
    """The verdicts on a set of candidates: the accepted ones (best first) and why others failed."""

    accepted: list[tuple[Candidate, Match]]
    rejected: list[str]

    @property
    def best(self) -> Candidate | None:
        return self.accepted[0][0] if self.accepted else None

    @property
    def score(self) -> float:
        return self.accepted[0][1].score if self.accepted else 0.0


def choose(
    reference: Reference,
    candidates: Sequence[Candidate],
    *,
    years: tuple[int, int] = (-1, 1),
    linked: Collection[str] = (),
) -> Choice:
    """Judge every candidate; the accepted ones come best first.

    Candidates whose id is in ``linked`` (pointed at by an identifier) are judged with the looser
    :data:`LINKED_TITLE_THRESHOLD` and preferred.  Without authors to compare, accepted candidates
    by different first authors are all rejected as ambiguous.
    """
    accepted: list[tuple[Candidate, Match]] = []
    rejected = []
    for candidate in candidates:
        threshold = LINKED_TITLE_THRESHOLD if candidate.id in linked else TITLE_THRESHOLD
        verdict = judge(reference, candidate.csl, years=years, title_threshold=threshold)
        if verdict.accepted:
            accepted.append((candidate, verdict))
        else:
            rejected.append(_rejected(reference, candidate, verdict.reason))
    if not reference.authors and len({_first_author(c) for c, _ in accepted}) > 1:
        reason = "ambiguous: papers by different authors match"
        return Choice([], rejected + [_rejected(reference, c, reason) for c, _ in accepted])
    accepted.sort(key=lambda pair: (pair[0].id not in linked, -pair[1].score))
    return Choice(accepted, rejected)


def _first_author(candidate: Candidate) -> str:
    authors = candidate.csl.get("author") or [{}]
    return " ".join(name_words(authors[0])[-1:])


def _rejected(reference: Reference, candidate: Candidate, reason: str) -> str:
    line = f"{candidate.source} {candidate.id}: {reason}"
    log.info("rejected candidate for %r: %s", reference.title, line)
    return line
