"""Run the CSL processor test suite's bibliography fixtures through awesome-bib and bare citeproc-py.

    python tools/csl-test-suite/run.py /path/to/test-suite            # summary by category
    python tools/csl-test-suite/run.py /path/to/test-suite --fixtures  # and one line per fixture
    python tools/csl-test-suite/run.py /path/to/test-suite --show sort_OmittedBibRefNonNumericStyle

A development-time tool: the suite is another project's and is never copied here; pass a checkout
of it.  The fixtures taken are those of ``processor-tests/humans`` in bibliography mode with no
CITATIONS section.  Expected output is citeproc-js's; entries are compared one by one after tags are
stripped (a tag counts as a space, our links as nothing), entities read and whitespace
collapsed.
"""

from __future__ import annotations

import argparse
import collections
import html
import json
import re
import sys
import tempfile
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

_SECTION = re.compile(r">>=+ ([A-Z-]+) =+>>\n(.*?)\n?<<=+ \1 =+<<", re.S)
_ENTRY = re.compile(r'<div class="csl-entry"[^>]*>')
_TAG = re.compile(r"<[^>]+>")
# Our HTML makes URLs and DOIs links, which citeproc-js's test output does not: not a tag to space.
_LINK = re.compile(r"</?a\b[^>]*>")


@dataclass(frozen=True)
class Fixture:
    name: str
    style: str
    items: list[dict[str, Any]]
    expected: list[str]

    @property
    def category(self) -> str:
        return self.name.split("_", 1)[0]


def flat(text: str) -> str:
    return " ".join(html.unescape(_TAG.sub(" ", _LINK.sub("", text))).split())


def _flat_entries(result: str) -> list[str]:
    return [flat(entry) for entry in _ENTRY.split(result)[1:]]


def read_fixtures(suite: Path) -> list[Fixture]:
    fixtures = []
    for path in sorted((suite / "processor-tests" / "humans").glob("*.txt")):
        sections = dict(_SECTION.findall(path.read_text(encoding="utf-8")))
        if sections.get("MODE", "").strip() != "bibliography" or "CITATIONS" in sections:
            continue
        items = json.loads(sections["INPUT"])
        if "CITATION-ITEMS" in sections:
            by_id = {str(item["id"]): item for item in items}
            cited = [str(cite["id"]) for group in json.loads(sections["CITATION-ITEMS"]) for cite in group]
            items = [by_id[key] for key in dict.fromkeys(cited) if key in by_id]
        fixtures.append(Fixture(path.stem, sections["CSL"], items, _flat_entries(sections["RESULT"])))
    return fixtures


def ours(fixture: Fixture, style_path: Path) -> list[str]:
    from awesome_bib.export.formatted import format_references

    output = format_references(
        fixture.items, style=str(style_path), fmt="html", sort="style", cache=False, code_links=False
    ).output
    return _flat_entries(output)


def bare_citeproc_py(fixture: Fixture, style_path: Path) -> list[str]:
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON

    bibliography = CitationStylesBibliography(
        CitationStylesStyle(str(style_path), validate=False), CiteProcJSON(fixture.items), formatter.html
    )
    for item in fixture.items:
        bibliography.register(Citation([CitationItem(str(item["id"]))]))
    bibliography.sort()
    return [flat(str(entry)) for entry in bibliography.bibliography()]


def run(fixture: Fixture, engine: Callable[[Fixture, Path], list[str]]) -> tuple[bool, list[str] | str]:
    with tempfile.TemporaryDirectory() as folder:
        style_path = Path(folder) / f"{fixture.name}.csl"
        style_path.write_text(fixture.style, encoding="utf-8")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                got = engine(fixture, style_path)
        except Exception as error:
            return False, f"crash: {type(error).__name__}: {error}"
    return got == fixture.expected, got


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("suite", type=Path, help="a checkout of citation-style-language/test-suite")
    parser.add_argument("--fixtures", action="store_true", help="one line per fixture")
    parser.add_argument("--show", nargs="*", default=[], help="print expected and actual entries")
    parser.add_argument("--only", help="fixtures whose name contains this")
    options = parser.parse_args()
    fixtures = read_fixtures(options.suite)
    if options.only:
        fixtures = [fixture for fixture in fixtures if options.only in fixture.name]
    totals: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0, 0])
    crashes = 0
    for fixture in fixtures:
        our_pass, our_output = run(fixture, ours)
        bare_pass, _ = run(fixture, bare_citeproc_py)
        crashes += isinstance(our_output, str)
        counts = totals[fixture.category]
        counts[0] += 1
        counts[1] += our_pass
        counts[2] += bare_pass
        if options.fixtures:
            mark = {(True, False): "  (beats citeproc-py)", (False, True): "  (citeproc-py passes)"}
            print(
                f"{'pass' if our_pass else 'FAIL'}  {'pass' if bare_pass else 'FAIL'}  {fixture.name}"
                f"{mark.get((our_pass, bare_pass), '')}"
            )
        if fixture.name in options.show:
            print(f"--- {fixture.name}\nexpected:")
            print("\n".join(f"  {line}" for line in fixture.expected))
            print("ours:")
            print("\n".join(f"  {line}" for line in our_output) if isinstance(our_output, list) else our_output)
    print(f"\n{'category':<16} {'fixtures':>8} {'ours':>6} {'citeproc-py':>12}")
    for category in sorted(totals):
        count, our_count, bare_count = totals[category]
        print(f"{category:<16} {count:>8} {our_count:>6} {bare_count:>12}")
    total = [sum(counts[column] for counts in totals.values()) for column in range(3)]
    print(f"{'all':<16} {total[0]:>8} {total[1]:>6} {total[2]:>12}   (our crashes: {crashes})")


if __name__ == "__main__":
    main()
