"""The rules engine: rules with ids and severities, the settings that tune them, and findings.

A rule is a function from a :class:`CheckContext` (the list, its records, lookups between them) to
:class:`Hit` values (a line and a message naming the entry); the engine turns hits into
:class:`Finding` objects with the file, the rule id and the rule's effective severity.  Rules
register themselves with the :func:`rule` decorator in :data:`RULES`; :func:`table_order` lists
errors first, then warnings, then info.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, NamedTuple

from awesome_bib.errors import AwesomeBibError
from awesome_bib.library import Library
from awesome_bib.lists.document import AwesomeList
from awesome_bib.records.listed import LIST_SOURCES
from awesome_bib.records.model import Entry, Record, Section
from awesome_bib.records.venues import VenueTag, parse_tag

ERROR, WARNING, INFO = "error", "warning", "info"
SEVERITIES = (ERROR, WARNING, INFO)

# Headings awesome lists carry that never hold papers (compared by slug, so "📖 Contents" counts).
BOILERPLATE_SLUGS = frozenset(
    """contents table-of-contents toc todo todos to-do contribute contributing contributors contribution
    contributions license licence acknowledgement acknowledgements acknowledgment acknowledgments citation
    citations cite citing how-to-cite star-history stargazers changelog news updates contact about
    footnotes""".split()
)


class Hit(NamedTuple):
    """What a rule found: where, what (naming the entry), and the entry's title when there is one."""

    line: int
    message: str
    entry: str | None = None


@dataclass(frozen=True)
class Finding:
    file: str
    line: int
    rule: str
    severity: str
    message: str
    entry: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "rule": self.rule, "severity": self.severity,
                "message": self.message, "entry": self.entry, "hint": RULES[self.rule].hint}


@dataclass
class CheckContext:
    """The list as rules see it, with the lookups several rules share."""

    awesome: AwesomeList
    records: list[Record]

    @cached_property
    def entries_of(self) -> dict[str, list[Entry]]:
        """Every line listing a paper, by the paper's identity, in list order."""
        groups: dict[str, list[Entry]] = {}
        for entry in self.awesome.entries:
            groups.setdefault(entry.identity, []).append(entry)
        return groups

    @cached_property
    def section_of(self) -> dict[str, Section]:
        return {section.path: section for section in self.awesome.sections}

    def section_title(self, path: str) -> str:
        section = self.section_of.get(path)
        return section.title if section else "(before the first heading)"

    def is_boilerplate(self, path: str) -> bool:
        section = self.section_of.get(path)
        return section is not None and section.slug in BOILERPLATE_SLUGS


RuleCheck = Callable[[CheckContext], Iterable[Hit]]


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    summary: str
    hint: str
    check: RuleCheck = field(repr=False)
    needs_resolved: bool = False

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "severity": self.severity, "summary": self.summary, "hint": self.hint,
                "needs_resolved_lockfile": self.needs_resolved}


RULES: dict[str, Rule] = {}


def table_order() -> list[Rule]:
    """Rules as the table lists them: errors first, then warnings, then info; each kind as registered."""
    return sorted(RULES.values(), key=lambda r: SEVERITIES.index(r.severity))


def rule(rule_id: str, severity: str, summary: str, hint: str, *,
         needs_resolved: bool = False) -> Callable[[RuleCheck], RuleCheck]:
    """Register a rule: ``summary`` is the one-line explanation, ``hint`` how to fix what it finds."""
    assert severity in SEVERITIES and rule_id not in RULES

    def register(check: RuleCheck) -> RuleCheck:
        RULES[rule_id] = Rule(rule_id, severity, summary, hint, check, needs_resolved)
        return check

    return register


