"""NeurIPS and MLSys proceedings, which name a paper by year and a content hash (``2022/<32 hex>``)."""

from __future__ import annotations

import re
from collections.abc import Callable

from awesome_bib.ids.url import Recognised, Site, Url

_PROCEEDINGS_HASH = re.compile(
    r"(?:paper_files/)?paper/(\d{4})/(?:hash|file)/([0-9a-f]{32})-", re.ASCII
)


def _recogniser(kind: str) -> Callable[[Url], Recognised | None]:
    def recognise(url: Url) -> Recognised | None:
        if match := _PROCEEDINGS_HASH.match(url.path.lstrip("/")):
            return "paper", {kind: f"{match.group(1)}/{match.group(2)}"}
        return None
    return recognise


def _abstract_page(url: Url) -> str | None:
    """.../file/<hash>-Paper-Conference.pdf -> .../hash/<hash>-Abstract-Conference.html."""
    match = re.fullmatch(r"(/(?:paper_files/)?paper/\d{4})/file/([0-9a-f]{32})-Paper([\w-]*)\.pdf", url.raw_path)
    return f"https://{url.hostname}{match[1]}/hash/{match[2]}-Abstract{match[3]}.html" if match else None


NEURIPS = Site(("proceedings.neurips.cc", "papers.neurips.cc", "papers.nips.cc"), _recogniser("neurips"),
               _abstract_page)
MLSYS = Site(("proceedings.mlsys.org",), _recogniser("mlsys"), _abstract_page)
