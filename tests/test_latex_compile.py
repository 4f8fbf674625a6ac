"""Real TeX: survey drafts build with latexmk, with no error, warning, undefined citation or overfull box.

latexmk runs pdflatex, bibtex or biber, and pdflatex again until references settle; the final
run's log must be clean.  Shell escape is off, so a title that became ``\\immediate\\write18`` would
leave a ``runsystem`` line in the log.  Skipped when the tools are missing, except under CI.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import unicodedata
import zlib
from pathlib import Path

import pytest

from conftest import DATA, copy_list, require_tools, run

pytestmark = pytest.mark.slow

LATEXMK = ["latexmk", "-pdf", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape"]
# Any warning, box overflow or lost character in the last pdflatex run is a failure.
LATEX_PROBLEM = re.compile(
    r"^(?:LaTeX|Package \w+) Warning.*|^Overfull \\[hv]box.*|^Missing character.*|^!.*|.*runsystem.*|.*undefined.*",
    re.MULTILINE | re.IGNORECASE,
)
# Records made from the list alone have no authors until `resolve` fills them in; that is the one
# thing bibtex may say about them.
MISSING_AUTHOR = re.compile(r"^Warning--(empty author in|to sort, need author or key in) \w+$")
BIBTEX_PROBLEM = re.compile(r"^Warning--|---line \d+ of file|error message", re.MULTILINE)
BIBER_PROBLEM = re.compile(r"\b(WARN|ERROR)\b")
# Names the taxonomy and the tables give papers of the embedded list (TeX prints ' as ’).
SHORT_NAMES = ("QMoE", "MoE-Lightning", "Mixtral of Experts", "Branch-Train-MiX", "JetMoE",
               "Who Says Elephants Can’t Run")


@pytest.fixture(scope="module", autouse=True)
def tex_toolchain() -> None:
    require_tools(
        "latexmk", "pdflatex", "bibtex", "biber", "pdftotext",
        what="TeX Live with forest and biber, latexmk, poppler-utils",
    )


def build(directory: Path, backend: str, name: str = "survey") -> str:
    """latexmk ``name``.tex in ``directory``; check the logs; return the PDF's text."""
    result = subprocess.run([*LATEXMK, f"{name}.tex"], cwd=directory, capture_output=True, text=True,
                            errors="replace")
    log = directory / f"{name}.log"
    log_text = log.read_text(errors="replace") if log.exists() else ""
    if result.returncode != 0:
        pytest.fail(f"latexmk exited {result.returncode}:\n{log_text[-3000:] or result.stdout[-3000:]}")
    assert not LATEX_PROBLEM.findall(log_text), LATEX_PROBLEM.findall(log_text)
    blg = (directory / f"{name}.blg").read_text(errors="replace")
    if backend == "natbib":
        problems = [line for line in blg.splitlines()
                    if BIBTEX_PROBLEM.search(line) and not MISSING_AUTHOR.match(line)]
    else:
        problems = [line for line in blg.splitlines() if BIBER_PROBLEM.search(line)]
    assert not problems, blg
    assert (directory / f"{name}.pdf").stat().st_size > 0
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", f"{name}.pdf", "-"], cwd=directory,
                          capture_output=True, text=True, check=True).stdout
    # pdftotext gives OT1's accents as combining marks after the letter.
    return unicodedata.normalize("NFC", " ".join(text.split()))


def link_targets(pdf: Path) -> set[str]:
    """The URIs of the PDF's links, read from its (possibly compressed) objects."""
    data = pdf.read_bytes()
    chunks = [data]
    for stream in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.DOTALL):
        try:
            chunks.append(zlib.decompress(stream.group(1)))
        except zlib.error:
            continue
    return {uri.decode("latin-1") for chunk in chunks for uri in re.findall(rb"/URI\s*\(([^)]*)\)", chunk)}