@dataclass(frozen=True)
class CheckSettings:
    """Which rules run and how severe each is: the list's ``[check]`` config, then the command line."""

    disabled: frozenset[str] = frozenset()
    only: frozenset[str] = frozenset()
    severity: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_config(cls, config: Mapping[str, Any], *, disable: Iterable[str] = (),
                    only: Iterable[str] = ()) -> CheckSettings:
        """Read ``[check] disable = [...]`` and ``[check] severity = {rule = "error"}``; ids are checked."""
        section = config.get("check", {})
        if not isinstance(section, Mapping):
            raise AwesomeBibError("awesome-bib.toml: [check] must be a table")
        configured = section.get("disable", [])
        if not isinstance(configured, list):
            raise AwesomeBibError('awesome-bib.toml: [check] disable must be a list, e.g. disable = ["stray-link"]')
        severity = section.get("severity", {})
        if not isinstance(severity, Mapping):
            raise AwesomeBibError('awesome-bib.toml: [check] severity must be a table, e.g. {pdf-link = "error"}')
        for rule_id, level in severity.items():
            known_rule(rule_id, "awesome-bib.toml [check] severity")
            if level not in SEVERITIES:
                raise AwesomeBibError(
                    f"awesome-bib.toml: [check] severity of {rule_id} is {level!r}; use one of {', '.join(SEVERITIES)}"
                )
        disabled = {known_rule(r, "awesome-bib.toml [check] disable") for r in configured}
        disabled |= {known_rule(r, "--disable") for r in split_ids(disable)}
        chosen = {known_rule(r, "--only") for r in split_ids(only)}
        return cls(frozenset(disabled), frozenset(chosen), dict(severity))

    def active(self) -> list[Rule]:
        return [r for r in table_order() if r.id not in self.disabled and (not self.only or r.id in self.only)]

    def severity_of(self, rule_id: str) -> str:
        return self.severity.get(rule_id, RULES[rule_id].severity)


def split_ids(values: Iterable[str]) -> list[str]:
    """``--disable a,b --disable c`` -> ``[a, b, c]``."""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def known_rule(rule_id: object, where: str) -> str:
    if not isinstance(rule_id, str) or rule_id not in RULES:
        raise AwesomeBibError(f"{where}: unknown rule {rule_id!r}; see `awesome-bib check --list-rules`")
    return rule_id


def display_path(path: Path) -> str:
    """The list's path as annotations want it: relative to the working folder when inside it."""
    if path.is_absolute():
        try:
            return path.relative_to(Path.cwd()).as_posix()
        except ValueError:
            return path.as_posix()
    return Path(os.path.normpath(path)).as_posix()


def run_checks(library: Library, settings: CheckSettings | None = None) -> list[Finding]:
    """Every active rule's findings on the library's list, sorted by line, then by rule table order."""
    settings = settings or CheckSettings()
    context = CheckContext(library.awesome, library.records)
    file = display_path(library.awesome.path)
    order = {r.id: index for index, r in enumerate(table_order())}
    findings = [
        Finding(file, hit.line, active.id, settings.severity_of(active.id), hit.message, hit.entry)
        for active in settings.active()
        for hit in active.check(context)
    ]
    return sorted(findings, key=lambda f: (f.line, order[f.rule], f.message))


# -- helpers rules share ------------------------------------------------------------------------


def tag_of(entry: Entry) -> VenueTag | None:
    return parse_tag(entry.venue_tag) if entry.venue_tag else None


def from_list(record: Record, name: str) -> bool:
    """Whether the record's field ``name`` is the list's own (not a metadata service's)."""
    return record.provenance.get(name, {}).get("source", "list") in LIST_SOURCES


def shorten(title: str, limit: int = 60) -> str:
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"


def quoted(entry: Entry) -> str:
    return repr(shorten(entry.title))


def describe_identity(identity: str) -> str:
    """``arxiv:2401.04088`` -> ``arXiv 2401.04088``; ``url:…`` -> the URL."""
    kind, _, value = identity.partition(":")
    names = {"arxiv": "arXiv", "doi": "DOI", "acl": "ACL Anthology", "openreview": "OpenReview",
             "pmlr": "PMLR", "neurips": "NeurIPS", "mlsys": "MLSys", "usenix": "USENIX", "ieee": "IEEE",
             "cvf": "CVF", "isca": "ISCA"}
    return value if kind == "url" else f"{names.get(kind, kind)} {value}"


def iter_links(entry: Entry) -> Iterator[str]:
    """Every URL on an entry's line (the paper link first), each once."""
    seen = dict.fromkeys([entry.url, *(link.target.url for link in entry.links)])
    yield from seen
