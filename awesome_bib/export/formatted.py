"""Formatted references: CSL items -> plain text, Markdown or HTML, in any CSL style.

>>> item = {"id": "jiang2024mixtral", "type": "article", "title": "Mixtral of Experts",
...         "author": [{"family": "Jiang", "given": "Albert Q."}], "container-title": "arXiv",
...         "issued": {"date-parts": [[2024, 1, 8]]}, "URL": "https://arxiv.org/abs/2401.04088",
...         "custom": {"code": ["https://github.com/mistralai/mistral-src"]}}
>>> print(format_references([item], style="ieee", cache=False).output)
... # doctest: +NORMALIZE_WHITESPACE
[1] A. Q. Jiang, “Mixtral of Experts,” Jan. 08, 2024. [Online].
    Available: https://arxiv.org/abs/2401.04088 [Code: https://github.com/mistralai/mistral-src]
>>> print(format_references([item], fmt="markdown", cache=False).output)
... # doctest: +NORMALIZE_WHITESPACE
- **Mixtral of Experts**. Albert Q. Jiang. *arXiv*, 2024.
  [https://arxiv.org/abs/2401.04088](https://arxiv.org/abs/2401.04088)
  \\[[Code](https://github.com/mistralai/mistral-src)\\]

Entries keep the items' order (``sort="list"``) or follow the style's ``<sort>`` (``sort="style"``);
numeric labels follow the final order.  An entry the style fails on is shown in a plain fallback
form and reported in :attr:`References.errors`; the others are unaffected.  Renderings are cached
(see :mod:`format_cache`), so only new or changed items meet citeproc-py.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from awesome_bib.errors import AwesomeBibError
from awesome_bib.export.entry_order import style_order, tied_on_first_key
from awesome_bib.export.format_cache import FormatCache, default_cache_dir, item_digest, style_digest
from awesome_bib.export.marks import (
    ANY_MARK,
    HTML,
    LABEL_SPAN,
    LIST_MARKS,
    MARKDOWN,
    NAMES_CLOSE,
    NAMES_OPEN,
    NUMBER_MARK,
    SUFFIX_CLOSE,
    SUFFIX_OPEN,
    YEAR_SUFFIX_MARK,
    names_span,
    with_year_suffix,
    year_suffix,
)
from awesome_bib.export.styles import DEFAULT_STYLE, find_style
from awesome_bib.ids.doi import DOI_RESOLVER, doi_url
from awesome_bib.records.csl import issued_date_parts
from awesome_bib.records.model import CSLItem

FORMATS = ("text", "markdown", "html")
# One entry's HTML without the wrapping element (and its id), for pages that show an entry twice.
HTML_INLINE = "html-inline"
SORTS = ("list", "style")

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])|&(?=#?\w+;)")
_MARKDOWN_BLOCK_START = re.compile(r"^(?:\d{1,9}(?=[.)](?:\s|$))|[#+-](?=\s|$))")
_CSL = "{http://purl.org/net/xbiblio/csl}"


@dataclass(frozen=True)
class EntryError:
    """An entry the style could not render: its citation key and what went wrong."""

    key: str
    message: str


@dataclass(frozen=True)
class References:
    """The formatted references (``output``, ending with a newline) and the entries that failed."""

    output: str
    errors: tuple[EntryError, ...] = ()


@dataclass
class _Entry:
    item: CSLItem
    label: str | None
    body: str
    sort: list[Any] | None  # the values of the first sort keys, or of all
    disambiguation: str | None = None
    digest: str | None = None  # of the item, where entries are cached


def format_references(
    items: Sequence[CSLItem],
    style: str = DEFAULT_STYLE,
    fmt: str = "text",
    sort: str = "list",
    cache_dir: Path | None = None,
    cache: bool = True,
    code_links: bool = True,
) -> References:
    """Format CSL items as a reference list.

    ``style`` is a style name (see :func:`awesome_bib.export.styles.available_styles`) or a ``.csl`` path;
    ``fmt`` one of :data:`FORMATS`; ``sort`` one of :data:`SORTS`.  ``cache_dir`` defaults to the
    user cache directory; ``cache=False`` renders everything afresh and stores nothing.  With
    ``code_links``, each item's ``custom.code`` links follow its entry.
    """
    entries, errors = formatted_entries(items, style, fmt, sort, cache_dir, cache, code_links)
    lines = [line for _, line in entries]
    if fmt == "html":
        lines = ['<div class="csl-bib-body">', *lines, "</div>"]
    return References("".join(line + "\n" for line in lines), errors)


def formatted_entries(
    items: Sequence[CSLItem],
    style: str = DEFAULT_STYLE,
    fmt: str = "text",
    sort: str = "list",
    cache_dir: Path | None = None,
    cache: bool = True,
    code_links: bool = True,
) -> tuple[list[tuple[CSLItem, str]], tuple[EntryError, ...]]:
    """Each item with its formatted reference on its own (one line each, in the order ``sort``
    gives; an item the style prints nothing for is left out, as citeproc-js does), and the entries
    that failed; :func:`format_references` with the same options joins them.  ``fmt`` may also be
    :data:`HTML_INLINE`."""
    if fmt not in (*FORMATS, HTML_INLINE):
        raise AwesomeBibError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if sort not in SORTS:
        raise AwesomeBibError(f"unknown sort {sort!r}; choose one of {', '.join(SORTS)}")
    path = find_style(style)
    directory = (cache_dir or default_cache_dir()) if cache else None
    store = FormatCache(directory, style_digest(path)) if directory else None
    entries, errors = _entries(items, path, store, with_sort_keys=sort == "style")
    # citeproc-js leaves out an entry the style prints nothing for
    entries = [entry for entry in entries if ANY_MARK.sub("", entry.body).strip()]
    options = _style_options(path)
    if sort == "style":
        errors += _complete_sort_keys(entries, options.sort, path, store)
        entries = [entries[index] for index in style_order([entry.sort for entry in entries], options.sort)]
    if store:
        store.save()  # once, what was rendered and the sort values asked for since
    _resolve_list_marks(entries, options)
    render = {"text": _text_entry, "markdown": _markdown_entry, "html": _html_entry, HTML_INLINE: _html_inline}[fmt]
    return [(entry.item, render(entry, str(number), code_links)) for number, entry in enumerate(entries, 1)], tuple(
        errors)


# ---------------------------------------------------------------------------------------------
# Rendering, through the cache


def _entries(
    items: Sequence[CSLItem], path: Path, store: FormatCache | None, with_sort_keys: bool
) -> tuple[list[_Entry], list[EntryError]]:
    digests = [item_digest(item) for item in items] if store else [None] * len(items)
    rendered = (
        [_usable(store.get(d), with_sort_keys) for d in digests] if store else [None] * len(items)
    )
    missing = [index for index, entry in enumerate(rendered) if entry is None]
    errors: list[EntryError] = []
    if missing:
        from awesome_bib.export.csl_engine import load_style

        results = load_style(path).render([items[i] for i in missing], with_sort_keys)
        for index, result in zip(missing, results, strict=True):
            if isinstance(result, Exception):
                errors.append(_failure(items[index], index, result, path))
                continue
            rendered[index] = {
                "label": result.label,
                "body": result.body,
                "sort": result.sort,
                "disambiguation": result.disambiguation,
            }
            if store:
                store.put(digests[index], rendered[index])
    numbered = (entry["label"] for entry in rendered if entry and entry["label"])
    template = next((label for label in numbered if NUMBER_MARK in label), None)
    entries = [
        _Entry(item, entry["label"], entry["body"], entry["sort"], entry.get("disambiguation"), digest)
        if entry
        else _fallback(item, template)
        for item, entry, digest in zip(items, rendered, digests, strict=True)
    ]
    return entries, errors


def _complete_sort_keys(
    entries: list[_Entry], spec: list[tuple[bool, bool]], path: Path, store: FormatCache | None
) -> list[EntryError]:
    """All the sort values of the entries their first does not tell apart (an entry is rendered
    with its first only), put in the cache with the entry.  An entry the style fails on here is shown plain,
    as one it failed on at first."""
    tied = tied_on_first_key([entry.sort for entry in entries], spec)
    if not tied:
        return []
    from awesome_bib.export.csl_engine import load_style

    errors = []
    results = load_style(path).sort_values([entries[index].item for index in tied])
    for index, values in zip(tied, results, strict=True):
        entry = entries[index]
        if isinstance(values, Exception):
            errors.append(_failure(entry.item, index, values, path))
            entries[index] = _fallback(entry.item, entry.label)
            continue
        entry.sort = values
        cached = store.get(entry.digest) if store and entry.digest else None
        if cached is not None:
            store.put(entry.digest, {**cached, "sort": values})
    return errors


def _failure(item: CSLItem, index: int, error: Exception, path: Path) -> EntryError:
    key = str(item.get("id", f"#{index + 1}"))
    problem = f"{getattr(error, 'kind', type(error).__name__)}: {error}"
    return EntryError(key, f"style {path.stem!r} failed on entry {key!r} ({problem}); shown plain")


def _usable(entry: Any, with_sort_keys: bool) -> dict[str, Any] | None:
    """A cache entry as this version writes it (with sort keys if needed), else None."""
    if not isinstance(entry, dict) or not isinstance(entry.get("body"), str):
        return None
    label, sort = entry.get("label"), entry.get("sort")
    if not isinstance(label, (str, type(None))) or not isinstance(sort, (list, type(None))):
        return None
    if not isinstance(entry.get("disambiguation"), (str, type(None))):
        return None
    return None if with_sort_keys and sort is None else entry


def _fallback(item: CSLItem, label: str | None) -> _Entry:
    """Title, year and link: what a list needs when the style cannot render an entry."""
    year = next(iter(issued_date_parts(item)), None)
    parts = [str(item.get("title") or item.get("id") or "untitled"), str(year) if year else None]
    link = item.get("URL") or (doi_url(item["DOI"]) if item.get("DOI") else None)
    body = ". ".join(part for part in parts if part) + "."
    return _Entry(item, label, f"{body} {link}" if link else body, None)


@dataclass(frozen=True)
class _StyleOptions:
    """What the list-wide steps need from a style: its bibliography sort keys, each as
    (descending, by citation number), and its subsequent-author-substitute and rule."""

    sort: list[tuple[bool, bool]]
    author_substitute: str | None
    substitute_rule: str


def _style_options(path: Path) -> _StyleOptions:
    try:
        root = ElementTree.parse(path).getroot()
    except (OSError, ElementTree.ParseError) as error:
        raise AwesomeBibError(f"{path}: not a readable CSL style: {error}") from None
    keys = root.findall(f"{_CSL}bibliography/{_CSL}sort/{_CSL}key")
    bibliography = root.find(f"{_CSL}bibliography")
    attributes = {} if bibliography is None else bibliography.attrib
    return _StyleOptions(
        [(key.get("sort") == "descending", key.get("variable") == "citation-number") for key in keys],
        attributes.get("subsequent-author-substitute"),
        attributes.get("subsequent-author-substitute-rule", "complete-all"),
    )


def _resolve_list_marks(entries: list[_Entry], options: _StyleOptions) -> None:
    """What depends on the whole list, in its final order: year suffixes and
    subsequent-author-substitute.  Afterwards no entry holds their marks."""
    groups: dict[str, list[_Entry]] = {}
    for entry in entries:
        if entry.disambiguation is not None and YEAR_SUFFIX_MARK in entry.body + (entry.label or ""):
            groups.setdefault(entry.disambiguation, []).append(entry)
    for group in groups.values():
        if len(group) > 1:
            for number, entry in enumerate(group):
                suffix = year_suffix(number)
                entry.body = with_year_suffix(entry.body, suffix)
                entry.label = entry.label and with_year_suffix(entry.label, suffix)
    previous: str | None = None
    for entry in entries:
        names = names_span(entry.body)
        if names is not None and options.author_substitute is not None and names == previous:
            start, end = entry.body.index(NAMES_OPEN), entry.body.index(NAMES_CLOSE)
            labels = LABEL_SPAN.findall(entry.body[start:end])
            before = [label for label in labels if entry.body.find(label, start) == start + 1]
            after = [label for label in labels if label not in before]
            substituted = "".join(before) + options.author_substitute + "".join(after)
            entry.body = entry.body[:start] + substituted + entry.body[end + 1 :]
            if not options.author_substitute:
                entry.body = " ".join(entry.body.split()).lstrip(",.;: ")
        previous = names
    for entry in entries:
        entry.body = _LIST_MARK.sub("", _NO_SUFFIX.sub("", entry.body))
        entry.label = entry.label and _LIST_MARK.sub("", _NO_SUFFIX.sub("", entry.label))


_LIST_MARK = re.compile(f"[{LIST_MARKS}]")
# A suffix span left empty goes with the space a group put before it ("(2009 )").
_NO_SUFFIX = re.compile(f" ?{SUFFIX_OPEN}[^{SUFFIX_CLOSE}]*{SUFFIX_CLOSE}")


# ---------------------------------------------------------------------------------------------
# Output formats


def _text_entry(entry: _Entry, number: str, code_links: bool) -> str:
    parts = [
        ANY_MARK.sub("", part.replace(NUMBER_MARK, number))
        for part in (entry.label, entry.body)
        if part
    ]
    if code_links:
        parts += [f"[Code: {url}]" for url in _code_urls(entry.item)]
    return " ".join(parts)


def _markdown_entry(entry: _Entry, number: str, code_links: bool) -> str:
    parts = [
        _with_links(part.replace(NUMBER_MARK, number), entry.item, _markdown_text, _markdown_link)
        for part in (entry.label, entry.body)
        if part
    ]
    if code_links:
        parts += [f"\\[{_markdown_link('Code', url)}\\]" for url in _code_urls(entry.item)]
    return "- " + _MARKDOWN_BLOCK_START.sub(_escape_block_start, " ".join(parts), count=1)


def _escape_block_start(match: re.Match[str]) -> str:
    """``2024. Title`` or ``- x`` opening a list item would start a nested list: escape it."""
    return match[0] + "\\" if match[0][0].isdigit() else "\\" + match[0]


def _html_entry(entry: _Entry, number: str, code_links: bool) -> str:
    anchor = html.escape(f"ref-{entry.item.get('id', '')}", quote=True)
    return f'  <div class="csl-entry" id="{anchor}">{_html_inline(entry, number, code_links)}</div>'


def _html_inline(entry: _Entry, number: str, code_links: bool) -> str:
    body = _with_links(entry.body.replace(NUMBER_MARK, number), entry.item, _html_text, _html_link)
    if code_links:
        body += "".join(f" [{_html_link('Code', url)}]" for url in _code_urls(entry.item))
    if entry.label:
        label = _html_text(entry.label.replace(NUMBER_MARK, number))
        body = (
            f'<span class="csl-left-margin">{label}</span> '
            f'<span class="csl-right-inline">{body}</span>'
        )
    return body


def _markdown_text(text: str) -> str:
    escaped = _MARKDOWN_SPECIAL.sub(lambda m: "\\" + m[1] if m[1] else "\\&", text)
    return ANY_MARK.sub(lambda m: MARKDOWN.get(m[0], ""), escaped)


def _markdown_link(text: str, url: str) -> str:
    destination = "".join(f"%{ord(char):02X}" if char in " <>()\\" else char for char in url)
    return f"[{_markdown_text(text)}]({destination})"


def _html_text(text: str) -> str:
    return ANY_MARK.sub(lambda m: HTML.get(m[0], ""), html.escape(text, quote=False))


def _html_link(text: str, url: str) -> str:
    return f'<a href="{html.escape(url, quote=True)}">{_html_text(text)}</a>'


def _with_links(
    text: str, item: CSLItem, escape: Callable[[str], str], link: Callable[[str, str], str]
) -> str:
    """``text`` escaped, with the item's URL and DOI made links where the style printed them."""
    pieces, position = [], 0
    for start, end, url in _link_spans(text, item):
        pieces += [escape(text[position:start]), link(text[start:end], url)]
        position = end
    pieces.append(escape(text[position:]))
    return "".join(pieces)


def _link_spans(text: str, item: CSLItem) -> list[tuple[int, int, str]]:
    spans: list[tuple[int, int, str]] = []
    doi = str(item.get("DOI") or "")
    if doi:
        for match in re.finditer(
            f"(?:{DOI_RESOLVER.pattern})?{re.escape(doi)}", text, re.IGNORECASE
        ):
            spans.append((match.start(), match.end(), doi_url(doi)))
    url = str(item.get("URL") or "")
    if _is_web_url(url):
        spans += [(match.start(), match.end(), url) for match in re.finditer(re.escape(url), text)]
    chosen: list[tuple[int, int, str]] = []
    for span in sorted(spans, key=lambda s: (s[0], -s[1])):
        if not chosen or span[0] >= chosen[-1][1]:
            chosen.append(span)
    return chosen


def _code_urls(item: CSLItem) -> list[str]:
    code = (item.get("custom") or {}).get("code") or []
    return [url for url in code if isinstance(url, str) and _is_web_url(url)]


def _is_web_url(url: str) -> bool:
    """Only web links become clickable: a ``javascript:`` URL in a record stays text."""
    return url.lower().startswith(("https://", "http://"))
