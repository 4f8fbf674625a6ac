r"""Hayagriva YAML from CSL-JSON items, the bibliography format of Typst: a pure, deterministic function.

>>> print(to_hayagriva([{
...     "id": "jiang2024mixtral", "type": "article", "title": "Mixtral of Experts",
...     "author": [{"family": "Jiang", "given": "Albert Q."}], "container-title": "arXiv",
...     "issued": {"date-parts": [[2024, 1]]}, "custom": {"arxiv": "2401.04088"},
... }]), end="")
jiang2024mixtral:
  type: article
  title: "Mixtral of Experts"
  author:
    - name: "Jiang"
      given-name: "Albert Q."
  date: "2024-01"
  url: "https://arxiv.org/abs/2401.04088"
  serial-number:
    arxiv: "2401.04088"
  parent:
    type: repository
    title: "arXiv"

A paper in proceedings or a journal is an ``article`` whose ``parent`` is the ``proceedings`` or
``periodical`` (with the journal's volume and issue); a blog post is an ``article`` with a ``blog``
parent, a preprint an ``article`` with a ``repository`` parent and its arXiv id as
``serial-number.arxiv``.  The YAML is written here, not by a library: every string is double-quoted
with YAML's escapes, so no text can end its scalar or start a key.  Hayagriva reads ``{``, ``}``,
``$`` and ``\`` in titles and names of venues as markup: they are backslash-escaped, and braces go
around the words a style must not lowercase (``{MoE}``), as in the BibTeX export.  Names are
written field by field (``name``, ``given-name``, ``prefix``, ``suffix``), so a comma in an
organisation's name does not split it; Hayagriva has no *et al.*, so a list's ``others`` is left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Union
from urllib.parse import urlsplit

from awesome_bib.export.bibtex import PAGE_RANGE, field_text, iso_date, keyed, person_name, url_beside_doi, verbatim
from awesome_bib.ids.arxiv import abs_url as arxiv_abs_url
from awesome_bib.records.latex_text import normalize_text, protect_words
from awesome_bib.records.model import CSLItem

# A YAML value here: text (always quoted), a bare word (types), a mapping, or a list of mappings.
Node = Union[str, "Bare", dict[str, "Node"], list[dict[str, "Node"]]]

_PARENT_TYPES = {
    "paper-conference": "proceedings",
    "article-journal": "periodical",
    "article": "repository",
    "post-weblog": "blog",
    "chapter": "book",
}
_ENTRY_TYPES = {
    "paper-conference": "article",
    "article-journal": "article",
    "article": "article",
    "post-weblog": "article",
    "chapter": "chapter",
    "webpage": "web",
    "post": "post",
    "report": "report",
    "software": "repository",
}
_MARKUP = re.compile(r"([\\{}$])")
_PLAIN_KEY = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")


class Bare(str):
    """A YAML word written without quotes (entry types, which are fixed words)."""


def to_hayagriva(items: Iterable[CSLItem]) -> str:
    """A Hayagriva YAML document: one entry per CSL item, keyed by citation key, in input order."""
    return "".join(_block({key: _entry(item)}, 0) for key, item in keyed(items, "Hayagriva"))


def hayagriva_type(item: CSLItem) -> str:
    return _ENTRY_TYPES.get(str(item.get("type", "")), "misc")


def formattable(text: str, protect: bool = False) -> str:
    r"""Text as a Hayagriva formattable string: its markup characters escaped, and with ``protect``
    the words a style must not lowercase in braces.

    >>> formattable("QMoE: {50}% of $5", protect=True)
    '{QMoE}: \\{50\\}% of \\$5'
    """
    def escape(part: str) -> str:
        return _MARKUP.sub(r"\\\1", part)

    return protect_words(text, escape) if protect else escape(normalize_text(text))


def _entry(item: CSLItem) -> dict[str, Node]:
    def text(field: str, source: dict[str, Any] | None = None) -> str:
        return normalize_text(field_text(item, field, source))

    csl_type = str(item.get("type", ""))
    custom = item.get("custom") or {}
    arxiv = text("arxiv", custom)
    doi = text("DOI")
    container = text("container-title") or text("event-title")
    publisher = text("publisher")
    entry: dict[str, Node] = {
        "type": Bare(hayagriva_type(item)),
        "title": formattable(text("title"), protect=True),
        "author": [_person(name) for name in item.get("author") or [] if not person_name(name).is_others],
        "date": iso_date(item),
        "page-range": "-".join(PAGE_RANGE.split(text("page"))),
        "url": _url(arxiv_abs_url(arxiv) if csl_type == "article" and arxiv
                    else url_beside_doi(text("URL"), doi)),
        "serial-number": {"doi": doi, "arxiv": arxiv,
                          "serial": text("number") if csl_type == "report" else ""},
        "note": formattable(text("note")),
    }
    parent_type = _PARENT_TYPES.get(csl_type)
    if parent_type and (container or (csl_type == "article" and publisher)):
        parent: dict[str, Node] = {"type": Bare(parent_type), "title": formattable(container or publisher)}
        # A journal's volume and issue are the journal's; a proceedings volume (PMLR 162) the book's.
        parent["volume"] = text("volume")
        parent["issue"] = text("issue")
        parent["publisher"] = formattable(publisher if container else "")
        entry["parent"] = parent
    else:
        entry["volume"] = text("volume")
        entry["publisher"] = formattable(publisher or container)
    return entry


def _person(name: dict[str, Any]) -> dict[str, Node]:
    person = person_name(name)
    if person.single or not person.family:
        return {"name": person.single}
    return {"name": person.family, "given-name": person.given, "prefix": person.particles, "suffix": person.suffix}


def _url(url: str) -> str:
    """The URL percent-encoded as in the BibTeX export; "" unless absolute (Hayagriva rejects the rest)."""
    encoded = verbatim(url)
    try:
        parts = urlsplit(encoded)
    except ValueError:
        return ""
    return encoded if parts.scheme and parts.netloc else ""


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar; whatever YAML cannot hold as it is, as an escape."""
    if text.isprintable() and '"' not in text and "\\" not in text:  # the common case, at C speed
        return f'"{text}"'
    pieces = []
    for char in text:
        if char in '"\\':
            pieces.append("\\" + char)
        elif char.isprintable():
            pieces.append(char)
        else:
            code = ord(char)
            pieces.append(f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
    return '"' + "".join(pieces) + '"'


def _block(mapping: dict[str, Node], indent: int) -> str:
    """A block mapping at ``indent`` spaces; empty values (and mappings of them) are left out."""
    pad = " " * indent
    lines = []
    for key, value in mapping.items():
        name = key if _PLAIN_KEY.fullmatch(key) else _quoted(key)
        if isinstance(value, dict):
            inner = _block(value, indent + 2)
            if inner:
                lines.append(f"{pad}{name}:\n{inner}")
        elif isinstance(value, list):
            items = [block for element in value if (block := _block(element, indent + 4))]
            if items:
                lines.append(f"{pad}{name}:\n" + "".join(f"{pad}  - {item.lstrip(' ')}" for item in items))
        elif isinstance(value, Bare):
            lines.append(f"{pad}{name}: {value}\n")
        elif value:
            lines.append(f"{pad}{name}: {_quoted(value)}\n")
    return "".join(lines)
