"""arXiv identifiers: the old and new schemes, versions, the DOI arXiv registers, abs and PDF pages.

>>> parse_arxiv_id("arXiv:2401.04088v2"), arxiv_doi("2401.04088")
(('2401.04088', 'v2'), '10.48550/arxiv.2401.04088')
"""

from __future__ import annotations

import re

from awesome_bib.ids.url import PDF_SUFFIX, Recognised, Site, Url

# Archives that issued old-scheme ids (archive/YYMMNNN, August 1991 to March 2007).
_OLD_ARXIV_ARCHIVES = frozenset({
    "acc-phys", "adap-org", "alg-geom", "ao-sci", "astro-ph", "atom-ph", "bayes-an", "chao-dyn",
    "chem-ph", "cmp-lg", "comp-gas", "cond-mat", "cs", "dg-ga", "funct-an", "gr-qc", "hep-ex",
    "hep-lat", "hep-ph", "hep-th", "math", "math-ph", "mtrl-th", "nlin", "nucl-ex", "nucl-th",
    "patt-sol", "physics", "plasm-ph", "q-alg", "q-bio", "quant-ph", "solv-int", "supr-con",
})
# arXiv's DataCite prefix: every DOI under it names an arXiv preprint.
ARXIV_DOI_REGISTRANT = "10.48550/"
ARXIV_DOI_PREFIX = f"{ARXIV_DOI_REGISTRANT}arxiv."
# Where abstract pages live: the URL the list, records and exports link a preprint by.
ABS_PAGES = "https://arxiv.org/abs/"
# A new-scheme id's shape (YYMM.NNNN or YYMM.NNNNN), for patterns that look for one in text.
NEW_ID_SHAPE = r"\d{4}\.\d{4,5}"
_ARXIV_NEW_ID = re.compile(r"(\d\d)(\d\d)\.(\d{4,5})", re.ASCII)
# The optional subject class (math.GT/0309136) is not part of the canonical id.
_ARXIV_OLD_ID = re.compile(r"([a-z]+(?:-[a-z]+)?)(?:\.[A-Za-z-]+)?/(\d\d)(\d\d)\d{3}", re.ASCII)
_ARXIV_ID_WITH_VERSION = re.compile(
    rf"(?:arxiv:)?\s*({NEW_ID_SHAPE}|[a-z]+(?:-[a-z]+)?(?:\.[A-Za-z-]+)?/\d{{7}})(v[1-9]\d*)?",
    re.IGNORECASE | re.ASCII,
)
# What a user means as an arXiv id even when it is not a valid one (2413.00001, arxiv.org/abs/1234.5).
_LOOKS_ARXIV = re.compile(r"(?:arxiv:\s*|https?://arxiv\.org/\w+/)?\d{4}\.\d+", re.IGNORECASE)
_FIRST_NEW_SCHEME_MONTH = 704   # 2007-04: YYMM.NNNN begins
_FIRST_FIVE_DIGIT_MONTH = 1501  # 2015-01: YYMM.NNNNN begins
_OLD_SCHEME_MONTHS = ((1991, 8), (2007, 3))


def is_valid_arxiv_id(arxiv_id: str) -> bool:
    """Whether ``arxiv_id`` (no version, no ``arXiv:`` prefix) is a well-formed arXiv identifier.

    New scheme ``YYMM.NNNN`` from 0704 to 1412 and ``YYMM.NNNNN`` from 1501; old scheme
    ``archive(.SC)/YYMMNNN`` between 9108 and 0703 for an archive that existed then.

    >>> [is_valid_arxiv_id(i) for i in ("2401.04088", "1501.1234", "cs/0112017")]
    [True, False, True]
    """
    if match := _ARXIV_NEW_ID.fullmatch(arxiv_id):
        yy, mm, number = match.groups()
        yymm = int(yy + mm)
        if not 1 <= int(mm) <= 12 or yymm < _FIRST_NEW_SCHEME_MONTH:
            return False
        return (len(number) == 5) == (yymm >= _FIRST_FIVE_DIGIT_MONTH)
    if match := _ARXIV_OLD_ID.fullmatch(arxiv_id):
        archive, yy, mm = match.groups()
        year = (1900 if int(yy) >= 91 else 2000) + int(yy)
        first, last = _OLD_SCHEME_MONTHS
        in_use = first <= (year, int(mm)) <= last
        return archive in _OLD_ARXIV_ARCHIVES and 1 <= int(mm) <= 12 and in_use
    return False


