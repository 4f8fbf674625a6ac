"""`awesome-bib typst`: the LaTeX draft's content as Typst, compiled with the typst package (no network,
its embedded fonts only), with no error, no warning and no missing citation."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
import typst
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from awesome_bib.export.typst_draft import typst_text
from awesome_bib.records.latex_text import normalize_text
from conftest import DATA, copy_list, run

TYPST_CITE = re.compile(r'#cite\(label\("((?:[^"\\]|\\.)*)"\)\)')
LATEX_CITE = re.compile(r"\\(?:citep|autocite)\{([^}]*)\}")
TYPST_HEADING = re.compile(r"^(=+) (.*) <sec:([^>]*)>$", re.M)
LATEX_HEADING = re.compile(r"^\\(section|subsection|subsubsection|paragraph)\{(.*)\}\\label\{sec:([^}]*)\}$", re.M)
LATEX_DEPTH = {"section": 1, "subsection": 2, "subsubsection": 3, "paragraph": 4}


def draft(out: Path, *args: str | Path) -> tuple[str, dict[str, object]]:
    """Run `typst --out` and return the .typ and the Hayagriva entries it wrote."""
    result = run("typst", *args, "--out", out)
    assert result.exit_code == 0, result.stderr
    return (out / "survey.typ").read_text("utf-8"), yaml.safe_load((out / "references.yml").read_text("utf-8"))


def compile_pdf(out: Path) -> bytes:
    """The PDF, with Typst's embedded fonts only; any warning fails the test as an error would."""
    pdf, warnings = typst.compile_with_warnings(str(out / "survey.typ"), format="pdf", ignore_system_fonts=True)
    assert warnings == []
    assert pdf.startswith(b"%PDF")
    return bytes(pdf)


def cited_in_document(out: Path) -> list[str]:
    """The citations of the compiled document, as Typst resolves them."""
    found = json.loads(typst.query(str(out / "survey.typ"), "cite", field="key", ignore_system_fonts=True))
    return [key.removeprefix("<").removesuffix(">") for key in found]


def printed_text(out: Path) -> str:
    """The document's text as Typst prints it (its HTML export, tags dropped)."""
    page = typst.compile(str(out / "survey.typ"), format="html", ignore_system_fonts=True).decode()
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_the_whole_embedded_list_compiles_cleanly_and_cites_exactly_its_references(tmp_path: Path) -> None:
    typ, references = draft(tmp_path)
    assert typ.startswith("// Survey draft written by awesome-bib")
    compile_pdf(tmp_path)
    cited = cited_in_document(tmp_path)
    assert set(cited) == set(references) and len(references) == 118
    assert [item["id"] for item in json.loads(run("export", "--all", "-f", "csljson").stdout)] == list(references)


def test_it_is_the_latex_draft_heading_for_heading_and_citation_for_citation(tmp_path: Path) -> None:
    for args in ((), ("--taxonomy", "leaves", "--papers", "sentence"), ("--taxonomy", "none", "--no-tables"),
                 ("--section", "model-compression")):
        typ, _ = draft(tmp_path / "typst", *args)
        result = run("latex", *args)
        assert result.exit_code == 0, result.stderr
        tex = result.stdout
        assert [(len(level), path) for level, _, path in TYPST_HEADING.findall(typ)] == [
            (LATEX_DEPTH[command], path.replace("/", ".")) for command, _, path in LATEX_HEADING.findall(tex)]
        assert TYPST_CITE.findall(typ) == [key for group in LATEX_CITE.findall(tex) for key in group.split(",")]
        assert typ.count("#figure(") == tex.count(r"\begin{figure}") + tex.count(r"\begin{longtable}")


def test_options_compile_and_say_what_they_promise(tmp_path: Path) -> None:
    typ, references = draft(tmp_path, "-s", "quantization", "--taxonomy", "leaves", "--papers", "sentence",
                            "--no-tables", "--style", "apa", "--title", "Quantizing experts: a survey")
    compile_pdf(tmp_path)
    assert '#bibliography("references.yml", title: [References], style: "apa")' in typ
    assert "#align(center, text(size: 17pt, weight: \"bold\")[Quantizing experts: a survey])" in typ
    assert "taxonomy-paper[" in typ and "  kind: table," not in typ and "\n- " not in typ
    assert len(references) == 7
    text = printed_text(tmp_path)
    assert "This section covers 7 papers" in text and "Figure 1 arranges them." in text


def test_a_hostile_list_compiles_into_inert_text(tmp_path: Path) -> None:
    listing = copy_list(DATA / "latex" / "hostile.md", tmp_path, name="hostile.md")
    for taxonomy in ("grouped", "leaves"):
        out = tmp_path / taxonomy
        draft(out, "--list", listing, "--taxonomy", taxonomy)
        compile_pdf(out)
        text = printed_text(out)
        for printed in (r"\input{/etc/passwd}: A Title That Tries to Read a File",
                        r"\immediate\write18{touch PWNED}: Shell Escape", "Tips & Tricks: 100% {fun} #1",
                        "Über-Routing: Café Experts for Søren"):
            assert printed in text, printed
        assert set(cited_in_document(out)) == set(yaml.safe_load((out / "references.yml").read_text("utf-8")))


def test_emoji_headings_compile_with_the_embedded_fonts(tmp_path: Path) -> None:
    listing = copy_list(DATA / "latex" / "emoji.md", tmp_path, name="emoji.md")
    draft(tmp_path / "draft", "--list", listing)
    compile_pdf(tmp_path / "draft")


def test_two_runs_are_byte_identical_and_stdout_is_the_document(tmp_path: Path) -> None:
    first, _ = draft(tmp_path / "a")
    second, _ = draft(tmp_path / "b")
    assert first == second == run("typst").stdout
    assert (tmp_path / "a" / "references.yml").read_bytes() == run("export", "-f", "hayagriva").stdout.encode()


def test_bad_input_is_one_line_and_writes_nothing(tmp_path: Path) -> None:
    result = run("typst", "--section", "no-such-section", "--out", tmp_path / "draft")
    assert result.exit_code == 2 and "no section 'no-such-section'" in result.stderr
    assert not (tmp_path / "draft").exists()
    assert run("typst", "--all", "-s", "survey").exit_code == 2
    assert "not a style name" in run("typst", "--style", "../x").stderr


@settings(max_examples=40, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=40))
def test_any_text_prints_as_written(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    folder = tmp_path_factory.mktemp("escape")
    expected = normalize_text(text)
    (folder / "doc.typ").write_text(f"#set smartquote(enabled: false)\nSTART{typst_text(expected)}END\n", "utf-8")
    page = typst.compile(str(folder / "doc.typ"), format="html", ignore_system_fonts=True).decode()
    body = html.unescape(re.sub(r"<[^>]+>", "", page.split("<body>", 1)[1]))
    printed = body.split("START", 1)[1].rsplit("END", 1)[0]
    assert printed == expected.replace("...", "…")
