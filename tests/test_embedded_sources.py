"""The embedded list ships resolved: its lockfile is rebuilt from the sourced metadata file alone."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import bibtexparser

from awesome_bib.resolve.sources.local import LocalBibliography
from tests.conftest import run

ROOT = Path(__file__).parent.parent
SOURCES = ROOT / "awesome_bib" / "data" / "sources" / "awesome-moe-inference.bib"
# A page, or a file in a public repository at a commit: owner/repository@<40 hex>:path
PUBLIC_SOURCE = re.compile(r"^https?://\S+$|^[\w.-]+/[\w.-]+@[0-9a-f]{7,40}:\S+$")


def test_the_shipped_lockfile_is_what_the_sources_file_gives() -> None:
    result = subprocess.run([sys.executable, "tools/rebuild_embedded.py", "--check"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_sourced_entry_names_a_public_source() -> None:
    bibliography = LocalBibliography.from_files([SOURCES])
    assert len(bibliography) >= 100
    for index, entry in enumerate(bibliography.entries):
        candidate = bibliography._candidate(index)
        assert candidate is not None, entry.key
        assert PUBLIC_SOURCE.match(candidate.evidence.get("origin", "")), (entry.key, candidate.evidence)


def test_the_quickstart_section_has_authors_and_author_keys() -> None:
    result = run("export", "--section", "quantization")
    library = bibtexparser.parse_string(result.stdout)
    assert len(library.entries) == 7
    assert all("author" in entry.fields_dict for entry in library.entries)
    assert all(re.fullmatch(r"[a-z]+\d{4}[a-z0-9]*", entry.key) for entry in library.entries)


def test_most_papers_of_the_embedded_list_are_resolved_with_ordered_authors() -> None:
    status = run("status", "--json")
    assert '"resolved"' in status.stdout
    items = json.loads(run("export", "--all", "-f", "csljson").stdout)
    with_authors = [item for item in items if item.get("author")]
    assert len(items) == 118
    assert len(with_authors) >= 106
    mixtral = next(item for item in items if item.get("custom", {}).get("arxiv") == "2401.04088")
    assert mixtral["id"] == "jiang2024mixtral" and mixtral["title"] == "Mixtral of Experts"
    assert mixtral["author"][0] == {"family": "Jiang", "given": "Albert Q."}
