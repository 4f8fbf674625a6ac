r"""BibTeX from CSL-JSON items: a pure, deterministic function.

>>> print(to_bibtex([{
...     "id": "jiang2024mixtral", "type": "article", "title": "Mixtral of Experts",
...     "author": [{"family": "Jiang", "given": "Albert Q."}],
...     "issued": {"date-parts": [[2024, 1]]},
...     "custom": {"arxiv": "2401.04088", "arxiv-category": "cs.LG"},
... }]), end="")
@misc{jiang2024mixtral,
  author = {Jiang, Albert Q.},
  title = {Mixtral of Experts},
  year = {2024},
  month = jan,
  eprint = {2401.04088},
  archivePrefix = {arXiv},
  primaryClass = {cs.LG},
  url = {https://arxiv.org/abs/2401.04088},
}

Entries keep the input order and fields follow :data:`FIELD_ORDER`; every text field goes through
:mod:`awesome_bib.latex_text`, so titles from an untrusted list cannot run TeX commands and every
entry's braces balance.  URLs and DOIs are written verbatim (both the url package and biber read
``%``, ``#``, ``&``, ``_`` and ``~`` as they are), except braces, backslashes, whitespace and
non-ASCII, which are percent-encoded.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from ..errors import AwesomeBibError
from ..latex_text import escape_latex, pdflatex_subset, protect_title
from ..model import NAME_FIELDS, CSLItem

FIELD_ORDER = (
    "author", "title", "booktitle", "journal", "howpublished", "institution", "volume", "number",
    "pages", "publisher", "year", "month", "doi", "eprint", "archivePrefix", "primaryClass", "url",
    "keywords", "note",
)

# CSL types that become @misc with the container (blog, hub, repository) as ``howpublished``.
_PUBLISHED_ELSEWHERE = frozenset(
    {"article", "webpage", "post-weblog", "post", "software", "dataset"}
)
_ENTRY_TYPES = {
    "paper-conference": "inproceedings",
    "article-journal": "article",
    "report": "techreport",
}
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
CITATION_KEY = re.compile(r"[A-Za-z0-9_:.+/-]+")
# Printable ASCII but braces and backslash: what BibTeX and the url package read unchanged.
_URL_SAFE = "".join(chr(code) for code in range(0x21, 0x7F) if chr(code) not in "{}\\")
_PAGE_RANGE = re.compile(r"\s*[-‐‑‒–—]+\s*")
# A BibTeX name part with a top-level comma or the word "and" would be split there.
_SPLITS_NAMES = re.compile(r",|(?:^|\s)and(?:\s|$)", re.IGNORECASE)
_DOI_RESOLVERS = ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/")


def to_bibtex(items: Iterable[CSLItem], *, unicode: bool = False) -> str:
    """One BibTeX entry per CSL item, in input order, a blank line between entries ("" for none).

    For pdflatex + bibtex by default (see :func:`bibtex_and_problems`); ``unicode`` keeps every
    printable character, for biber."""
    return bibtex_and_problems(items, unicode=unicode)[0]


def bibtex_and_problems(items: Iterable[CSLItem], *, unicode: bool = False) -> tuple[str, list[tuple[str, str]]]:
    """The BibTeX text, and (key, what was left out) for each entry that lost characters.

    Without ``unicode`` the text is ASCII that pdflatex and bibtex read whatever the titles hold:
    characters LaTeX spells are spelled, invisible ones dropped, and those pdflatex cannot set (emoji,
    scripts the standard fonts lack) left out and reported.  With ``unicode`` they stay, for biber."""
    entries: list[str] = []
    problems: list[tuple[str, str]] = []
    keys_seen: dict[str, int] = {}
    for index, item in enumerate(items, start=1):
        key = _citation_key(item, index)
        if key in keys_seen:
            raise AwesomeBibError(
                f"BibTeX export: items {keys_seen[key]} and {index} share the citation key "
                f"{key!r}; give each item its own key"
            )
        keys_seen[key] = index
        if not unicode:
            item, left_out = _for_pdflatex(item)
            if left_out:
                problems.append((key, "left out what pdflatex cannot set: " + "; ".join(
                    f"{name} {chars!r}" for name, chars in left_out.items())))
        entries.append(_entry(key, item))
    return "\n".join(entries), problems


# Fields written verbatim (percent-encoded), never as LaTeX text.
_VERBATIM_FIELDS = frozenset({"id", "DOI", "URL"})


def _for_pdflatex(item: CSLItem) -> tuple[CSLItem, dict[str, str]]:
    """A copy of the item whose texts (names and custom values too) pdflatex can set, and per field
    the characters left out."""
    left_out: dict[str, str] = {}

    def narrow(value: Any, field: str) -> Any:
        if isinstance(value, str):
            kept, lost = pdflatex_subset(value)
            if lost:
                left_out[field] = "".join(dict.fromkeys(left_out.get(field, "") + lost))
            return kept
        if isinstance(value, dict):
            # A name's parts are reported as the name field; a custom value by its key.
            return {name: narrow(inner, field if field in NAME_FIELDS else f"{field}.{name}")
                    for name, inner in value.items()}
        if isinstance(value, list):
            return [narrow(inner, field) for inner in value]
        return value

    if not any(_has_non_ascii(value) for name, value in item.items() if name not in _VERBATIM_FIELDS):
        return item, left_out  # the common case: nothing to narrow
    narrowed = {name: value if name in _VERBATIM_FIELDS else narrow(value, name) for name, value in item.items()}
    return narrowed, left_out


def _has_non_ascii(value: Any) -> bool:
    if isinstance(value, str):
        return not value.isascii()
    if isinstance(value, dict):
        return any(_has_non_ascii(inner) for inner in value.values())
    if isinstance(value, list):
        return any(_has_non_ascii(inner) for inner in value)
    return False


def bibtex_type(item: CSLItem) -> str:
    """The BibTeX type of a CSL item: ``inproceedings``, ``article``, ``techreport`` or ``misc``."""
    return _ENTRY_TYPES.get(str(item.get("type", "")), "misc")


def _citation_key(item: CSLItem, index: int) -> str:
    key = str(item.get("id", ""))
    if not CITATION_KEY.fullmatch(key):
        raise AwesomeBibError(
            f"BibTeX export: item {index} has the citation key {key!r}, which BibTeX cannot read; "
            "use only ASCII letters, digits and _:.+/-"
        )
    return key


def _entry(key: str, item: CSLItem) -> str:
    fields = _fields(item)
    lines = [f"@{bibtex_type(item)}{{{key},"]
    for name in FIELD_ORDER:
        value = fields.get(name)
        if not value:
            continue
        written = value if name == "month" else "{" + value + "}"
        lines.append(f"  {name} = {written},")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _fields(item: CSLItem) -> dict[str, str]:
    custom = item.get("custom") or {}
    arxiv = _text(item, "arxiv", custom)
    csl_type = item.get("type")
    entry_type = bibtex_type(item)
    container = _text(item, "container-title")
    publisher = _text(item, "publisher")
    doi = _text(item, "DOI")
    fields = {
        "author": " and ".join(_name(name) for name in item.get("author") or []),
        "title": protect_title(_text(item, "title")),
        "volume": escape_latex(_text(item, "volume")),
        "pages": _pages(_text(item, "page")),
        "doi": _verbatim(doi),
        "url": _verbatim(_url(_text(item, "URL"), doi)),
        "keywords": ", ".join(escape_latex(slug) for slug in custom.get("sections") or []),
        "note": escape_latex(_text(item, "note")),
        **_issued(item),
    }
    if entry_type == "inproceedings":
        fields["booktitle"] = escape_latex(container or _text(item, "event-title"))
    elif entry_type == "article":
        fields["journal"] = escape_latex(container)
        fields["number"] = escape_latex(_text(item, "issue"))
    elif entry_type == "techreport":
        fields["institution"] = escape_latex(publisher)
        fields["number"] = escape_latex(_text(item, "number"))
        publisher = ""
    elif csl_type == "article" and arxiv:
        fields["eprint"] = escape_latex(arxiv)
        fields["archivePrefix"] = "arXiv"
        fields["primaryClass"] = escape_latex(_text(item, "arxiv-category", custom))
        fields["url"] = _verbatim(f"https://arxiv.org/abs/{arxiv}")
    elif csl_type in _PUBLISHED_ELSEWHERE or container:
        fields["howpublished"] = escape_latex(container or publisher)
        if not container:
            publisher = ""
    fields["publisher"] = escape_latex(publisher)
    return fields


def _text(item: CSLItem, field: str, source: dict[str, Any] | None = None) -> str:
    """A field as stripped text ("" when absent); numbers are accepted, structures are not."""
    value = (item if source is None else source).get(field)
    if value is None:
        return ""
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return str(value).strip()
    raise AwesomeBibError(
        f"BibTeX export: item {item.get('id')!r} has a {type(value).__name__} in {field!r}, "
        "where CSL-JSON expects text; fix the record"
    )


def _name(name: dict[str, Any]) -> str:
    """A CSL name as BibTeX's ``von Last, Jr., First``; literal names braced whole."""
    literal = str(name.get("literal") or "").strip()
    family = str(name.get("family") or "").strip()
    given = str(name.get("given") or "").strip()
    if literal == "others" and not family:
        return "others"  # BibTeX's own word for "et al.": unbraced, or it would print as a name
    if literal or not family:
        # An organisation ("Qwen Team") or a lone given name: braces stop BibTeX splitting it into
        # first/last names and abbreviating it.
        return "{" + escape_latex(literal or given) + "}"
    particles = [
        str(name.get(part) or "").strip() for part in ("dropping-particle", "non-dropping-particle")
    ]
    last = " ".join(part for part in (*particles, family) if part)
    parts = [_name_part(last), _name_part(str(name.get("suffix") or "")), _name_part(given)]
    if not given and " " in family:
        # "Sá Martins" with no given name would otherwise read as first name Sá.
        parts[0] = "{" + parts[0] + "}"
    return ", ".join(part for part in parts if part)


