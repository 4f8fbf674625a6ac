"""ACL Anthology ids (``2024.acl-long.699``, ``P19-1285``), their DOIs and their pages.

>>> acl_id("2024.ACL-long.699"), acl_doi("P19-1285"), acl_doi("Q19-1001")
('2024.acl-long.699', '10.18653/v1/p19-1285', None)
"""

from __future__ import annotations

import re

from awesome_bib.ids.url import Recognised, Site, Url

ACL_DOI_PREFIX = "10.18653/v1/"
_ACL_NEW_ID = re.compile(r"(\d{4})\.([a-z0-9]+(?:-[a-z0-9]+)*)\.(\d+)", re.IGNORECASE | re.ASCII)
_ACL_OLD_ID = re.compile(r"([A-Z])(\d\d)-(\d{4})", re.IGNORECASE | re.ASCII)
_ACL_FILE_SUFFIX = re.compile(r"(?:v\d+)?(?:\.(?:pdf|bib|xml))?$", re.IGNORECASE | re.ASCII)
# Journals in the Anthology (TACL, Computational Linguistics) have MIT Press DOIs, not 10.18653.
_ACL_JOURNAL_VENUES = frozenset({"tacl", "cl"})
_ACL_JOURNAL_LETTERS = frozenset({"Q", "J"})
_ACL_FIRST_DOI_YEAR = 2016  # old-scheme ids (P19-1285 is 2019) got DOIs from 2016 events on


def acl_id(text: str) -> str | None:
    """An Anthology id as the Anthology spells it (``2024.acl-long.699``, ``P19-1285``)."""
    if _ACL_NEW_ID.fullmatch(text):
        return text.lower()
    if _ACL_OLD_ID.fullmatch(text):
        return text.upper()
    return None


def acl_doi(acl_id: str) -> str | None:
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
    return f"{ACL_DOI_PREFIX}{acl_id.lower()}"


def acl_of_doi(doi: str) -> str | None:
    """The Anthology id a 10.18653/v1 DOI spells out, None for any other DOI."""
    return acl_id(doi.removeprefix(ACL_DOI_PREFIX)) if doi.startswith(ACL_DOI_PREFIX) else None


def _recognise(url: Url) -> Recognised | None:
    if not url.segments:
        return None
    found = acl_id(_ACL_FILE_SUFFIX.sub("", url.segments[-1]))
    if found is None:
        return None
    doi = acl_doi(found)
    return "paper", {"acl": found, **({"doi": doi} if doi else {})}


def _abstract_page(url: Url) -> str | None:
    match = re.fullmatch(r"/([\w.-]+?)(?:v\d+)?\.pdf", url.raw_path)
    return f"https://aclanthology.org/{match[1]}/" if match else None


SITE = Site(("aclanthology.org", "aclweb.org", "anthology.aclweb.org"), _recognise,
            _abstract_page, page_hosts=("aclanthology.org",))
