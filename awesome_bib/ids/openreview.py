"""OpenReview note ids (``forum?id=stXtBqyTWX``) and the forum page of a note's PDF."""

from __future__ import annotations

import re

from awesome_bib.ids.url import Recognised, Site, Url

_OPENREVIEW_ID = re.compile(r"[A-Za-z0-9_-]+", re.ASCII)


def _recognise(url: Url) -> Recognised | None:
    note = url.query.get("id", "")
    on_note_page = url.segments[:1] in (("forum",), ("pdf",), ("attachment",))
    if on_note_page and _OPENREVIEW_ID.fullmatch(note):
        return "paper", {"openreview": note}
    return None


def _abstract_page(url: Url) -> str | None:
    note = url.query.get("id", "")
    return f"https://openreview.net/forum?id={note}" if url.raw_path.rstrip("/") == "/pdf" and note else None


SITE = Site(("openreview.net",), _recognise, _abstract_page)
