"""IEEE Xplore article numbers: document pages, ``?arnumber=`` stamps and stamped PDF files."""

from __future__ import annotations

import re

from awesome_bib.ids.url import Recognised, Site, Url

_IEEE_STAMP_FILE = re.compile(r"/iel\w*/(?:\d+/)+(\d+)\.pdf$", re.ASCII)


def _recognise(url: Url) -> Recognised | None:
    segments = url.segments
    number = url.query.get("arnumber", "")
    if "document" in segments[:-1]:
        number = segments[segments.index("document") + 1]
    elif match := _IEEE_STAMP_FILE.search(url.path):
        number = match.group(1)
    return ("paper", {"ieee": number}) if number.isdigit() and number.isascii() else None


def _abstract_page(url: Url) -> str | None:
    number = url.query.get("arnumber", "")
    if url.raw_path.startswith(("/stamp/", "/stampPDF/")) and number.isdigit():
        return f"https://ieeexplore.ieee.org/document/{number}"
    match = _IEEE_STAMP_FILE.search(url.raw_path)
    return f"https://ieeexplore.ieee.org/document/{match[1]}" if match else None


SITE = Site(("ieeexplore.ieee.org",), _recognise, _abstract_page)
