"""Real TeX: the exported .bib compiles with bibtex and with biber, and hostile titles stay text.

TeX runs with its default file access (it may read any file) but without shell escape, so a title
that became ``\\input{/etc/passwd}`` would put the file in the PDF, and one that became
``\\immediate\\write18`` would leave a ``runsystem`` line in the log: the tests look for both, and
for the hostile titles printed as text.  Skipped when the tools are missing, except under CI.
"""

from __future__ import annotations

import json
import re
import subprocess
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from awesome_bib.export.biblatex import to_biblatex
from awesome_bib.export.bibtex import to_bibtex
from awesome_bib.records.latex_text import escape_latex
from conftest import require_tools, run

pytestmark = pytest.mark.slow

DATA = Path(__file__).parent / "data" / "bibtex"
PDFLATEX = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape"]
# Printed as they are when the escaping works; the passwd file's first line starts with "root:".
HOSTILE_TITLES_AS_TEXT = (r"\input{/etc/passwd}", r"\immediate\write18{touch PWNED}")
# Words a sentence-casing style (plain, plainnat) would lowercase without brace protection.
PROTECTED_WORDS = ("DeepSpeed-MoE", "QMoE", "GShard", "LLMs", "7B")
# bibtex reports bad input as "Warning--..." or "I was expecting ...---line N of file".
BIBTEX_PROBLEM = re.compile(r"^Warning--|---line \d+ of file|error message", re.MULTILINE)
# biber marks every problem with its level; no warning is expected for our data, so none is allowed.
BIBER_PROBLEM = re.compile(r"\b(WARN|ERROR)\b")
LATEX_PROBLEM = re.compile(r"^(LaTeX|Package \w+) Warning|^Missing character|runsystem", re.M)


@pytest.fixture(scope="module", autouse=True)
def tex_toolchain() -> None:
    require_tools("pdflatex", "bibtex", "biber", "pdftotext", what="TeX Live with biber, and poppler-utils")


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    items = json.loads((DATA / "items.json").read_text(encoding="utf-8"))
    (tmp_path / "refs.bib").write_text(to_bibtex(items), encoding="utf-8")
    return tmp_path


def _run(command: list[str], cwd: Path, log: Path) -> None:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, errors="replace")
    if result.returncode != 0:
        details = log.read_text(errors="replace")[-3000:] if log.exists() else result.stdout[-3000:]
        pytest.fail(f"{' '.join(command)} exited {result.returncode}:\n{details}")


def _compile(workdir: Path, document: str, backend: list[str], backend_log: str) -> str:
    """pdflatex, the bibliography backend, pdflatex twice; returns the PDF's text."""
    (workdir / "doc.tex").write_text(document, encoding="utf-8")
    latex_log = workdir / "doc.log"
    _run([*PDFLATEX, "doc.tex"], workdir, latex_log)
    _run([*backend, "doc"], workdir, workdir / backend_log)
    _run([*PDFLATEX, "doc.tex"], workdir, latex_log)
    _run([*PDFLATEX, "doc.tex"], workdir, latex_log)
    problems = LATEX_PROBLEM.findall(latex_log.read_text(errors="replace"))
    assert not problems, f"pdflatex log: {problems}"
    assert (workdir / "doc.pdf").stat().st_size > 0
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "doc.pdf", "-"], cwd=workdir, capture_output=True,
        text=True, check=True,
    ).stdout
    # pdftotext gives OT1's accents as combining marks after the letter.
    return unicodedata.normalize("NFC", " ".join(text.split()))


def _assert_inert(workdir: Path, text: str) -> None:
    assert not (workdir / "PWNED").exists()
    assert "root:" not in text
    for title in HOSTILE_TITLES_AS_TEXT:
        assert title in text


