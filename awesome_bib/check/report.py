"""Findings as text (compiler style), JSON, or GitHub Actions workflow commands; the rule table."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence

from awesome_bib.check.engine import ERROR, INFO, WARNING, Finding, Rule, table_order

FORMATS = ("text", "json", "github")
# Workflow command names: GitHub calls an info-level annotation a notice.
_GITHUB_COMMAND = {ERROR: "error", WARNING: "warning", INFO: "notice"}


def as_text(findings: Sequence[Finding]) -> str:
    """``README.md:134: warning[year-mismatch] message``, one line each."""
    return "".join(f"{f.file}:{f.line}: {f.severity}[{f.rule}] {f.message}\n" for f in findings)


def as_json(findings: Sequence[Finding]) -> str:
    return json.dumps([f.as_json() for f in findings], indent=2, ensure_ascii=False) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def as_github(findings: Sequence[Finding]) -> str:
    """``::warning file=README.md,line=134,title=year-mismatch::message``, escaped as GitHub documents."""
    return "".join(
        f"::{_GITHUB_COMMAND[f.severity]} file={_escape_property(f.file)},line={f.line},"
        f"title={_escape_property(f.rule)}::{_escape_data(f.message)}\n"
        for f in findings
    )


def render(findings: Sequence[Finding], fmt: str) -> str:
    renderers = {"text": as_text, "json": as_json, "github": as_github}
    return renderers[fmt](findings)


def summary(file: str, findings: Sequence[Finding]) -> str:
    """``README.md: 1 error, 3 warnings, 2 notes``."""
    counts = Counter(f.severity for f in findings)
    if not counts:
        return f"{file}: no problems found"
    parts = [(counts[ERROR], "error"), (counts[WARNING], "warning"), (counts[INFO], "note")]
    return f"{file}: " + ", ".join(f"{n} {word}{'s' if n != 1 else ''}" for n, word in parts if n)


def rule_table(rules: Sequence[Rule] | None = None, fmt: str = "text") -> str:
    """Every rule with its id, default severity, one-line explanation and fix hint."""
    rules = table_order() if rules is None else list(rules)
    if fmt == "json":
        return json.dumps([r.as_json() for r in rules], indent=2, ensure_ascii=False) + "\n"
    width = max(len(r.id) for r in rules)
    lines = [f"{'RULE':<{width}}  SEVERITY  EXPLANATION"]
    for r in rules:
        needs = " [needs a resolved lockfile]" if r.needs_resolved else ""
        lines.append(f"{r.id:<{width}}  {r.severity:<8}  {r.summary}{needs}")
        lines.append(f"{'':<{width}}  {'':<8}  fix: {r.hint}")
    return "\n".join(lines) + "\n"