def _name_part(text: str) -> str:
    escaped = escape_latex(text)
    return "{" + escaped + "}" if _SPLITS_NAMES.search(text) else escaped


def _issued(item: CSLItem) -> dict[str, str]:
    """``year`` and ``month`` (a BibTeX macro, ``jan``...) from ``issued.date-parts``."""
    parts = ((item.get("issued") or {}).get("date-parts") or [[]])[0]
    fields: dict[str, str] = {}
    if len(parts) >= 1 and str(parts[0]).strip().isdigit():
        fields["year"] = str(int(parts[0]))
    if len(parts) >= 2 and str(parts[1]).strip().isdigit() and 1 <= int(parts[1]) <= 12:
        fields["month"] = _MONTHS[int(parts[1]) - 1]
    return fields


def _pages(page: str) -> str:
    """``12-34`` and ``12–34`` become ``12--34``; each side escaped on its own."""
    return "--".join(escape_latex(side) for side in _PAGE_RANGE.split(page)) if page else ""


def _url(url: str, doi: str) -> str:
    """The URL, unless it is only the DOI's resolver link (the doi field already says that)."""
    if doi and url.lower() in {f"{resolver}{doi}".lower() for resolver in _DOI_RESOLVERS}:
        return ""
    return url


def _verbatim(value: str) -> str:
    return quote(value, safe=_URL_SAFE)
