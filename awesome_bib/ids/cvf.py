"""CVF open access papers (``CVPR2024/Lin_..._paper``), in the old and the new URL layout."""

from __future__ import annotations

import re

from awesome_bib.ids.url import Recognised, Site, Url

_CVF_OLD_CONFERENCE = re.compile(r"content_([a-z]+)_(\d{4})(_workshops)?", re.IGNORECASE | re.ASCII)
_CVF_PAPER_FILE = re.compile(r"([\w-]+_paper)\.(?:pdf|html)", re.ASCII)


def _recognise(url: Url) -> Recognised | None:
    segments = url.segments
    file = _CVF_PAPER_FILE.fullmatch(segments[-1]) if len(segments) >= 3 else None
    if file is None or segments[-2] not in ("papers", "html"):
        return None
    if segments[0] == "content":
        conference = segments[1]
    elif old := _CVF_OLD_CONFERENCE.fullmatch(segments[0]):
        conference = f"{old.group(1).upper()}{old.group(2)}{'W' if old.group(3) else ''}"
    else:
        return None
    return "paper", {"cvf": f"{conference}/{file.group(1)}"}


def _abstract_page(url: Url) -> str | None:
    match = re.fullmatch(r"(/.+)/papers/(\w[\w-]*_paper)\.pdf", url.raw_path)
    return f"https://openaccess.thecvf.com{match[1]}/html/{match[2]}.html" if match else None


SITE = Site(("openaccess.thecvf.com",), _recognise, _abstract_page)
