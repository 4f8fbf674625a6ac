"""DOIs: the one comparable form, resolver links, DOIs in publisher paths, and the ids a DOI spells.

>>> normalize_doi("https://doi.org/10.1145/3627703.3650083")
'10.1145/3627703.3650083'
>>> ids_from_doi("10.48550/arxiv.2401.04088")
{'doi': '10.48550/arxiv.2401.04088', 'arxiv': '2401.04088'}
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from awesome_bib.ids.acl import acl_of_doi
from awesome_bib.ids.arxiv import arxiv_of_doi
from awesome_bib.ids.url import PDF_SUFFIX, IdMap, Recognised, Site, Url

# A DOI's shape: the 10.<registrant> prefix, a slash, a suffix without spaces.
DOI_SHAPE = r"10\.\d{4,9}/\S+"
_DOI = re.compile(DOI_SHAPE, re.ASCII)
_DOI_START = re.compile(r"10\.\d{4,9}", re.ASCII)
DOI_RESOLVER = re.compile(r"(?:https?://)?(?:www\.|dx\.)?doi\.org/", re.IGNORECASE | re.ASCII)
_DOI_SCHEME = re.compile(r"doi:\s*", re.IGNORECASE | re.ASCII)
# Landing-page views that publishers append after the DOI (Frontiers ".../full", Wiley ".../epdf").
_DOI_VIEW_SUFFIX = re.compile(r"/(?:full|pdf|epdf|abstract|fulltext|html|meta)$", re.ASCII)
_TRAILING_PUNCTUATION = ".,;:'\"/"
# Crossref's example prefix: ACM's digital library shows 10.5555/... for items that have no DOI.
_PLACEHOLDER_DOI_PREFIX = "10.5555/"


def is_doi(text: str) -> bool:
    """Whether ``text`` is a bare DOI as written (no resolver, no ``doi:``).

    >>> is_doi("10.1145/3627703.3650083"), is_doi("https://doi.org/10.1145/3627703.3650083")
    (True, False)
    """
    return _DOI.fullmatch(text) is not None


def strip_doi_prefix(text: str) -> str:
    """``text`` without a leading resolver URL or ``doi:`` scheme; the DOI itself as written.

    >>> strip_doi_prefix("https://dx.doi.org/10.1145/X"), strip_doi_prefix("doi: 10.1145/X")
    ('10.1145/X', '10.1145/X')
    """
    if resolver := DOI_RESOLVER.match(text):
        return text[resolver.end():]
    if scheme := _DOI_SCHEME.match(text):
        return text[scheme.end():]
    return text


def is_resolver_link(url: str, doi: str) -> bool:
    """Whether ``url`` is only an http(s) resolver link to ``doi`` (case-insensitive).

    >>> is_resolver_link("https://doi.org/10.1145/X", "10.1145/x"), is_resolver_link("https://acm.org/x", "x")
    (True, False)
    """
    resolver = DOI_RESOLVER.match(url)
    return (resolver is not None and "://" in resolver[0]
            and url[resolver.end():].lower() == doi.lower())


def doi_url(doi: str) -> str:
    """The resolver link of a DOI, as links and exports write it.

    >>> doi_url("10.1145/3627703.3650083")
    'https://doi.org/10.1145/3627703.3650083'
    """
    return f"https://doi.org/{doi}"


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
    if resolver := DOI_RESOLVER.match(doi):
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


def ids_from_doi(doi: str | None) -> IdMap:
    """The DOI, plus the id it spells out when the registrant is arXiv or the ACL Anthology."""
    if doi is None or doi.startswith(_PLACEHOLDER_DOI_PREFIX):
        return {}
    ids = {"doi": doi}
    if arxiv := arxiv_of_doi(doi):
        ids["arxiv"] = arxiv
    elif acl := acl_of_doi(doi):
        ids["acl"] = acl
    return ids


def doi_in_path(segments: tuple[str, ...], after: str | None = "doi") -> str | None:
    """The DOI that starts at a path segment (after the ``after`` segment, when given)."""
    start = 0
    if after is not None:
        lowered = [segment.lower() for segment in segments]
        if after not in lowered:
            return None
        start = lowered.index(after) + 1
    for index in range(start, len(segments) - 1):
        if _DOI_START.fullmatch(segments[index]):
            return normalize_doi(PDF_SUFFIX.sub("", "/".join(segments[index:])))
    return None


def doi_in_url(url: Url) -> str | None:
    """/doi/<DOI> in the path (ACM, Wiley, Taylor & Francis, ...) or ?doi= / ?id=<DOI> (PLOS)."""
    query_doi = url.query.get("doi") or url.query.get("id") or ""
    return doi_in_path(url.segments) or normalize_doi(query_doi)


def _resolver(url: Url) -> Recognised | None:
    doi = normalize_doi(url.path.lstrip("/"))
    return ("paper", ids_from_doi(doi)) if doi else None


def _anywhere_in_path(url: Url) -> Recognised | None:
    """Publishers that put the DOI right into the path: link.springer.com/article/10.1007/..."""
    doi = doi_in_path(url.segments, after=None)
    return ("paper", ids_from_doi(doi)) if doi else None


def _acm_abstract_page(url: Url) -> str | None:
    match = re.fullmatch(r"/doi/(?:pdf|epdf)/(10\..+)", url.raw_path)
    return f"https://dl.acm.org/doi/{match[1]}" if match else None


RESOLVER = Site(("doi.org", "dx.doi.org"), _resolver)
IN_PATH = Site(("link.springer.com", "frontiersin.org"), _anywhere_in_path)
# ACM's digital library: /doi/<DOI> links, read by the generic rule; its PDFs have abstract pages.
ACM = Site(("dl.acm.org",), lambda _url: None, _acm_abstract_page)
