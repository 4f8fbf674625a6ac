"""`awesome-bib check`: lint an awesome list for what breaks its citations.

Every rule has a stable id, a default severity (``error`` fails the check, ``warning`` and ``info``
do not), a one-line explanation and a fix hint; :data:`RULES` holds them by id.

>>> from awesome_bib.library import open_library
>>> library = open_library(update_lockfile=False)          # the embedded list
>>> findings = run_checks(library, CheckSettings(only=frozenset({"year-mismatch"})))
>>> [(f.line, f.rule) for f in findings][:2]
[(132, 'year-mismatch'), (134, 'year-mismatch')]
"""

from __future__ import annotations

# Importing the rule modules registers their rules.
from awesome_bib.check import entries, links, resolved, structure  # noqa: F401
from awesome_bib.check.engine import (
    ERROR,
    INFO,
    RULES,
    SEVERITIES,
    WARNING,
    CheckSettings,
    Finding,
    Rule,
    display_path,
    run_checks,
)
from awesome_bib.check.report import FORMATS, render, rule_table, summary
from awesome_bib.ids import abstract_page

__all__ = [
    "ERROR", "FORMATS", "INFO", "RULES", "SEVERITIES", "WARNING", "CheckSettings", "Finding", "Rule",
    "abstract_page", "display_path", "render", "rule_table", "run_checks", "summary",
]
