"""A URL split once into the parts the identifier kinds read, and the shape of what they answer."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple
from urllib.parse import parse_qsl, unquote, urlsplit

IdMap = dict[str, str]
Recognised = tuple[str, IdMap]

PDF_SUFFIX = re.compile(r"\.pdf$", re.IGNORECASE | re.ASCII)

_SCHEMELESS_HOST = re.compile(
    r"[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?:[/?#]|$)", re.IGNORECASE | re.ASCII
)


class Url(NamedTuple):
    host: str                   # lower-case, without "www."
    path: str                   # percent-decoded
    segments: tuple[str, ...]   # the path's non-empty segments
    query: dict[str, str]       # first value of each parameter
    hostname: str               # lower-case, as written (with "www." if it was there)
    raw_path: str               # as written, still percent-encoded


def split_url(url: str, *, web_only: bool = True) -> Url | None:
    """The parts of ``url``, or None when it has no host.

    With ``web_only`` (reading a list's links) a bare ``host.tld/path`` counts as https and any
    other scheme than http(s) as no URL; without it the URL is read exactly as written.

    >>> split_url("www.Example.org/a%20b/c?x=1").host, split_url("www.Example.org/a%20b/c?x=1").path
    ('example.org', '/a b/c')
    >>> split_url("ftp://example.org/file") is None, split_url("ftp://example.org/f", web_only=False).host
    (True, 'example.org')
    """
    if web_only and "://" not in url and _SCHEMELESS_HOST.match(url):
        url = f"https://{url}"
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
    except ValueError:  # malformed netloc, e.g. an unclosed IPv6 bracket
        return None
    if not hostname or (web_only and parts.scheme.lower() not in ("http", "https")):
        return None
    path = unquote(parts.path)
    query: dict[str, str] = {}
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        query.setdefault(name, value)
    segments = tuple(segment for segment in path.split("/") if segment)
    host = hostname.rstrip(".").removeprefix("www.")
    return Url(host, path, segments, query, hostname, parts.path)


@dataclass(frozen=True)
class Site:
    """What one kind of identifier knows about the hosts that show it.

    ``recognise`` reads a URL on one of ``hosts`` (None: not a URL this kind understands, let the
    generic DOI rules try); ``abstract_page`` turns a PDF link on one of ``page_hosts`` (by default
    ``hosts``) into its landing page.
    """

    hosts: tuple[str, ...]
    recognise: Callable[[Url], Recognised | None]
    abstract_page: Callable[[Url], str | None] | None = None
    page_hosts: tuple[str, ...] | None = None

    @property
    def hosts_with_pages(self) -> tuple[str, ...]:
        return () if self.abstract_page is None else self.page_hosts or self.hosts
