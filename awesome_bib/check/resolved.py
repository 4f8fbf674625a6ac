"""Rules that compare the list with what `awesome-bib resolve` found (the lockfile's resolved records).

On a lockfile that was never resolved every record is ``listed`` and these rules find nothing.
"""

from __future__ import annotations

from collections.abc import Iterator

from awesome_bib.check.engine import INFO, WARNING, CheckContext, Hit, from_list, quoted, rule, tag_of
from awesome_bib.ids.arxiv import ARXIV_DOI_REGISTRANT
from awesome_bib.ids.doi import doi_url
from awesome_bib.records.csl import TITLE_THRESHOLD, issued_date_parts, title_key, title_similarity
from awesome_bib.records.model import Entry, Record

PUBLISHED_TYPES = frozenset({"paper-conference", "article-journal", "chapter"})


def _source(record: Record, name: str) -> str:
    return str(record.provenance.get(name, {}).get("source", "the lockfile"))


def _is_published(record: Record) -> bool:
    return record.status == "upgraded" or (
        record.csl.get("type") in PUBLISHED_TYPES and not from_list(record, "type")
    )


def _tagged_as_preprint(entry: Entry) -> bool:
    tag = tag_of(entry)
    if tag is None:
        return "arxiv" in entry.target.ids
    return tag.venue is not None and tag.venue.kind == "preprint"


def _published_as(record: Record) -> tuple[str, str | None]:
    """``("ICLR 2024", "[ICLR'24]")``: the venue and year a record was published in, and a tag for it."""
    csl = record.csl
    short = csl.get("container-title-short")
    venue = short or csl.get("container-title") or "a venue"
    parts = issued_date_parts(csl)
    year = parts[0] if parts else None
    where = f"{venue} {year}" if year else str(venue)
    tag = f"[{short}'{str(year)[-2:]}]" if short and year else None
    return where, tag


def _published_link(record: Record) -> str | None:
    doi = str(record.csl.get("DOI", ""))
    if doi and not doi.lower().startswith(ARXIV_DOI_REGISTRANT):
        return doi_url(doi)
    url = str(record.csl.get("URL", ""))
    return url if url and "arxiv.org" not in url else None


@rule("published-version", WARNING,
      "A paper the list tags as a preprint has a published version (found by `resolve`).",
      "Tag the line with the venue and year the message names, and link the published version.",
      needs_resolved=True)
def published_version(context: CheckContext) -> Iterator[Hit]:
    for record in context.records:
        if not _is_published(record):
            continue
        where, tag = _published_as(record)
        link = _published_link(record)
        advice = "; ".join(part for part in (f"tag it {tag}" if tag else None, f"link {link}" if link else None)
                           if part)
        for entry in context.entries_of.get(record.id, []):
            if _tagged_as_preprint(entry):
                written = f"tagged [{entry.venue_tag}]" if entry.venue_tag else "listed as a preprint"
                yield Hit(entry.line, f"{quoted(entry)} is {written} but was published in {where} "
                          f"(per {_source(record, 'container-title')})" + (f"; {advice}" if advice else ""),
                          entry.title)


@rule("title-mismatch", WARNING,
      "A list title differs from the paper's real title (short model names like 'Mixtral-8x7B', cut subtitles).",
      "Use the paper's title as the message gives it; keep a model name in the line's text if you like.",
      needs_resolved=True)
def title_mismatch(context: CheckContext) -> Iterator[Hit]:
    for record in context.records:
        title = record.csl.get("title")
        if not title or from_list(record, "title"):
            continue
        for entry in context.entries_of.get(record.id, []):
            listed, real = entry.title, str(title)
            if title_key(listed) != title_key(real) and title_similarity(listed, real) < TITLE_THRESHOLD:
                yield Hit(entry.line, f"listed as {entry.title!r} but the paper's title is {str(title)!r} "
                          f"(per {_source(record, 'title')})", entry.title)


@rule("unresolved", INFO,
      "`resolve` found no metadata for a paper: its citation holds only what the list says.",
      "Check the line's link; link the arXiv or DOI page if it points elsewhere.",
      needs_resolved=True)
def unresolved(context: CheckContext) -> Iterator[Hit]:
    for record in context.records:
        entries = context.entries_of.get(record.id, [])
        if record.status == "unresolved" and entries:
            why = f" ({record.notes[-1]})" if record.notes else ""
            yield Hit(entries[0].line, f"no metadata source knows {quoted(entries[0])}{why}; "
                      "its citation holds only the list's data", entries[0].title)
