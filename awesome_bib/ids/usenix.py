"""USENIX papers (``osdi24/zhong-yinmin``): presentation pages and the PDFs under system/files."""

from __future__ import annotations

import re

from awesome_bib.ids.url import Recognised, Site, Url

_USENIX_FILE = re.compile(r"([a-z]+\d\d)-([a-z0-9]+(?:-[a-z0-9]+)*)\.pdf", re.ASCII)


def _recognise(url: Url) -> Recognised | None:
    segments = url.segments
    if len(segments) == 4 and segments[0] == "conference" and segments[2] == "presentation":
        return "paper", {"usenix": f"{segments[1]}/{segments[3]}"}
    match = _USENIX_FILE.fullmatch(segments[-1]) if segments[:2] == ("system", "files") else None
    # Whole-volume PDFs (atc23-full-proceedings.pdf) share the shape but are not papers.
    if match and "proceedings" not in match.group(2):
        return "paper", {"usenix": f"{match.group(1)}/{match.group(2)}"}
    return None


SITE = Site(("usenix.org",), _recognise)
