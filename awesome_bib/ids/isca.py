"""ISCA archive papers (Interspeech: ``interspeech_2024/li24b``)."""

from __future__ import annotations

import re

from awesome_bib.ids.url import Recognised, Site, Url

_ISCA_PAPER = re.compile(
    r"/(?:archive/)?([a-z]+_\d{4})/([a-z0-9]+_[a-z0-9]+)\.(?:pdf|html)", re.IGNORECASE | re.ASCII
)


def _recognise(url: Url) -> Recognised | None:
    if match := _ISCA_PAPER.fullmatch(url.path):
        return "paper", {"isca": f"{match.group(1)}/{match.group(2)}".lower()}
    return None


def _abstract_page(url: Url) -> str | None:
    match = re.fullmatch(r"(/(?:archive/)?[a-z]+_\d{4}/\w+)\.pdf", url.raw_path)
    return f"https://{url.hostname}{match[1]}.html" if match else None


SITE = Site(("isca-archive.org", "isca-speech.org"), _recognise, _abstract_page)