@pytest.mark.parametrize("backend", ["natbib", "biblatex"])
def test_the_draft_of_the_whole_embedded_list_builds_cleanly(tmp_path: Path, backend: str) -> None:
    result = run("latex", "--all", "--backend", backend, "--out", tmp_path)
    assert result.exit_code == 0, result.stderr
    text = build(tmp_path, backend)
    counts = json.loads(run("sections", "--json").stdout)
    for count in counts:
        assert (count["title"] in text) == bool(count["total"]), count["title"]
    for name in SHORT_NAMES:
        assert f"{name} [" in text  # each name followed by its numeric citation
    assert "Figure 1: Taxonomy of Awesome MoE LLM Inference System and Algorithm." in text
    assert "Table 1: Papers under Survey." in text
    assert "[?]" not in text and "??" not in text
    assert "https://github.com/ranggihwang/Pregated_MoE" in link_targets(tmp_path / "survey.pdf")


def test_a_leaf_per_paper_taxonomy_builds_cleanly(tmp_path: Path) -> None:
    result = run("latex", "--taxonomy", "leaves", "--papers", "sentence", "--out", tmp_path)
    assert result.exit_code == 0, result.stderr
    text = build(tmp_path, "natbib")
    assert "Figure 7: Papers on Hareware-Level Optimization." in text


@pytest.mark.parametrize("backend", ["natbib", "biblatex"])
def test_a_body_pasted_into_a_narrow_existing_draft_builds_cleanly(tmp_path: Path, backend: str) -> None:
    body = run("latex", "-s", "model-compression", "--body-only", "--backend", backend).stdout
    (tmp_path / "body.tex").write_text(body, encoding="utf-8")
    (tmp_path / "references.bib").write_text(run("export", "-s", "model-compression").stdout, encoding="utf-8")
    header = body.split("\n\n", 1)[0].splitlines()
    split = header.index("% and its end:")
    preamble = [line.removeprefix("%   ") for line in header[:split] if line.startswith("%   ")]
    end = [line.removeprefix("%   ") for line in header[split:] if line.startswith("%   ")]
    template = (DATA / "latex" / "host-document.tex").read_text(encoding="utf-8")
    document = template.replace("@PREAMBLE@", "\n".join(preamble)).replace("@END@", "\n".join(end))
    (tmp_path / "paper.tex").write_text(document, encoding="utf-8")
    text = build(tmp_path, backend, "paper")
    assert "1 Introduction" in text and "2 Model Compression" in text and "2.1 Pruning" in text
    assert "Figure 1: Taxonomy of Model Compression." in text


@pytest.mark.parametrize(("backend", "taxonomy"), [("natbib", "grouped"), ("biblatex", "leaves")])
def test_a_hostile_list_drafts_into_inert_text(tmp_path: Path, backend: str, taxonomy: str) -> None:
    listing = tmp_path / "list" / "hostile.md"
    listing.parent.mkdir()
    shutil.copy(DATA / "latex" / "hostile.md", listing)
    out = tmp_path / "draft"
    result = run("latex", "--list", listing, "--backend", backend, "--taxonomy", taxonomy, "--out", out)
    assert result.exit_code == 0, result.stderr
    text = build(out, backend)
    assert not (out / "PWNED").exists()
    assert "root:" not in text
    for printed in (r"\input{/etc/passwd}: A Title That Tries to Read a File",
                    r"\immediate\write18{touch PWNED}: Shell Escape",
                    "Tips & Tricks: 100% {fun} #1",
                    "Closing $ection ˆ with \\backslash",  # \textasciicircum reads back as U+02C6
                    # OT1 draws \_ as a rule, which has no text; \textasciitilde reads back as U+02DC.
                    "Scaling [Experts], Routing = Fast, and 50% Cheaper & Better Now #2 ˜ok",
                    "Schölkopf", "Über-Routing: Café Experts for Søren"):
        assert printed in text, printed
    assert {"https://github.com/x/y?a=1&b=~c#L10", "https://github.com/VITA-Group/M3ViT_a%20b#readme"} <= (
        link_targets(out / "survey.pdf")
    )


def test_emoji_and_invisible_characters_in_headings_do_not_stop_pdflatex(tmp_path: Path) -> None:
    listing = copy_list(DATA / "latex" / "emoji.md", tmp_path, name="emoji.md")
    result = run("latex", "--list", listing, "--out", tmp_path / "draft")
    assert result.exit_code == 0, result.stderr
    text = build(tmp_path / "draft", "natbib")
    assert "Milestone Papers" in text and "Systems & Serving" in text
