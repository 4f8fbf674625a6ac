"""PMLR papers (``v162/liu22g``): proceedings.mlr.press pages and PDFs, old jmlr.org proceedings."""

from __future__ import annotations

import re

from awesome_bib.ids.url import Recognised, Site, Url

# proceedings.mlr.press/v162/liu22g.html or .../liu22g/liu22g.pdf; jmlr.org/proceedings/papers/...
_PMLR_PAPER = re.compile(
    r"(?:proceedings/papers/)?([vr]\d+)/([A-Za-z][\w-]*?\d\d[a-z]*)(?:-supp)?(?:/|\.html|\.pdf|$)",
    re.ASCII,
)


def _recognise(url: Url) -> Recognised | None:
    if match := _PMLR_PAPER.match(url.path.lstrip("/")):
        return "paper", {"pmlr": f"{match.group(1)}/{match.group(2)}"}
    return None


def _abstract_page(url: Url) -> str | None:
    match = re.fullmatch(r"/(v\d+)/([\w-]+?)(?:/\2)?\.pdf", url.raw_path)
    return f"https://proceedings.mlr.press/{match[1]}/{match[2]}.html" if match else None


SITE = Site(("proceedings.mlr.press", "jmlr.org"), _recognise, _abstract_page,
            page_hosts=("proceedings.mlr.press",))
