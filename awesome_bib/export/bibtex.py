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
:mod:`awesome_bib.records.latex_text`, so titles from an untrusted list cannot run TeX commands and every
entry's braces balance.  URLs and DOIs are written verbatim (both the url package and biber read
``%``, ``#``, ``&``, ``_`` and ``~`` as they are), except braces, backslashes, whitespace and
non-ASCII, which are percent-encoded.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from awesome_bib.errors import AwesomeBibError
from awesome_bib.ids.arxiv import abs_url as arxiv_abs_url
from awesome_bib.ids.doi import is_resolver_link
from awesome_bib.records.csl import issued_parts
from awesome_bib.records.latex_text import escape_latex, normalize_text, pdflatex_subset, protect_title
from awesome_bib.records.model import NAME_FIELDS, CSLItem

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
PAGE_RANGE = re.compile(r"\s*[-‐‑‒–—]+\s*")
# A BibTeX name part with a top-level comma or the word "and" would be split there.
_SPLITS_NAMES = re.compile(r",|(?:^|\s)and(?:\s|$)", re.IGNORECASE)


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
    for key, item in keyed(items, "BibTeX"):
        if not unicode:
            item, left_out = _for_pdflatex(item)
            if left_out:
                problems.append((key, "left out what pdflatex cannot set: " + "; ".join(
                    f"{name} {chars!r}" for name, chars in left_out.items())))
        entries.append(write_entry(bibtex_type(item), key, _fields(item), FIELD_ORDER))
    return "\n".join(entries), problems


def keyed(items: Iterable[CSLItem], export: str) -> list[tuple[str, CSLItem]]:
    """Each item with its citation key, in input order; an unreadable or shared key is an error.

    ``export`` names the format in the error ("BibTeX", "RIS", ...)."""
    pairs: list[tuple[str, CSLItem]] = []
    keys_seen: dict[str, int] = {}
    for index, item in enumerate(items, start=1):
        key = _citation_key(item, index, export)
        if key in keys_seen:
            raise AwesomeBibError(
                f"{export} export: items {keys_seen[key]} and {index} share the citation key "
                f"{key!r}; give each item its own key"
            )
        keys_seen[key] = index
        pairs.append((key, item))
    return pairs


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


def _citation_key(item: CSLItem, index: int, export: str) -> str:
    key = str(item.get("id", ""))
    if not CITATION_KEY.fullmatch(key):
        raise AwesomeBibError(
            f"{export} export: item {index} has the citation key {key!r}, which BibTeX cannot read; "
            "use only ASCII letters, digits and _:.+/-"
        )
    return key


def write_entry(entry_type: str, key: str, fields: dict[str, str], order: Sequence[str]) -> str:
    """``@type{key,`` and the non-empty fields in ``order``, braced (``month``, a macro, bare)."""
    lines = [f"@{entry_type}{{{key},"]
    for name in order:
        value = fields.get(name)
        if not value:
            continue
        written = value if name == "month" else "{" + value + "}"
        lines.append(f"  {name} = {written},")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _fields(item: CSLItem) -> dict[str, str]:
    custom = item.get("custom") or {}
    arxiv = field_text(item, "arxiv", custom)
    csl_type = item.get("type")
    entry_type = bibtex_type(item)
    container = field_text(item, "container-title")
    publisher = field_text(item, "publisher")
    doi = field_text(item, "DOI")
    fields = {
        "author": " and ".join(bibtex_name(name) for name in item.get("author") or []),
        "title": protect_title(field_text(item, "title")),
        "volume": escape_latex(field_text(item, "volume")),
        "pages": page_range(field_text(item, "page")),
        "doi": verbatim(doi),
        "url": verbatim(url_beside_doi(field_text(item, "URL"), doi)),
        "keywords": ", ".join(escape_latex(slug) for slug in custom.get("sections") or []),
        "note": escape_latex(field_text(item, "note")),
        **_issued(item),
    }
    if entry_type == "inproceedings":
        fields["booktitle"] = escape_latex(container or field_text(item, "event-title"))
    elif entry_type == "article":
        fields["journal"] = escape_latex(container)
        fields["number"] = escape_latex(field_text(item, "issue"))
    elif entry_type == "techreport":
        fields["institution"] = escape_latex(publisher)
        fields["number"] = escape_latex(field_text(item, "number"))
        publisher = ""
    elif csl_type == "article" and arxiv:
        fields["eprint"] = escape_latex(arxiv)
        fields["archivePrefix"] = "arXiv"
        fields["primaryClass"] = escape_latex(field_text(item, "arxiv-category", custom))
        fields["url"] = verbatim(arxiv_abs_url(arxiv))
    elif csl_type in _PUBLISHED_ELSEWHERE or container:
        fields["howpublished"] = escape_latex(container or publisher)
        if not container:
            publisher = ""
    fields["publisher"] = escape_latex(publisher)
    return fields


