"""Rules about the list as a whole: papers listed twice, headings without papers, links that are not entries.

Listing one paper under several headings is often deliberate (the seed cross-lists papers and marks
some with a trailing tag such as ``[Adaptive Gating]``), so it is only ``info``; listing it twice under
one heading is an ``error``: one of the lines is a slip, and an export gets one paper where the list
shows two.
"""

from __future__ import annotations

from collections.abc import Iterator

from awesome_bib.check.engine import ERROR, INFO, WARNING, CheckContext, Hit, describe_identity, quoted, rule
from awesome_bib.records.csl import title_key
from awesome_bib.records.model import Entry, Section

# Titles this short ("Jamba", "Arctic") may name different papers; only longer ones are compared.
_MIN_WORDS_TO_COMPARE = 4


def _where(context: CheckContext, entry: Entry) -> str:
    return f"{context.section_title(entry.section)!r} (line {entry.line})"


@rule("duplicate-entry", ERROR,
      "The same paper (same identifier) is listed twice under one heading.",
      "Delete one of the lines, or fix its link if it meant another paper.")
def duplicate_entry(context: CheckContext) -> Iterator[Hit]:
    for identity, entries in context.entries_of.items():
        first_in: dict[str, Entry] = {}
        for entry in entries:
            first = first_in.setdefault(entry.section, entry)
            if first is not entry:
                titles = "" if first.title == entry.title else f" (listed as {quoted(first)} there)"
                yield Hit(entry.line, f"{quoted(entry)} is the same paper ({describe_identity(identity)}) as "
                          f"line {first.line} in {context.section_title(entry.section)!r}{titles}", entry.title)


@rule("cross-listed", INFO,
      "The same paper is listed under several headings (often deliberate).",
      "Nothing to do if it belongs in both sections; otherwise delete one line.")
def cross_listed(context: CheckContext) -> Iterator[Hit]:
    for entries in context.entries_of.values():
        first_in: dict[str, Entry] = {}
        for entry in entries:
            if entry.section in first_in:
                continue  # a second line under the same heading is duplicate-entry's finding
            if first_in:
                where = ", ".join(_where(context, e) for e in first_in.values())
                yield Hit(entry.line, f"{quoted(entry)} is also listed under {where}", entry.title)
            first_in[entry.section] = entry


@rule("inconsistent-entry", WARNING,
      "One paper is listed under different headings with different titles or venue tags.",
      "Give every line of the paper the same title and the same (published) venue tag.")
def inconsistent_entry(context: CheckContext) -> Iterator[Hit]:
    for entries in context.entries_of.values():
        for index, entry in enumerate(entries):
            # Lines under the same heading are duplicate-entry's finding.
            earlier = [e for e in entries[:index] if e.section != entry.section]
            tags = [e for e in earlier if e.venue_tag and entry.venue_tag and e.venue_tag != entry.venue_tag]
            titles = [e for e in earlier if title_key(e.title) != title_key(entry.title)]
            if tags:
                yield Hit(entry.line, f"{quoted(entry)} is tagged [{entry.venue_tag}] here but "
                          f"[{tags[0].venue_tag}] on line {tags[0].line}", entry.title)
            if titles:
                yield Hit(entry.line, f"{quoted(entry)} is listed as {quoted(titles[0])} on line {titles[0].line} "
                          "(same link)", entry.title)


@rule("duplicate-title", WARNING,
      "Two lines with the same title link different identifiers: likely one paper linked in two versions.",
      "Link one version of the paper (the published one) on every line.")
def duplicate_title(context: CheckContext) -> Iterator[Hit]:
    first_of: dict[str, Entry] = {}
    for entry in context.awesome.entries:
        title = title_key(entry.title)
        if len(title.split()) < _MIN_WORDS_TO_COMPARE:
            continue
        first = first_of.setdefault(title, entry)
        if first.identity != entry.identity:
            yield Hit(entry.line, f"{quoted(entry)} links {describe_identity(entry.identity)} but line {first.line} "
                      f"links the same title to {describe_identity(first.identity)}", entry.title)


def _empty_paths(context: CheckContext) -> set[str]:
    """Sections with no entry and no stray link anywhere below them."""
    used = {entry.section for entry in context.awesome.entries}
    used |= {stray.section for stray in context.awesome.stray_links}
    return {s.path for s in context.awesome.sections
            if not any(m.path in used for m in context.awesome.subtree(s.path))}


@rule("empty-section", WARNING,
      "A heading has no papers under it, nor under its subheadings "
      "(boilerplate headings such as Contents, TODOs, Contribute, License are exempt).",
      "Add papers under the heading or delete it.")
def empty_section(context: CheckContext) -> Iterator[Hit]:
    empty = _empty_paths(context)
    for section in context.awesome.sections:
        # Report the topmost empty heading only: its empty subheadings go with it.
        if section.path not in empty or section.parent in empty or context.is_boilerplate(section.path):
            continue
        below: list[Section] = [s for s in context.awesome.subtree(section.path) if s is not section]
        also = f" (nor do its {len(below)} subheadings)" if below else ""
        yield Hit(section.line, f"section {section.title!r} lists no papers{also}")


@rule("stray-link", WARNING,
      "A line under a heading that lists papers links only code or web pages, so it is not a paper entry.",
      "Link the paper itself (arXiv, DOI), or move the line out of the paper sections.")
def stray_link(context: CheckContext) -> Iterator[Hit]:
    # Only headings with paper entries: the intro, boilerplate and tool sections hold links by design.
    with_papers = {entry.section for entry in context.awesome.entries}
    for stray in context.awesome.stray_links:
        if stray.section in with_papers:
            yield Hit(stray.line, f"this line links {stray.url} but is not a paper entry "
                      f"(under {context.section_title(stray.section)!r})")

