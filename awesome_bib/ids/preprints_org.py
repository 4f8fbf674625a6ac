"""preprints.org manuscripts: the DOI follows from the manuscript number and version."""

from __future__ import annotations

import re

from awesome_bib.ids.url import Recognised, Site, Url

_PREPRINTS_ORG = re.compile(
    r"/manuscript/(\d{6}\.\d{4})(?:/(v\d+))?(?:/.*)?", re.IGNORECASE | re.ASCII
)


def _recognise(url: Url) -> Recognised | None:
    if match := _PREPRINTS_ORG.fullmatch(url.path):
        number, version = match.group(1), (match.group(2) or "v1").lower()
        return "paper", {"doi": f"10.20944/preprints{number}.{version}"}
    return None


SITE = Site(("preprints.org",), _recognise)
