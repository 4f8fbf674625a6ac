r"""biblatex from CSL-JSON items: native biblatex fields, for biber; a pure, deterministic function.

>>> print(to_biblatex([{
...     "id": "jiang2024mixtral", "type": "article", "title": "Mixtral of Experts",
...     "author": [{"family": "Jiang", "given": "Albert Q."}],
...     "issued": {"date-parts": [[2024, 1]]},
...     "custom": {"arxiv": "2401.04088", "arxiv-category": "cs.LG"},
... }]), end="")
@online{jiang2024mixtral,
  author = {Jiang, Albert Q.},
  title = {Mixtral of Experts},
  date = {2024-01},
  eprint = {2401.04088},
  eprinttype = {arxiv},
  eprintclass = {cs.LG},
  url = {https://arxiv.org/abs/2401.04088},
}

Where the BibTeX export writes ``year``/``month``, ``journal``, ``archivePrefix``/``primaryClass`` and
``@techreport``, this one writes ``date`` (ISO 8601), ``journaltitle``, ``eprinttype``/``eprintclass``
and ``@report`` with ``type = {techreport}``; preprints, blog posts and web pages are ``@online``.
Every entry holds only fields biblatex's data model allows for its type, so ``biber --tool
--validate-datamodel`` finds nothing to say.  Text is escaped exactly as in :mod:`.bibtex`, whose
helpers this module shares; the list fields biber splits at ``and`` (publisher, institution,
organization) are braced whole when they hold the word.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from awesome_bib.export.bibtex import (
    bibtex_name,
    field_text,
    iso_date,
    keyed,
    page_range,
    url_beside_doi,
    verbatim,
    write_entry,
)
from awesome_bib.ids.arxiv import abs_url as arxiv_abs_url
from awesome_bib.records.latex_text import escape_latex, protect_title
from awesome_bib.records.model import CSLItem

FIELD_ORDER = (
    "author", "title", "booktitle", "journaltitle", "howpublished", "organization", "institution",
    "type", "volume", "number", "pages", "publisher", "date", "doi", "eprint", "eprinttype",
    "eprintclass", "url", "keywords", "note",
)

_ENTRY_TYPES = {
    "paper-conference": "inproceedings",
    "article-journal": "article",
    "report": "report",
    "chapter": "inbook",
    "software": "software",
    "dataset": "dataset",
}
# CSL types that are @online when they have a URL, DOI or arXiv id (biblatex asks one of them).
_ONLINE = frozenset({"article", "webpage", "post-weblog", "post"})
_AND = re.compile(r"(?:^|\s)and(?:\s|$)", re.IGNORECASE)


def to_biblatex(items: Iterable[CSLItem]) -> str:
    """One biblatex entry per CSL item, in input order, a blank line between entries ("" for none)."""
    entries = []
    for key, item in keyed(items, "biblatex"):
        fields = _fields(item)
        entries.append(write_entry(biblatex_type(item, fields), key, fields, FIELD_ORDER))
    return "\n".join(entries)


def biblatex_type(item: CSLItem, fields: dict[str, str]) -> str:
    """The entry type of an item whose ``fields`` are known (``@online`` needs a link to point at)."""
    csl_type = str(item.get("type", ""))
    if csl_type in _ONLINE:
        return "online" if fields.get("url") or fields.get("doi") or fields.get("eprint") else "misc"
    return _ENTRY_TYPES.get(csl_type, "misc")


def _list_field(text: str) -> str:
    """A literal list field (publisher, institution, organization) holding one name."""
    escaped = escape_latex(text)
    return "{" + escaped + "}" if _AND.search(text) else escaped


def _fields(item: CSLItem) -> dict[str, str]:
    custom = item.get("custom") or {}
    arxiv = field_text(item, "arxiv", custom)
    csl_type = str(item.get("type", ""))
    container = field_text(item, "container-title")
    publisher = field_text(item, "publisher")
    doi = field_text(item, "DOI")
    fields = {
        "author": " and ".join(bibtex_name(name) for name in item.get("author") or []),
        "title": protect_title(field_text(item, "title")),
        "volume": escape_latex(field_text(item, "volume")),
        "pages": page_range(field_text(item, "page")),
        "date": iso_date(item),
        "doi": verbatim(doi),
        "url": verbatim(url_beside_doi(field_text(item, "URL"), doi)),
        "keywords": ", ".join(escape_latex(slug) for slug in custom.get("sections") or []),
        "note": escape_latex(field_text(item, "note")),
    }
    entry_type = _ENTRY_TYPES.get(csl_type)
    if entry_type in ("inproceedings", "inbook"):
        fields["booktitle"] = escape_latex(container or field_text(item, "event-title"))
        fields["publisher"] = _list_field(publisher)
    elif entry_type == "article":
        fields["journaltitle"] = escape_latex(container)
        fields["number"] = escape_latex(field_text(item, "issue"))
    elif entry_type == "report":
        fields["type"] = "techreport"
        fields["institution"] = _list_field(publisher)
        fields["number"] = escape_latex(field_text(item, "number"))
    elif csl_type == "article" and arxiv:
        fields["eprint"] = escape_latex(arxiv)
        fields["eprinttype"] = "arxiv"
        fields["eprintclass"] = escape_latex(field_text(item, "arxiv-category", custom))
        fields["url"] = verbatim(arxiv_abs_url(arxiv))
    elif biblatex_type(item, fields) == "online":
        fields["organization"] = _list_field(container or publisher)
    elif entry_type == "dataset":  # a data set has no howpublished: its host is the publisher
        fields["publisher"] = _list_field(container or publisher)
    else:  # @misc, @software: where it was published, and by whom when that is another name
        fields["howpublished"] = escape_latex(container or publisher)
        if container and publisher:
            fields["organization"] = _list_field(publisher)
    return fields
