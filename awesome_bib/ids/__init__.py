"""Identifiers hidden in the URLs of a paper list: arXiv ids, DOIs, ACL Anthology ids and the like.

One module per kind of identifier (:mod:`.arxiv`, :mod:`.doi`, :mod:`.acl`, :mod:`.openreview`,
:mod:`.pmlr`, :mod:`.proceedings_by_hash`, :mod:`.usenix`, :mod:`.ieee`, :mod:`.cvf`, :mod:`.isca`,
:mod:`.mdpi`, :mod:`.preprints_org`, :mod:`.rxiv`, :mod:`.nature`) owns its pattern, validation,
canonical form, derived DOI and abstract page, and says so in a :class:`~.url.Site`;
:mod:`.hosts` knows the code and model hosts.  :func:`parse_link` reads one URL through that
registry and says what it points at (:class:`~awesome_bib.records.model.LinkTarget`): its role
(``paper``, ``code``, ``model``, ``dataset`` or ``web``) and the identifiers the URL itself
states, normalised so that two links to the same paper carry the same values::

    >>> parse_link("https://arxiv.org/pdf/2401.04088v2.pdf").ids
    {'arxiv': '2401.04088', 'arxiv-version': 'v2'}
    >>> parse_link("https://aclanthology.org/2024.acl-long.699.pdf").ids
    {'acl': '2024.acl-long.699', 'doi': '10.18653/v1/2024.acl-long.699'}

Nothing here touches the network: an id is only ever read off the URL or derived by a fixed rule
(ACL Anthology, MDPI and preprints.org DOIs follow from the URL).
"""

from __future__ import annotations

from awesome_bib.ids import (
    acl,
    arxiv,
    cvf,
    doi,
    hosts,
    ieee,
    isca,
    mdpi,
    nature,
    openreview,
    pmlr,
    preprints_org,
    proceedings_by_hash,
    rxiv,
    usenix,
)
from awesome_bib.ids.arxiv import ARXIV_DOI_PREFIX, arxiv_doi, arxiv_id_date, is_valid_arxiv_id, parse_arxiv_id
from awesome_bib.ids.doi import ids_from_doi, normalize_doi
from awesome_bib.ids.target import LinkTarget
from awesome_bib.ids.url import Recognised, Site, Url, split_url

__all__ = [
    "ARXIV_DOI_PREFIX", "SITES", "abstract_page", "arxiv_doi", "arxiv_id_date", "ids_from_doi",
    "is_valid_arxiv_id", "normalize_doi", "parse_arxiv_id", "parse_link",
]

SITES: tuple[Site, ...] = (
    arxiv.SITE, hosts.CODE, hosts.HUGGING_FACE, acl.SITE, openreview.SITE, pmlr.SITE,
    proceedings_by_hash.NEURIPS, proceedings_by_hash.MLSYS, usenix.SITE, ieee.SITE, cvf.SITE,
    isca.SITE, mdpi.SITE, preprints_org.SITE, rxiv.SITE, doi.RESOLVER, doi.IN_PATH, doi.ACM,
    nature.SITE,
)


def _by_host(sites: tuple[Site, ...], hosts_of: str) -> dict[str, Site]:
    table: dict[str, Site] = {}
    for site in sites:
        for host in getattr(site, hosts_of):
            if host in table:
                raise ValueError(f"two identifier kinds claim {host}")
            table[host] = site
    return table


_RECOGNISERS = _by_host(SITES, "hosts")
_ABSTRACT_PAGES = _by_host(SITES, "hosts_with_pages")


def _recognise(url: Url) -> Recognised:
    site = _RECOGNISERS.get(url.host)
    if site is not None and (recognised := site.recognise(url)) is not None:
        return recognised
    if (found := doi.doi_in_url(url)) is not None:
        return "paper", ids_from_doi(found)
    leading = hosts.PAPER_PAGES.get(url.host)
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
    parts = split_url(cleaned)
    if parts is None:
        return LinkTarget(url=cleaned, role="web", ids={})
    role, ids = _recognise(parts)
    return LinkTarget(url=cleaned, role=role, ids=ids)


def abstract_page(url: str) -> str | None:
    """The abstract (landing) page of a PDF link on a site that has one; None for anything else.

    >>> abstract_page("https://arxiv.org/pdf/2403.07816")
    'https://arxiv.org/abs/2403.07816'
    >>> abstract_page("https://proceedings.mlr.press/v162/liu22g/liu22g.pdf")
    'https://proceedings.mlr.press/v162/liu22g.html'
    >>> abstract_page("https://arxiv.org/abs/2403.07816") is None
    True
    """
    parts = split_url(url.strip(), web_only=False)
    site = _ABSTRACT_PAGES.get(parts.host) if parts else None
    if parts is None or site is None or site.abstract_page is None:
        return None
    return site.abstract_page(parts)
