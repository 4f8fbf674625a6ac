"""The browsable page of a list: one self-contained HTML file beside the release files it links.

The page is the section tree as navigation (paper counts include subsections) and each section's
papers in list order, rendered here, so it reads without a script; the inline script (from
``data/site/``) adds the search, the filters, the URL fragment and the copy buttons.  Nothing is
loaded from elsewhere: CSS and script are inline, the charts are SVG drawn in Python, and the page's
Content-Security-Policy allows only that script (by its hash).

Every text from the list or the metadata is escaped here; formatted references come escaped from
:mod:`.formatted`, and the embedded JSON cannot close its ``<script>`` element.  The same records
give the same bytes: no clock, no randomness, dicts in list order.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from importlib import resources
from urllib.parse import quote

from awesome_bib import __version__
from awesome_bib.export.bibtex import to_bibtex
from awesome_bib.export.formatted import HTML_INLINE, formatted_entries
from awesome_bib.export.latex_table import year_of
from awesome_bib.export.latex_tree import cite_command
from awesome_bib.export.site_chart import year_chart
from awesome_bib.export.styles import style_failure
from awesome_bib.ids import parse_link
from awesome_bib.ids.doi import doi_url
from awesome_bib.records.model import CSLItem

SHOWN_AUTHORS = 3
DOWNLOADS = (("bib", "BibTeX"), ("biblatex.bib", "biblatex"), ("json", "CSL-JSON"), ("ris", "RIS"),
             ("yml", "Hayagriva"), ("md", "Markdown"))
# CSL types that are neither a preprint nor a publication: the "published" filter leaves them out.
_UNPUBLISHED_TYPES = frozenset({"post-weblog", "post", "webpage", "software", "dataset"})
_LINK_ROLES = {"code": "Code", "model": "Model", "dataset": "Data"}
_PLACEHOLDER = re.compile(r"@@([A-Z_]+)@@")
# "<", ">" and "&" as JSON escapes: the data can then never end its <script> element or open a comment.
_JSON_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


@dataclass(frozen=True)
class PageSection:
    """A section of the page: ``listed`` are the keys of the papers listed directly under it,
    ``papers`` those of it and its subsections (each once), both in list order; ``files`` is the
    stem of its release files (``<files>.bib`` …)."""

    path: str
    title: str
    files: str
    listed: tuple[str, ...]
    papers: tuple[str, ...]


@dataclass(frozen=True)
class Page:
    """What the page shows: every paper once in list order, the sections with papers in list order
    (a section's parent is in it too), and what the header names."""

    title: str
    items: Sequence[CSLItem]
    sections: Sequence[PageSection]
    style: str
    all_files: str = "all"
    archive: str | None = None
    version: str | None = None


def site_html(page: Page) -> str:
    """The page as HTML text."""
    keys = [str(item["id"]) for item in page.items]
    by_key = dict(zip(keys, page.items, strict=True))
    references = _references(page.items, page.style)
    years = {key: _year(item) for key, item in by_key.items()}
    dated = [year for year in years.values() if year is not None]
    span = (min(dated), max(dated)) if dated else None
    writer = _Writer(by_key, references, years, span)
    in_sections = {key for section in page.sections for key in section.listed}
    outside = [key for key in keys if key not in in_sections]
    body = writer.outside(outside) + "".join(writer.section(s, page.sections) for s in _roots(page.sections))
    values = {
        "TITLE": escape(page.title),
        "SUMMARY": _summary(page, len(keys)),
        "FILTERS": _filters(sorted(set(dated))),
        "NAV": _nav(page, len(keys)),
        "SECTIONS": body,
        "DATA": _data(by_key, years),
        "GENERATOR": f"awesome-bib {__version__}",
        "STYLE": _asset("site.css"),
        "SCRIPT": _asset("site.js"),
    }
    digest = base64.b64encode(hashlib.sha256(values["SCRIPT"].encode()).digest()).decode()
    values["SCRIPT_HASH"] = f"sha256-{digest}"
    return _PLACEHOLDER.sub(lambda match: values[match[1]], _asset("page.html"))


def fold(text: str) -> str:
    """Text as the search compares it: accents and case dropped (the script folds queries alike).

    >>> fold("Müller  ÉTÉ")
    'muller  ete'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.category(char).startswith("M")).lower()


def kind_of(item: CSLItem) -> str:
    """``preprint``, ``published`` or ``other`` (blog posts, web pages, models), for the filter."""
    csl_type = item.get("type")
    custom = item.get("custom") or {}
    on_arxiv = "arXiv" in (item.get("container-title"), item.get("publisher"))
    if csl_type == "article" and (custom.get("venue-kind") == "preprint" or on_arxiv):
        return "preprint"
    return "other" if csl_type in _UNPUBLISHED_TYPES else "published"


def _asset(name: str) -> str:
    return resources.files("awesome_bib").joinpath("data", "site", name).read_text("utf-8")


def _references(items: Sequence[CSLItem], style: str) -> dict[str, str]:
    entries, errors = formatted_entries(items, style, HTML_INLINE, code_links=False)
    if errors:
        raise style_failure(style, errors[0].key, errors[0].message)
    return {str(item["id"]): entry for item, entry in entries}


def _year(item: CSLItem) -> int | None:
    year = year_of(item)
    return int(year) if year.isdigit() else None


def _roots(sections: Sequence[PageSection]) -> list[PageSection]:
    paths = {section.path for section in sections}
    return [s for s in sections if _parent(s.path) not in paths]


def _children(section: PageSection, sections: Sequence[PageSection]) -> list[PageSection]:
    return [s for s in sections if _parent(s.path) == section.path]


def _parent(path: str) -> str | None:
    return path.rsplit("/", 1)[0] if "/" in path else None


def _plural(count: int, word: str = "paper") -> str:
    return f"{count} {word}{'s' * (count != 1)}"


def _download_links(files: str, name: str) -> str:
    links = "".join(
        f'<a href="{escape(quote(f"{files}.{ext}"))}" download aria-label="{escape(name)}: .{ext} ({what})">.{ext}</a>'
        for ext, what in DOWNLOADS
    )
    return f'<span class="downloads">Download {links}</span>'


def _summary(page: Page, papers: int) -> str:
    parts = [f"{_plural(papers)} in {_plural(len(page.sections), 'section')}",
             f"references in the <i>{escape(page.style)}</i> style"]
    if page.version:
        parts.append(f"release <code>{escape(page.version)}</code>")
    parts.append(_download_links(page.all_files, "All papers"))
    if page.archive:
        parts.append(f'<a href="{escape(quote(page.archive))}" download>everything as .zip</a>')
    return " · ".join(parts)


def _filters(years: list[int]) -> str:
    options = "".join(f'<option value="{year}">{year}</option>' for year in years)
    return (
        '<label for="year-from">From</label>'
        f'<select id="year-from"><option value="">any year</option>{options}</select>'
        '<label for="year-to">to</label>'
        f'<select id="year-to"><option value="">any year</option>{options}</select>'
    )


def _nav(page: Page, papers: int) -> str:
    def item(section: PageSection) -> str:
        below = _children(section, page.sections)
        link = (f'<a href="#section={escape(section.path)}" data-section="{escape(section.path)}">'
                f'{escape(section.title)} <span class="n">{len(section.papers)}</span></a>')
        nested = f"<ul>{''.join(item(child) for child in below)}</ul>" if below else ""
        return f"<li>{link}{nested}</li>"

    everything = (f'<li><a href="#" data-section="" aria-current="true">All papers <span class="n">{papers}</span>'
                  "</a></li>")
    return f'<ul class="tree">{everything}{"".join(item(root) for root in _roots(page.sections))}</ul>'


def _data(by_key: dict[str, CSLItem], years: dict[str, int | None]) -> str:
    papers = {
        key: {"bib": to_bibtex([item]), "find": _haystack(item), "year": years[key], "kind": kind_of(item)}
        for key, item in by_key.items()
    }
    return json.dumps({"papers": papers}, ensure_ascii=False, separators=(",", ":")).translate(_JSON_ESCAPES)


def _haystack(item: CSLItem) -> str:
    custom = item.get("custom") or {}
    words = [str(item.get("title") or ""), *(_name(name) for name in item.get("author") or [])]
    words += [str(item.get(field) or "") for field in ("container-title", "container-title-short", "event-title",
                                                        "publisher")]
    words += [str(custom.get("venue-tag") or ""), year_of(item)]
    return " ".join(fold(" ".join(words)).split())


def _name(name: dict[str, str]) -> str:
    if name.get("literal"):
        return str(name["literal"])
    parts = ("given", "dropping-particle", "non-dropping-particle", "family", "suffix")
    return " ".join(str(name[part]) for part in parts if name.get(part))


def _venue(item: CSLItem) -> str:
    full = next((str(item[f]) for f in ("container-title", "event-title", "publisher") if item.get(f)), "")
    short = str(item.get("container-title-short") or "") or full
    if not short:
        return ""
    if full and full != short:
        return f'<abbr class="venue" title="{escape(full)}">{escape(short)}</abbr>'
    return f'<span class="venue">{escape(short)}</span>'


def _web(url: object) -> str | None:
    """Only http(s) links become links: a ``javascript:`` URL in a record stays inert."""
    text = str(url or "").strip()
    return text if text.lower().startswith(("https://", "http://")) else None


class _Writer:
    """Writes sections and entries; numbers the titles so buttons can name the paper they act on."""

    def __init__(self, by_key: dict[str, CSLItem], references: dict[str, str], years: dict[str, int | None],
                 span: tuple[int, int] | None) -> None:
        self.by_key, self.references, self.years, self.span = by_key, references, years, span
        self.count = 0

    def section(self, section: PageSection, sections: Sequence[PageSection]) -> str:
        depth = section.path.count("/")
        level = min(depth + 2, 6)
        self.count += 1
        heading = f"h{self.count}"
        title = escape(section.title)
        cite = cite_command(list(section.papers))
        tools = (
            f'<button type="button" class="copy-cite" data-cite="{escape(cite)}">Copy \\cite{{…}} '
            f'<span class="vh">of the {len(section.papers)} papers in {title}</span></button>'
            + _download_links(section.files, section.title)
            + self.chart(section.papers, section.title)
        )
        head = (f'<div class="sec-head"><h{level} id="{heading}" tabindex="-1">{title} '
                f'<span class="n">{_plural(len(section.papers))}</span></h{level}>'
                f'<div class="tools">{tools}</div></div>')
        entries = self.entries(section.listed)
        below = "".join(self.section(child, sections) for child in _children(section, sections))
        return (f'<section class="sec" data-path="{escape(section.path)}" aria-labelledby="{heading}">'
                f"{head}{entries}{below}</section>\n")

    def outside(self, keys: list[str]) -> str:
        """Papers of the list that no section lists (an introduction citing a survey)."""
        if not keys:
            return ""
        self.count += 1
        return (f'<section class="sec" data-path="" aria-labelledby="h{self.count}"><div class="sec-head">'
                f'<h2 id="h{self.count}" tabindex="-1">Outside the sections <span class="n">{_plural(len(keys))}'
                f"</span></h2></div>{self.entries(keys)}</section>\n")

    def chart(self, keys: Sequence[str], name: str) -> str:
        if self.span is None:
            return ""
        counts: dict[int, int] = {}
        for key in keys:
            year = self.years[key]
            if year is not None:
                counts[year] = counts.get(year, 0) + 1
        return year_chart(counts, self.span, name, undated=len(keys) - sum(counts.values()))

    def entries(self, keys: Sequence[str]) -> str:
        if not keys:
            return ""
        return '<ol class="papers">\n' + "".join(self.entry(key) for key in keys) + "</ol>"

    def entry(self, key: str) -> str:
        item = self.by_key[key]
        self.count += 1
        title_id = f"t{self.count}"
        title = escape(str(item.get("title") or key))
        url = _web(item.get("URL")) or (_web(doi_url(item["DOI"])) if item.get("DOI") else None)
        title_html = (f'<a class="title" id="{title_id}" href="{escape(url)}">{title}</a>' if url
                      else f'<span class="title" id="{title_id}">{title}</span>')
        meta = [_authors(item), _venue(item)]
        year = self.years[key]
        meta.append(f'<span class="year">{year}</span>' if year is not None else "")
        meta += _code_links(item)
        escaped_key = escape(key)
        return (
            f'<li class="paper" data-key="{escaped_key}">{title_html}'
            f'<p class="meta">{"".join(part for part in meta if part)}</p>'
            f'<div class="ref">{self.references.get(key, "")}</div>'
            f'<p class="actions"><button type="button" class="copy-bib" aria-describedby="{title_id}">Copy BibTeX'
            f'</button><button type="button" class="copy-key" aria-describedby="{title_id}">Copy '
            f"<code>\\cite{{{escaped_key}}}</code></button></p></li>\n"
        )


def _authors(item: CSLItem) -> str:
    """The first three authors and *et al.*, the others a click away; a list's own "et al." stays."""
    names = list(item.get("author") or [])
    unnamed = bool(names) and names[-1].get("literal") == "others" and not names[-1].get("family")
    named = [escape(_name(name)) for name in (names[:-1] if unnamed else names)]
    if not named:
        return ""
    tail = " et al." if unnamed else ""
    if len(named) <= SHOWN_AUTHORS:
        return f'<span class="authors">{", ".join(named)}{tail}</span>'
    rest = len(named) - SHOWN_AUTHORS
    return (f'<span class="authors">{", ".join(named[:SHOWN_AUTHORS])}<span class="rest" hidden>, '
            f'{", ".join(named[SHOWN_AUTHORS:])}{tail}</span> <button type="button" class="more" '
            f'aria-expanded="false" data-rest="{rest}">et al. (+{rest})</button></span>')


def _code_links(item: CSLItem) -> list[str]:
    """Code, model and data links named by what they are; a second of a kind is numbered (Model 2)."""
    links, seen = [], Counter[str]()
    for url in (item.get("custom") or {}).get("code") or []:
        if (web := _web(url)) is not None:
            label = _LINK_ROLES.get(parse_link(web).role, "Code")
            seen[label] += 1
            numbered = f"{label} {seen[label]}" if seen[label] > 1 else label
            links.append(f'<a class="code" href="{escape(web)}">{numbered}</a>')
    return links
