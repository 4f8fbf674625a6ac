"""bioRxiv and medRxiv: the version-less DOI under /content/."""

from __future__ import annotations

import re

from awesome_bib.ids.doi import ids_from_doi
from awesome_bib.ids.url import Recognised, Site, Url

# bioRxiv/medRxiv show versions (v1) and views (.full.pdf) after the version-less DOI.
_RXIV_CONTENT = re.compile(r"/content/(10\.1101/(?:\d{4}\.\d\d\.\d\d\.)?\d{6,})", re.ASCII)


def _recognise(url: Url) -> Recognised | None:
    if match := _RXIV_CONTENT.match(url.path):
        return "paper", ids_from_doi(match.group(1))
    return None


SITE = Site(("biorxiv.org", "medrxiv.org"), _recognise)