@pytest.mark.parametrize("style", ["plain", "unsrtnat", "plainnat"])
def test_bibtex_styles_compile_every_entry_cleanly(workdir: Path, style: str) -> None:
    document = (DATA / "bibtex-document.tex").read_text(encoding="utf-8")
    text = _compile(workdir, document.replace("@STYLE@", style), ["bibtex"], "doc.blg")
    blg = (workdir / "doc.blg").read_text(errors="replace")
    assert not BIBTEX_PROBLEM.findall(blg), blg
    _assert_inert(workdir, text)
    for word in PROTECTED_WORDS:
        assert word in text
    assert "Schölkopf" in text and "Müller" in text


@pytest.mark.parametrize("export", [to_bibtex, to_biblatex])
def test_biblatex_with_biber_compiles_every_entry_cleanly(workdir: Path, export: Callable[[Any], str]) -> None:
    items = json.loads((DATA / "items.json").read_text(encoding="utf-8"))
    (workdir / "refs.bib").write_text(export(items), encoding="utf-8")
    document = (DATA / "biblatex-document.tex").read_text(encoding="utf-8")
    text = _compile(workdir, document, ["biber"], "doc.blg")
    blg = (workdir / "doc.blg").read_text(errors="replace")
    assert not [line for line in blg.splitlines() if BIBER_PROBLEM.search(line)], blg
    _assert_inert(workdir, text)
    for printed in ("100% & $5 #1", "<a> |", "Qwen Team", "https://example.org/a_b/c%20d?x=1&y=~z#frag",
                    "arXiv: 2401.04088 [cs.LG]"):  # biblatex prints an eprint with its class
        assert printed in text


def test_every_character_escape_latex_spells_compiles(tmp_path: Path) -> None:
    """Every latexcodec translation escape_latex accepts is one a standard document can typeset."""
    lines = []
    for code in range(0xA0, 0x10000):
        char = chr(code)
        if unicodedata.category(char) in ("Cs", "Cc"):
            continue
        spelled = escape_latex(char)
        if spelled.startswith("{"):
            lines.append(f"\\setbox0\\hbox{{{spelled}}}% U+{code:04X}")
    assert len(lines) > 250, "latexcodec should spell most of Latin-1 and Latin Extended-A"
    template = (DATA / "characters-document.tex").read_text(encoding="utf-8")
    (tmp_path / "chars.tex").write_text(template.replace("@CHARACTERS@", "\n".join(lines)))
    _run([*PDFLATEX, "chars.tex"], tmp_path, tmp_path / "chars.log")


@pytest.mark.parametrize("backend", ["bibtex", "biber"])
def test_the_whole_embedded_list_exported_by_the_cli_compiles(tmp_path: Path, backend: str) -> None:
    result = run("export", "--all", "-o", tmp_path / "refs.bib")
    assert result.exit_code == 0, result.stderr
    if backend == "bibtex":
        document = (DATA / "bibtex-document.tex").read_text(encoding="utf-8").replace("@STYLE@", "plainnat")
        text = _compile(tmp_path, document, ["bibtex"], "doc.blg")
        blg = (tmp_path / "doc.blg").read_text(errors="replace")
        # Records made from the list alone have no authors until `resolve` fills them in: the one thing
        # bibtex may say about them is that (an author is a required field), and nothing else.
        missing_author = re.compile(r"^Warning--(empty author in|to sort, need author or key in) \w+$")
        problems = [line for line in blg.splitlines()
                    if BIBTEX_PROBLEM.search(line) and not missing_author.match(line)]
        assert not problems, blg
        assert "(There were" not in blg or "error message" not in blg
    else:
        document = (DATA / "biblatex-document.tex").read_text(encoding="utf-8")
        text = _compile(tmp_path, document, ["biber"], "doc.blg")
        blg = (tmp_path / "doc.blg").read_text(errors="replace")
        assert not [line for line in blg.splitlines() if BIBER_PROBLEM.search(line)], blg
    for title in ("QMoE: Practical Sub-1-Bit Compression", "ViT: Mixture-of-Experts Vision", "Qwen Team"):
        assert title.lower() in text.lower()
    assert "QMoE" in text and "MoE-Lightning" in text  # protected from the style's lower-casing