def field_text(item: CSLItem, field: str, source: dict[str, Any] | None = None) -> str:
    """A field as stripped text ("" when absent); numbers are accepted, structures are not."""
    value = (item if source is None else source).get(field)
    if value is None:
        return ""
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return str(value).strip()
    raise AwesomeBibError(
        f"export: item {item.get('id')!r} has a {type(value).__name__} in {field!r}, "
        "where CSL-JSON expects text; fix the record"
    )


@dataclass(frozen=True)
class PersonName:
    """A CSL name's parts as normalised text ("" when absent), the way every exporter reads them."""

    literal: str
    family: str
    given: str
    particles: str  # the dropping and the non-dropping particle, in that order
    suffix: str

    @property
    def is_others(self) -> bool:
        """The list's "et al." (``{"literal": "others"}``)."""
        return self.literal == "others" and not self.family

    @property
    def single(self) -> str:
        """An organisation ("Qwen Team") or a lone given name: the name to write whole, else ""."""
        return self.literal or ("" if self.family else self.given)


def person_name(name: dict[str, Any]) -> PersonName:
    def part(field: str) -> str:
        return normalize_text(str(name.get(field) or ""))

    particles = " ".join(p for p in (part("dropping-particle"), part("non-dropping-particle")) if p)
    return PersonName(part("literal"), part("family"), part("given"), particles, part("suffix"))


def bibtex_name(name: dict[str, Any]) -> str:
    """A CSL name as BibTeX's ``von Last, Jr., First``; literal names braced whole."""
    person = person_name(name)
    if person.is_others:
        return "others"  # BibTeX's own word for "et al.": unbraced, or it would print as a name
    if person.single or not person.family:
        # Braces stop BibTeX splitting an organisation or a lone name into first/last names and
        # abbreviating it.
        return "{" + escape_latex(person.single) + "}"
    last = " ".join(part for part in (person.particles, person.family) if part)
    parts = [_name_part(last), _name_part(person.suffix), _name_part(person.given)]
    if not person.given and " " in person.family:
        # "Sá Martins" with no given name would otherwise read as first name Sá.
        parts[0] = "{" + parts[0] + "}"
    return ", ".join(part for part in parts if part)


def _name_part(text: str) -> str:
    escaped = escape_latex(text)
    return "{" + escaped + "}" if _SPLITS_NAMES.search(text) else escaped


def _issued(item: CSLItem) -> dict[str, str]:
    """``year`` and ``month`` (a BibTeX macro, ``jan``...) from ``issued.date-parts``."""
    parts = issued_parts(item)
    fields = {"year": str(parts[0])} if parts else {}
    if len(parts) >= 2:
        fields["month"] = _MONTHS[parts[1] - 1]
    return fields


def iso_date(item: CSLItem) -> str:
    """``issued`` as ISO 8601: ``2024``, ``2024-01`` or ``2024-01-08`` ("" for no year)."""
    parts = issued_parts(item)
    return "-".join([f"{parts[0]:04d}", *(f"{part:02d}" for part in parts[1:])]) if parts else ""


def page_range(page: str) -> str:
    """``12-34`` and ``12–34`` become ``12--34``; each side escaped on its own."""
    return "--".join(escape_latex(side) for side in PAGE_RANGE.split(page)) if page else ""


def url_beside_doi(url: str, doi: str) -> str:
    """The URL, unless it is only the DOI's resolver link (the doi field already says that)."""
    if doi and is_resolver_link(url, doi):
        return ""
    return url


def verbatim(value: str) -> str:
    return quote(value, safe=_URL_SAFE)
