"""MDPI articles: the DOI follows from the journal's ISSN, volume, issue and article number."""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources

from awesome_bib.ids.url import Recognised, Site, Url

# www.mdpi.com/<ISSN>/<volume>/<issue>/<article>[/pdf|/htm|...]
_MDPI_ARTICLE = re.compile(
    r"/(\d{4}-\d{3}[\dX])/(\d{1,4})/(\d{1,3})/(\d{1,6})(?:/[a-z-]*)?/?", re.IGNORECASE | re.ASCII
)


@cache
def _mdpi_doi_codes() -> dict[str, str]:
    table = (resources.files("awesome_bib") / "data" / "mdpi_journals.json").read_text("utf-8")
    return {issn: journal["doi-code"] for issn, journal in json.loads(table)["journals"].items()}


def _recognise(url: Url) -> Recognised | None:
    match = _MDPI_ARTICLE.fullmatch(url.path)
    if match is None:
        return None
    issn, volume, issue, article = match.groups()
    code = _mdpi_doi_codes().get(issn.upper())
    if code is None:
        return "paper", {}
    return "paper", {"doi": f"10.3390/{code}{int(volume)}{int(issue):02d}{int(article):04d}"}


SITE = Site(("mdpi.com",), _recognise)