def looks_like_arxiv_id(text: str) -> bool:
    """Whether ``text`` was meant as an arXiv id, valid or not (for saying what is wrong with it).

    >>> looks_like_arxiv_id("arXiv:2413.00001"), looks_like_arxiv_id("10.1145/3627703")
    (True, False)
    """
    return _LOOKS_ARXIV.match(text) is not None


def parse_arxiv_id(text: str) -> tuple[str, str | None] | None:
    """Split an arXiv identifier as written into its canonical id and version.

    >>> parse_arxiv_id("arXiv:2401.04088v2")
    ('2401.04088', 'v2')
    >>> parse_arxiv_id("math.GT/0309136")
    ('math/0309136', None)
    >>> parse_arxiv_id("2413.00001") is None
    True
    """
    match = _ARXIV_ID_WITH_VERSION.fullmatch(text.strip())
    if match is None:
        return None
    written, version = match.groups()
    if "/" in written:
        archive_with_class, number = written.split("/")
        written = f"{archive_with_class.split('.')[0].lower()}/{number}"
    if not is_valid_arxiv_id(written):
        return None
    return written, version.lower() if version else None


def arxiv_id_date(arxiv_id: str) -> tuple[int, int]:
    """The (year, month) of first submission an arXiv id encodes.

    >>> arxiv_id_date("2310.16795"), arxiv_id_date("hep-th/9901001v1")
    ((2023, 10), (1999, 1))
    """
    parsed = parse_arxiv_id(arxiv_id)
    if parsed is None:
        raise ValueError(f"not an arXiv identifier: {arxiv_id!r}")
    yymm = parsed[0].split("/")[-1][:4]
    yy, mm = int(yymm[:2]), int(yymm[2:])
    century = 1900 if "/" in parsed[0] and yy >= 91 else 2000
    return century + yy, mm


def arxiv_doi(arxiv_id: str) -> str:
    """The DataCite DOI arXiv registers for a paper, lower-cased like every DOI here.

    >>> arxiv_doi("2401.04088v2")
    '10.48550/arxiv.2401.04088'
    """
    parsed = parse_arxiv_id(arxiv_id)
    if parsed is None:
        raise ValueError(f"not an arXiv identifier: {arxiv_id!r}")
    return f"{ARXIV_DOI_PREFIX}{parsed[0]}"


def arxiv_of_doi(doi: str) -> str | None:
    """The arXiv id an arXiv DOI spells out, None for any other DOI.

    >>> arxiv_of_doi("10.48550/arxiv.2401.04088"), arxiv_of_doi("10.1145/3627703.3650083")
    ('2401.04088', None)
    """
    if not doi.startswith(ARXIV_DOI_PREFIX):
        return None
    parsed = parse_arxiv_id(doi.removeprefix(ARXIV_DOI_PREFIX))
    return parsed[0] if parsed else None


def abs_url(arxiv_id: str, version: str | None = None) -> str:
    """The abstract page of an arXiv paper (of one version, when given).

    >>> abs_url("2401.04088"), abs_url("2401.04088", "v2")
    ('https://arxiv.org/abs/2401.04088', 'https://arxiv.org/abs/2401.04088v2')
    """
    return f"{ABS_PAGES}{arxiv_id}{version or ''}"


def _recognise(url: Url) -> Recognised | None:
    if len(url.segments) < 2 or url.segments[0] not in ("abs", "pdf", "html"):
        return None
    # New ids take one segment, old ones two (hep-th/9901001); pages may add more (html/<id>/...).
    for width in (1, 2):
        written = PDF_SUFFIX.sub("", "/".join(url.segments[1:1 + width]))
        if parsed := parse_arxiv_id(written):
            arxiv_id, version = parsed
            return "paper", {"arxiv": arxiv_id, **({"arxiv-version": version} if version else {})}
    return "paper", {}  # a paper link with a mistyped id: still a paper, for lint to report


def _abstract_page(url: Url) -> str | None:
    match = re.fullmatch(r"/pdf/(.+?)(?:\.pdf)?/?", url.raw_path)
    parsed = parse_arxiv_id(match[1]) if match else None
    return abs_url(*parsed) if parsed else None


SITE = Site(("arxiv.org", "export.arxiv.org", "ar5iv.labs.arxiv.org", "ar5iv.org"), _recognise,
            _abstract_page, page_hosts=("arxiv.org",))
