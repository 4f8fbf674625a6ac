"""Rules about the URLs on a line: whitespace and junk that break links, PDFs where an abstract page exists."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from urllib.parse import urlsplit

from awesome_bib.check.engine import ERROR, WARNING, CheckContext, Hit, iter_links, quoted, rule
from awesome_bib.ids import abstract_page
from awesome_bib.lists.document import RAW_LINK
from awesome_bib.records.model import Entry

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


@rule("pdf-link", WARNING,
      "An entry links a PDF where the site has an abstract page (arXiv, OpenReview, ACL, ACM, NeurIPS, PMLR, "
      "CVF, ISCA, IEEE).",
      "Link the abstract page the message names: it shows title, authors, venue and versions.")
def pdf_link(context: CheckContext) -> Iterator[Hit]:
    for entry in context.awesome.entries:
        if page := abstract_page(entry.url):
            yield Hit(entry.line, f"{quoted(entry)} links a PDF; link its abstract page {page}", entry.title)
