"""Identifiers hidden in the URLs of a paper list: arXiv ids, DOIs, ACL Anthology ids and the like.

:func:`parse_link` reads one URL and says what it points at
(:class:`~awesome_bib.model.LinkTarget`): its role (``paper``, ``code``, ``model``, ``dataset``
or ``web``) and the identifiers the URL itself states, normalised so that two links to the same
paper carry the same values::

    >>> parse_link("https://arxiv.org/pdf/2401.04088v2.pdf").ids
    {'arxiv': '2401.04088', 'arxiv-version': 'v2'}
    >>> parse_link("https://aclanthology.org/2024.acl-long.699.pdf").ids
    {'acl': '2024.acl-long.699', 'doi': '10.18653/v1/2024.acl-long.699'}

Nothing here touches the network: an id is only ever read off the URL or derived by a fixed rule
(ACL Anthology, MDPI and preprints.org DOIs follow from the URL; see the handlers below).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import NamedTuple
from urllib.parse import parse_qsl, unquote, urlsplit

from awesome_bib.model import LinkTarget

IdMap = dict[str, str]
Recognised = tuple[str, IdMap]

_PDF_SUFFIX = re.compile(r"\.pdf$", re.IGNORECASE | re.ASCII)

# --- arXiv -------------------------------------------------------------------------------------

# Archives that issued old-scheme ids (archive/YYMMNNN, August 1991 to March 2007).
_OLD_ARXIV_ARCHIVES = frozenset({
    "acc-phys", "adap-org", "alg-geom", "ao-sci", "astro-ph", "atom-ph", "bayes-an", "chao-dyn",
    "chem-ph", "cmp-lg", "comp-gas", "cond-mat", "cs", "dg-ga", "funct-an", "gr-qc", "hep-ex",
    "hep-lat", "hep-ph", "hep-th", "math", "math-ph", "mtrl-th", "nlin", "nucl-ex", "nucl-th",
    "patt-sol", "physics", "plasm-ph", "q-alg", "q-bio", "quant-ph", "solv-int", "supr-con",
})
_ARXIV_DOI_PREFIX = "10.48550/arxiv."
_ARXIV_NEW_ID = re.compile(r"(\d\d)(\d\d)\.(\d{4,5})", re.ASCII)
# The optional subject class (math.GT/0309136) is not part of the canonical id.
_ARXIV_OLD_ID = re.compile(r"([a-z]+(?:-[a-z]+)?)(?:\.[A-Za-z-]+)?/(\d\d)(\d\d)\d{3}", re.ASCII)
_ARXIV_ID_WITH_VERSION = re.compile(
    r"(?:arxiv:)?\s*(\d{4}\.\d{4,5}|[a-z]+(?:-[a-z]+)?(?:\.[A-Za-z-]+)?/\d{7})(v[1-9]\d*)?",
    re.IGNORECASE | re.ASCII,
)
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
    return f"{_ARXIV_DOI_PREFIX}{parsed[0]}"

# --- DOIs --------------------------------------------------------------------------------------

_DOI = re.compile(r"10\.\d{4,9}/\S+", re.ASCII)
_DOI_START = re.compile(r"10\.\d{4,9}", re.ASCII)
_DOI_RESOLVER = re.compile(r"(?:https?://)?(?:www\.|dx\.)?doi\.org/", re.IGNORECASE | re.ASCII)
_DOI_SCHEME = re.compile(r"doi:\s*", re.IGNORECASE | re.ASCII)
# Landing-page views that publishers append after the DOI (Frontiers ".../full", Wiley ".../epdf").
_DOI_VIEW_SUFFIX = re.compile(r"/(?:full|pdf|epdf|abstract|fulltext|html|meta)$", re.ASCII)
_TRAILING_PUNCTUATION = ".,;:'\"/"
# Crossref's example prefix: ACM's digital library shows 10.5555/... for items that have no DOI.
_PLACEHOLDER_DOI_PREFIX = "10.5555/"


def normalize_doi(text: str) -> str | None:
    """A DOI in the one form used for comparison: bare, URL-decoded, lower-case, no trailing junk.

    >>> normalize_doi("https://doi.org/10.1145/3627703.3650083")
    '10.1145/3627703.3650083'
    >>> normalize_doi("doi:10.18653/V1/2024.ACL-LONG.699.")
    '10.18653/v1/2024.acl-long.699'
    >>> normalize_doi("not a doi") is None
    True
    """
    doi = text.strip()
    if resolver := _DOI_RESOLVER.match(doi):
        # In a resolver URL a literal "?" or "#" starts the query or fragment; DOIs encode theirs.
        doi = re.split(r"[?#]", doi[resolver.end():], maxsplit=1)[0]
    elif scheme := _DOI_SCHEME.match(doi):
        doi = doi[scheme.end():]
    doi = unquote(doi).strip().lower()
    while True:
        trimmed = _DOI_VIEW_SUFFIX.sub("", doi.rstrip(_TRAILING_PUNCTUATION))
        for opening, closing in ("()", "[]", "{}"):
            if trimmed.endswith(closing) and trimmed.count(closing) > trimmed.count(opening):
                trimmed = trimmed[:-1]
        if trimmed == doi:
            break
        doi = trimmed
    return doi if _DOI.fullmatch(doi) else None


def _ids_from_doi(doi: str | None) -> IdMap:
    """The DOI, plus the id it spells out when the registrant is arXiv or the ACL Anthology."""
    if doi is None or doi.startswith(_PLACEHOLDER_DOI_PREFIX):
        return {}
    ids = {"doi": doi}
    if doi.startswith(_ARXIV_DOI_PREFIX):
        if arxiv := parse_arxiv_id(doi.removeprefix(_ARXIV_DOI_PREFIX)):
            ids["arxiv"] = arxiv[0]
    elif doi.startswith(_ACL_DOI_PREFIX) and (acl := _acl_id(doi.removeprefix(_ACL_DOI_PREFIX))):
        ids["acl"] = acl
    return ids


def _doi_in_path(segments: tuple[str, ...], after: str | None = "doi") -> str | None:
    """The DOI that starts at a path segment (after the ``after`` segment, when given)."""
    start = 0
    if after is not None:
        lowered = [segment.lower() for segment in segments]
        if after not in lowered:
            return None
        start = lowered.index(after) + 1
    for index in range(start, len(segments) - 1):
        if _DOI_START.fullmatch(segments[index]):
            return normalize_doi(_PDF_SUFFIX.sub("", "/".join(segments[index:])))
    return None


# --- ACL Anthology -----------------------------------------------------------------------------

_ACL_DOI_PREFIX = "10.18653/v1/"
_ACL_NEW_ID = re.compile(r"(\d{4})\.([a-z0-9]+(?:-[a-z0-9]+)*)\.(\d+)", re.IGNORECASE | re.ASCII)
_ACL_OLD_ID = re.compile(r"([A-Z])(\d\d)-(\d{4})", re.IGNORECASE | re.ASCII)
_ACL_FILE_SUFFIX = re.compile(r"(?:v\d+)?(?:\.(?:pdf|bib|xml))?$", re.IGNORECASE | re.ASCII)
# Journals in the Anthology (TACL, Computational Linguistics) have MIT Press DOIs, not 10.18653.
_ACL_JOURNAL_VENUES = frozenset({"tacl", "cl"})
_ACL_JOURNAL_LETTERS = frozenset({"Q", "J"})
_ACL_FIRST_DOI_YEAR = 2016  # old-scheme ids (P19-1285 is 2019) got DOIs from 2016 events on


def _acl_id(text: str) -> str | None:
    """An Anthology id as the Anthology spells it (``2024.acl-long.699``, ``P19-1285``)."""
    if _ACL_NEW_ID.fullmatch(text):
        return text.lower()
    if _ACL_OLD_ID.fullmatch(text):
        return text.upper()
    return None


def _acl_doi(acl_id: str) -> str | None:
    """``10.18653/v1/<id>``: the Anthology's DOI rule for conference and workshop papers.

    Journal papers are excluded, and so are old-scheme ids before 2016, which have no DOI.
    Some events hosted by the Anthology never registered DOIs; a resolver must read a
    failed lookup of a derived DOI as "no DOI", not as a broken entry.
    """
    new = _ACL_NEW_ID.fullmatch(acl_id)
    if new and new.group(2).split("-")[0] in _ACL_JOURNAL_VENUES:
        return None
    old = _ACL_OLD_ID.fullmatch(acl_id)
    if old:
        yy = int(old.group(2))
        year = (1900 if yy >= 50 else 2000) + yy  # the Anthology reaches back to the 1950s
        if old.group(1) in _ACL_JOURNAL_LETTERS or year < _ACL_FIRST_DOI_YEAR:
            return None
    return f"{_ACL_DOI_PREFIX}{acl_id.lower()}"


# --- URLs --------------------------------------------------------------------------------------


class _Url(NamedTuple):
    host: str                   # lower-case, without "www."
    path: str                   # percent-decoded
    segments: tuple[str, ...]   # the path's non-empty segments
    query: dict[str, str]       # first value of each parameter


_SCHEMELESS_HOST = re.compile(
    r"[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?:[/?#]|$)", re.IGNORECASE | re.ASCII
)


def _split(url: str) -> _Url | None:
    if "://" not in url and _SCHEMELESS_HOST.match(url):
        url = f"https://{url}"
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:  # malformed netloc, e.g. an unclosed IPv6 bracket
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    path = unquote(parts.path)
    query: dict[str, str] = {}
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        query.setdefault(name, value)
    segments = tuple(segment for segment in path.split("/") if segment)
    return _Url(host.rstrip(".").removeprefix("www."), path, segments, query)


def _arxiv(url: _Url) -> Recognised | None:
    if len(url.segments) < 2 or url.segments[0] not in ("abs", "pdf", "html"):
        return None
    # New ids take one segment, old ones two (hep-th/9901001); pages may add more (html/<id>/...).
    for width in (1, 2):
        written = _PDF_SUFFIX.sub("", "/".join(url.segments[1:1 + width]))
        if parsed := parse_arxiv_id(written):
            arxiv_id, version = parsed
            return "paper", {"arxiv": arxiv_id, **({"arxiv-version": version} if version else {})}
    return "paper", {}  # a paper link with a mistyped id: still a paper, for lint to report


_NOT_A_REPOSITORY = frozenset({
    "orgs", "topics", "features", "sponsors", "marketplace", "collections", "explore", "search",
    "trending", "settings", "about", "users", "groups", "dashboard", "help",
})


def _code_host(url: _Url) -> Recognised:
    is_repository = len(url.segments) >= 2 and url.segments[0].lower() not in _NOT_A_REPOSITORY
    return ("code" if is_repository else "web"), {}


_HUB_PAGES = frozenset({
    "blog", "docs", "spaces", "models", "collections", "learn", "organizations", "settings", "join",
    "login", "pricing", "tasks", "chat", "posts", "enterprise", "datasets", "papers",
})


def _huggingface(url: _Url) -> Recognised:
    segments = url.segments
    if len(segments) >= 2 and segments[0] == "papers" and (parsed := parse_arxiv_id(segments[1])):
        return "paper", {"arxiv": parsed[0]}
    if len(segments) >= 3 and segments[0] == "datasets":
        return "dataset", {}
    if len(segments) >= 2 and segments[0] not in _HUB_PAGES:
        return "model", {}
    return "web", {}


def _acl_anthology(url: _Url) -> Recognised | None:
    if not url.segments:
        return None
    acl = _acl_id(_ACL_FILE_SUFFIX.sub("", url.segments[-1]))
    if acl is None:
        return None
    doi = _acl_doi(acl)
    return "paper", {"acl": acl, **({"doi": doi} if doi else {})}


_OPENREVIEW_ID = re.compile(r"[A-Za-z0-9_-]+", re.ASCII)


def _openreview(url: _Url) -> Recognised | None:
    note = url.query.get("id", "")
    on_note_page = url.segments[:1] in (("forum",), ("pdf",), ("attachment",))
    if on_note_page and _OPENREVIEW_ID.fullmatch(note):
        return "paper", {"openreview": note}
    return None


# proceedings.mlr.press/v162/liu22g.html or .../liu22g/liu22g.pdf; jmlr.org/proceedings/papers/...
_PMLR_PAPER = re.compile(
    r"(?:proceedings/papers/)?([vr]\d+)/([A-Za-z][\w-]*?\d\d[a-z]*)(?:-supp)?(?:/|\.html|\.pdf|$)",
    re.ASCII,
)


def _pmlr(url: _Url) -> Recognised | None:
    if match := _PMLR_PAPER.match(url.path.lstrip("/")):
        return "paper", {"pmlr": f"{match.group(1)}/{match.group(2)}"}
    return None


_PROCEEDINGS_HASH = re.compile(
    r"(?:paper_files/)?paper/(\d{4})/(?:hash|file)/([0-9a-f]{32})-", re.ASCII
)


def _proceedings_by_hash(kind: str) -> Callable[[_Url], Recognised | None]:
    """NeurIPS and MLSys proceedings, which name a paper by year and a content hash."""
    def recognise(url: _Url) -> Recognised | None:
        if match := _PROCEEDINGS_HASH.match(url.path.lstrip("/")):
            return "paper", {kind: f"{match.group(1)}/{match.group(2)}"}
        return None
    return recognise


_USENIX_FILE = re.compile(r"([a-z]+\d\d)-([a-z0-9]+(?:-[a-z0-9]+)*)\.pdf", re.ASCII)


def _usenix(url: _Url) -> Recognised | None:
    segments = url.segments
    if len(segments) == 4 and segments[0] == "conference" and segments[2] == "presentation":
        return "paper", {"usenix": f"{segments[1]}/{segments[3]}"}
    match = _USENIX_FILE.fullmatch(segments[-1]) if segments[:2] == ("system", "files") else None
    # Whole-volume PDFs (atc23-full-proceedings.pdf) share the shape but are not papers.
    if match and "proceedings" not in match.group(2):
        return "paper", {"usenix": f"{match.group(1)}/{match.group(2)}"}
    return None


_IEEE_STAMP_FILE = re.compile(r"/iel\w*/(?:\d+/)+(\d+)\.pdf$", re.ASCII)


def _ieee(url: _Url) -> Recognised | None:
    segments = url.segments
    number = url.query.get("arnumber", "")
    if "document" in segments[:-1]:
        number = segments[segments.index("document") + 1]
    elif match := _IEEE_STAMP_FILE.search(url.path):
        number = match.group(1)
    return ("paper", {"ieee": number}) if number.isdigit() and number.isascii() else None


_CVF_OLD_CONFERENCE = re.compile(r"content_([a-z]+)_(\d{4})(_workshops)?", re.IGNORECASE | re.ASCII)
_CVF_PAPER_FILE = re.compile(r"([\w-]+_paper)\.(?:pdf|html)", re.ASCII)


def _cvf(url: _Url) -> Recognised | None:
    segments = url.segments
    file = _CVF_PAPER_FILE.fullmatch(segments[-1]) if len(segments) >= 3 else None
    if file is None or segments[-2] not in ("papers", "html"):
        return None
    if segments[0] == "content":
        conference = segments[1]
    elif old := _CVF_OLD_CONFERENCE.fullmatch(segments[0]):
        conference = f"{old.group(1).upper()}{old.group(2)}{'W' if old.group(3) else ''}"
    else:
        return None
    return "paper", {"cvf": f"{conference}/{file.group(1)}"}


_ISCA_PAPER = re.compile(
    r"/(?:archive/)?([a-z]+_\d{4})/([a-z0-9]+_[a-z0-9]+)\.(?:pdf|html)", re.IGNORECASE | re.ASCII
)


def _isca(url: _Url) -> Recognised | None:
    if match := _ISCA_PAPER.fullmatch(url.path):
        return "paper", {"isca": f"{match.group(1)}/{match.group(2)}".lower()}
    return None


# www.mdpi.com/<ISSN>/<volume>/<issue>/<article>[/pdf|/htm|...]
_MDPI_ARTICLE = re.compile(
    r"/(\d{4}-\d{3}[\dX])/(\d{1,4})/(\d{1,3})/(\d{1,6})(?:/[a-z-]*)?/?", re.IGNORECASE | re.ASCII
)


@cache
def _mdpi_doi_codes() -> dict[str, str]:
    table = (resources.files("awesome_bib") / "data" / "mdpi_journals.json").read_text("utf-8")
    return {issn: journal["doi-code"] for issn, journal in json.loads(table)["journals"].items()}


def _mdpi(url: _Url) -> Recognised | None:
    match = _MDPI_ARTICLE.fullmatch(url.path)
    if match is None:
        return None
    issn, volume, issue, article = match.groups()
    code = _mdpi_doi_codes().get(issn.upper())
    if code is None:
        return "paper", {}
    return "paper", {"doi": f"10.3390/{code}{int(volume)}{int(issue):02d}{int(article):04d}"}


_PREPRINTS_ORG = re.compile(
    r"/manuscript/(\d{6}\.\d{4})(?:/(v\d+))?(?:/.*)?", re.IGNORECASE | re.ASCII
)


def _preprints_org(url: _Url) -> Recognised | None:
    if match := _PREPRINTS_ORG.fullmatch(url.path):
        number, version = match.group(1), (match.group(2) or "v1").lower()
        return "paper", {"doi": f"10.20944/preprints{number}.{version}"}
    return None


# bioRxiv/medRxiv show versions (v1) and views (.full.pdf) after the version-less DOI.
_RXIV_CONTENT = re.compile(r"/content/(10\.1101/(?:\d{4}\.\d\d\.\d\d\.)?\d{6,})", re.ASCII)


def _rxiv(url: _Url) -> Recognised | None:
    if match := _RXIV_CONTENT.match(url.path):
        return "paper", _ids_from_doi(match.group(1))
    return None


def _doi_resolver(url: _Url) -> Recognised | None:
    doi = normalize_doi(url.path.lstrip("/"))
    return ("paper", _ids_from_doi(doi)) if doi else None


def _doi_anywhere_in_path(url: _Url) -> Recognised | None:
    """Publishers that put the DOI right into the path: link.springer.com/article/10.1007/..."""
    doi = _doi_in_path(url.segments, after=None)
    return ("paper", _ids_from_doi(doi)) if doi else None


def _nature(url: _Url) -> Recognised | None:
    # nature.com/articles/<suffix> is the landing page of DOI 10.1038/<suffix>.
    if len(url.segments) == 2 and url.segments[0] == "articles":
        suffix = _PDF_SUFFIX.sub("", url.segments[1])
        return "paper", _ids_from_doi(normalize_doi(f"10.1038/{suffix}"))
    return None


_HANDLERS: dict[str, Callable[[_Url], Recognised | None]] = {
    **dict.fromkeys(("arxiv.org", "export.arxiv.org", "ar5iv.labs.arxiv.org", "ar5iv.org"), _arxiv),
    **dict.fromkeys(("github.com", "gitlab.com", "bitbucket.org", "gitee.com"), _code_host),
    **dict.fromkeys(("huggingface.co", "hf.co"), _huggingface),
    **dict.fromkeys(("aclanthology.org", "aclweb.org", "anthology.aclweb.org"), _acl_anthology),
    "openreview.net": _openreview,
    **dict.fromkeys(("proceedings.mlr.press", "jmlr.org"), _pmlr),
    **dict.fromkeys(("proceedings.neurips.cc", "papers.neurips.cc", "papers.nips.cc"),
                    _proceedings_by_hash("neurips")),
    "proceedings.mlsys.org": _proceedings_by_hash("mlsys"),
    "usenix.org": _usenix,
    "ieeexplore.ieee.org": _ieee,
    "openaccess.thecvf.com": _cvf,
    **dict.fromkeys(("isca-archive.org", "isca-speech.org"), _isca),
    "mdpi.com": _mdpi,
    "preprints.org": _preprints_org,
    **dict.fromkeys(("biorxiv.org", "medrxiv.org"), _rxiv),
    **dict.fromkeys(("doi.org", "dx.doi.org"), _doi_resolver),
    **dict.fromkeys(("link.springer.com", "frontiersin.org"), _doi_anywhere_in_path),
    "nature.com": _nature,
}

# Publication pages with no identifier in the URL: host -> leading path segments.
_PAPER_PAGES = {
    "semanticscholar.org": ("paper",),
    "paperswithcode.com": ("paper",),
    "sciencedirect.com": ("science", "article"),
    "researchgate.net": ("publication",),
    "ojs.aaai.org": ("index.php",),
    "jmlr.org": ("papers",),
    "dl.acm.org": ("citation.cfm",),
}


def _recognise(url: _Url) -> Recognised:
    handler = _HANDLERS.get(url.host)
    if handler is not None and (recognised := handler(url)) is not None:
        return recognised
    # /doi/<DOI> in the path (ACM, Wiley, Taylor & Francis, ...) or ?id=<DOI> (PLOS).
    query_doi = url.query.get("doi") or url.query.get("id") or ""
    doi = _doi_in_path(url.segments) or normalize_doi(query_doi)
    if doi is not None:
        return "paper", _ids_from_doi(doi)
    leading = _PAPER_PAGES.get(url.host)
    if leading is not None and url.segments[:len(leading)] == leading:
        return "paper", {}
    return ("paper" if url.path.lower().endswith(".pdf") else "web"), {}


def parse_link(url: str) -> LinkTarget:
    """What a list's URL points at, and the identifiers it states.

    The URL is kept as written, minus surrounding whitespace; identity comes from ``ids``.
    Anything that is not an http(s) URL is a ``web`` link without ids; this never raises.

    >>> target = parse_link(" https://openreview.net/forum?id=stXtBqyTWX&noteId=p7ADDxdU8g ")
    >>> target.role, target.ids
    ('paper', {'openreview': 'stXtBqyTWX'})
    >>> target.url
    'https://openreview.net/forum?id=stXtBqyTWX&noteId=p7ADDxdU8g'
    """
    cleaned = url.strip()
    parts = _split(cleaned)
    if parts is None:
        return LinkTarget(url=cleaned, role="web", ids={})
    role, ids = _recognise(parts)
    return LinkTarget(url=cleaned, role=role, ids=ids)
