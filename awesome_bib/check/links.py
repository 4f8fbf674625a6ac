"""Rules about the URLs on a line: whitespace and junk that break links, PDFs where an abstract page exists."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from urllib.parse import SplitResult, parse_qs, urlsplit

from ..identifiers import parse_arxiv_id
from ..model import Entry
from .engine import ERROR, WARNING, CheckContext, Hit, iter_links, quoted, rule

# A link as written, for lines Markdown did not read: [title] (url) with what lies between.
RAW_LINK = re.compile(r"\[(?P<title>[^\[\]]+)\](?P<gap>\s*)\(\s*(?P<url>https?://[^)]*?)\s*\)", re.IGNORECASE)
# Invisible characters that copy-paste leaves in URLs and that str.isspace() does not count.
_INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff")
_JUNK = (
    (re.compile(r"^https?://+https?:?/*", re.IGNORECASE), "a doubled 'https://'"),
    (re.compile(r"[<>\"{}|\\^`]"), "the character {0!r}"),
    (re.compile(r"[.,;:!?'’]$"), "a trailing {0!r}"),
    (re.compile(r"%(?:20|09|0a|0d|c2%a0)$", re.IGNORECASE), "a trailing encoded space {0!r}"),
)


def has_whitespace(url: str) -> bool:
    return any(char.isspace() or char in _INVISIBLE for char in url)


def _blank_name(url: str) -> str:
    char = next(char for char in url if char.isspace() or char in _INVISIBLE)
    if char == " ":
        return "a space"
    return f"the character U+{ord(char):04X} ({unicodedata.name(char, 'unnamed').lower()})"


def _all_links(context: CheckContext) -> Iterator[tuple[int, str, Entry | None]]:
    """(line, url, entry) for every URL on entry lines and on stray-link lines."""
    for entry in context.awesome.entries:
        if entry.shape != "malformed":
            for url in iter_links(entry):
                yield entry.line, url, entry
    for stray in context.awesome.stray_links:
        yield stray.line, stray.url, None


def _whose(entry: Entry | None) -> str:
    return f" of {quoted(entry)}" if entry else ""


@rule("url-whitespace", ERROR,
      "A URL contains a space or an invisible character: the link is broken (Markdown may not read it at all).",
      "Delete the space; retype the URL if the character is invisible.")
def url_whitespace(context: CheckContext) -> Iterator[Hit]:
    for entry in context.awesome.malformed:
        raw = RAW_LINK.search(entry.source)
        if raw and has_whitespace(raw["url"]):
            yield Hit(entry.line, f"the URL{_whose(entry)} contains {_blank_name(raw['url'])} "
                      f"({raw['url']!r}), so Markdown does not read it as a link", entry.title)
    for line, url, owner in _all_links(context):
        if has_whitespace(url):
            yield Hit(line, f"the URL {url!r}{_whose(owner)} contains {_blank_name(url)}",
                      owner.title if owner else None)


def junk_in(url: str) -> str | None:
    """What breaks an http(s) URL besides whitespace, or None when it looks sound.

    >>> junk_in("https://arxiv.org/abs/2401.04088."), junk_in("https://arxiv.org/abs/2401.04088")
    ("a trailing '.'", None)
    """
    for pattern, description in _JUNK:
        if found := pattern.search(url):
            return description.format(found[0])
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return "an unreadable host"
    return None if host and "." in host else "no host name"


@rule("url-junk", ERROR,
      "A URL has junk that breaks it: a doubled scheme, characters URLs cannot hold, trailing punctuation.",
      "Copy the URL again from the address bar.")
def url_junk(context: CheckContext) -> Iterator[Hit]:
    for line, url, owner in _all_links(context):
        if not has_whitespace(url) and (junk := junk_in(url)):
            yield Hit(line, f"the URL {url!r}{_whose(owner)} has {junk}", owner.title if owner else None)


# -- PDF links with an abstract page ------------------------------------------------------------

AbstractPage = Callable[[SplitResult], "str | None"]


def _arxiv(url: SplitResult) -> str | None:
    match = re.fullmatch(r"/pdf/(.+?)(?:\.pdf)?/?", url.path)
    parsed = parse_arxiv_id(match[1]) if match else None
    return f"https://arxiv.org/abs/{parsed[0]}{parsed[1] or ''}" if parsed else None


def _openreview(url: SplitResult) -> str | None:
    note = parse_qs(url.query).get("id", [""])[0]
    return f"https://openreview.net/forum?id={note}" if url.path.rstrip("/") == "/pdf" and note else None


def _acl_anthology(url: SplitResult) -> str | None:
    match = re.fullmatch(r"/([\w.-]+?)(?:v\d+)?\.pdf", url.path)
    return f"https://aclanthology.org/{match[1]}/" if match else None


def _acm(url: SplitResult) -> str | None:
    match = re.fullmatch(r"/doi/(?:pdf|epdf)/(10\..+)", url.path)
    return f"https://dl.acm.org/doi/{match[1]}" if match else None


def _proceedings_by_hash(url: SplitResult) -> str | None:
    """NeurIPS / MLSys: .../file/<hash>-Paper-Conference.pdf -> .../hash/<hash>-Abstract-Conference.html."""
    match = re.fullmatch(r"(/(?:paper_files/)?paper/\d{4})/file/([0-9a-f]{32})-Paper([\w-]*)\.pdf", url.path)
    return f"https://{url.hostname}{match[1]}/hash/{match[2]}-Abstract{match[3]}.html" if match else None


def _pmlr(url: SplitResult) -> str | None:
    match = re.fullmatch(r"/(v\d+)/([\w-]+?)(?:/\2)?\.pdf", url.path)
    return f"https://proceedings.mlr.press/{match[1]}/{match[2]}.html" if match else None


def _cvf(url: SplitResult) -> str | None:
    match = re.fullmatch(r"(/.+)/papers/(\w[\w-]*_paper)\.pdf", url.path)
    return f"https://openaccess.thecvf.com{match[1]}/html/{match[2]}.html" if match else None


def _isca(url: SplitResult) -> str | None:
    match = re.fullmatch(r"(/(?:archive/)?[a-z]+_\d{4}/\w+)\.pdf", url.path)
    return f"https://{url.hostname}{match[1]}.html" if match else None


def _ieee(url: SplitResult) -> str | None:
    number = parse_qs(url.query).get("arnumber", [""])[0]
    if url.path.startswith(("/stamp/", "/stampPDF/")) and number.isdigit():
        return f"https://ieeexplore.ieee.org/document/{number}"
    match = re.search(r"/iel\w*/(?:\d+/)+(\d+)\.pdf$", url.path)
    return f"https://ieeexplore.ieee.org/document/{match[1]}" if match else None


_ABSTRACT_PAGES: dict[str, AbstractPage] = {
    "arxiv.org": _arxiv,
    "openreview.net": _openreview,
    "aclanthology.org": _acl_anthology,
    "dl.acm.org": _acm,
    "proceedings.neurips.cc": _proceedings_by_hash,
    "papers.neurips.cc": _proceedings_by_hash,
    "papers.nips.cc": _proceedings_by_hash,
    "proceedings.mlsys.org": _proceedings_by_hash,
    "proceedings.mlr.press": _pmlr,
    "openaccess.thecvf.com": _cvf,
    "isca-archive.org": _isca,
    "isca-speech.org": _isca,
    "ieeexplore.ieee.org": _ieee,
}


def abstract_page(url: str) -> str | None:
    """The abstract (landing) page of a PDF link on a site that has one; None for anything else.

    >>> abstract_page("https://arxiv.org/pdf/2403.07816")
    'https://arxiv.org/abs/2403.07816'
    >>> abstract_page("https://proceedings.mlr.press/v162/liu22g/liu22g.pdf")
    'https://proceedings.mlr.press/v162/liu22g.html'
    >>> abstract_page("https://arxiv.org/abs/2403.07816") is None
    True
    """
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").removeprefix("www.")
    except ValueError:
        return None
    page = _ABSTRACT_PAGES.get(host)
    return page(parts) if page else None


@rule("pdf-link", WARNING,
      "An entry links a PDF where the site has an abstract page (arXiv, OpenReview, ACL, ACM, NeurIPS, PMLR, "
      "CVF, ISCA, IEEE).",
      "Link the abstract page the message names: it shows title, authors, venue and versions.")
def pdf_link(context: CheckContext) -> Iterator[Hit]:
    for entry in context.awesome.entries:
        if page := abstract_page(entry.url):
            yield Hit(entry.line, f"{quoted(entry)} links a PDF; link its abstract page {page}", entry.title)
