"""Hosts whose links are code, models or data sets rather than papers (GitHub, Hugging Face, ...)."""

from __future__ import annotations

from awesome_bib.ids.arxiv import parse_arxiv_id
from awesome_bib.ids.url import Recognised, Site, Url

_NOT_A_REPOSITORY = frozenset({
    "orgs", "topics", "features", "sponsors", "marketplace", "collections", "explore", "search",
    "trending", "settings", "about", "users", "groups", "dashboard", "help",
})


def _code_host(url: Url) -> Recognised:
    is_repository = len(url.segments) >= 2 and url.segments[0].lower() not in _NOT_A_REPOSITORY
    return ("code" if is_repository else "web"), {}


_HUB_PAGES = frozenset({
    "blog", "docs", "spaces", "models", "collections", "learn", "organizations", "settings", "join",
    "login", "pricing", "tasks", "chat", "posts", "enterprise", "datasets", "papers",
})


def _huggingface(url: Url) -> Recognised:
    segments = url.segments
    if len(segments) >= 2 and segments[0] == "papers" and (parsed := parse_arxiv_id(segments[1])):
        return "paper", {"arxiv": parsed[0]}
    if len(segments) >= 3 and segments[0] == "datasets":
        return "dataset", {}
    if len(segments) >= 2 and segments[0] not in _HUB_PAGES:
        return "model", {}
    return "web", {}


CODE = Site(("github.com", "gitlab.com", "bitbucket.org", "gitee.com"), _code_host)
HUGGING_FACE = Site(("huggingface.co", "hf.co"), _huggingface)

# Publication pages with no identifier in the URL: host -> leading path segments.
PAPER_PAGES = {
    "semanticscholar.org": ("paper",),
    "paperswithcode.com": ("paper",),
    "sciencedirect.com": ("science", "article"),
    "researchgate.net": ("publication",),
    "ojs.aaai.org": ("index.php",),
    "jmlr.org": ("papers",),
    "dl.acm.org": ("citation.cfm",),
}
