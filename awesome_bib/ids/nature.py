"""nature.com articles: ``/articles/<suffix>`` is the landing page of DOI ``10.1038/<suffix>``."""

from __future__ import annotations

from awesome_bib.ids.doi import ids_from_doi, normalize_doi
from awesome_bib.ids.url import PDF_SUFFIX, Recognised, Site, Url


def _recognise(url: Url) -> Recognised | None:
    if len(url.segments) == 2 and url.segments[0] == "articles":
        suffix = PDF_SUFFIX.sub("", url.segments[1])
        return "paper", ids_from_doi(normalize_doi(f"10.1038/{suffix}"))
    return None


SITE = Site(("nature.com",), _recognise)
