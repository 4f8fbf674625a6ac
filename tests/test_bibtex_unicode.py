"""Any title gives a .bib pdflatex + bibtex compile: spelled, dropped or left out with a warning.

The BibTeX writer's ``unicode`` switch keeps every character for biber (the biblatex toolchain)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pybtex.database
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from awesome_bib.export import render
from awesome_bib.export.bibtex import to_bibtex
from conftest import require_tools, run

HOSTILE = {
    "emoji": "🚀 Fast MoE 😀 Inference",
    "arabic": "نموذج Mixture of Experts",
    "invisible": "Zero\u200bwidth and \u202eright-to-left\u202c override",
    "combining": "Combining q\u0301 mark and Schölkopf",
    "replacement": "Broken \ufffd byte",
    "controls": "Bell\x07 and\x1b escape",
}


def item(key: str, title: str) -> dict[str, object]:
    return {"id": key, "type": "article-journal", "title": title, "container-title": "Journal of Tests",
            "author": [{"family": "Müller", "given": "Jürgen"}], "issued": {"date-parts": [[2024]]}}


def test_the_bib_for_pdflatex_is_ascii_and_names_what_it_left_out() -> None:
    rendered = render([item(key, title) for key, title in HOSTILE.items()], "bibtex")
    assert rendered.text.isascii()
    titles = {key: entry.fields["title"] for key, entry in
              pybtex.database.parse_string(rendered.text, "bibtex").entries.items()}
    assert titles["emoji"] == "Fast {MoE} Inference"
    assert titles["arabic"] == "Mixture of Experts"
    assert titles["invisible"] == "Zerowidth and right-to-left override"
    assert titles["combining"] == 'Combining q mark and Sch{\\"o}lkopf'
    assert titles["replacement"] == "Broken byte"
    assert titles["controls"] == "Bell and escape"
    problems = dict(rendered.problems)
    assert set(problems) == {"emoji", "arabic", "replacement"}  # invisible characters go silently
    assert "🚀" in problems["emoji"] and "😀" in problems["emoji"] and "pdflatex" in problems["emoji"]
    assert "title" in problems["arabic"]


def test_compatibility_forms_are_transliterated_not_lost() -> None:
    rendered = render([item("k", "Ｆｕｌｌｗｉｄｔｈ ﬁne-tuning")], "bibtex")
    assert "title = {Fullwidth fine-tuning}" in rendered.text and not rendered.problems


def test_the_unicode_switch_keeps_every_printable_character_for_biber() -> None:
    text = to_bibtex([item(key, title) for key, title in HOSTILE.items()], unicode=True)
    for kept in ("🚀", "نموذج", "\ufffd", "Sch{\\\"o}lkopf"):
        assert kept in text
    assert "\x07" not in text and "\x1b" not in text


def test_export_warns_naming_the_entry(tmp_path: Path) -> None:
    listing = tmp_path / "README.md"
    listing.write_text("# L\n\n## Models\n\n[Arxiv'24] [🚀 Rocket MoE](https://arxiv.org/abs/2401.00001)\n", "utf-8")
    result = run("export", "--list", listing)
    assert result.exit_code == 0
    assert "title = {Rocket {MoE}}" in result.stdout
    [warning] = result.stderr.splitlines()
    assert warning.startswith("awesome-bib: warning: rocket2024moe: ") and "🚀" in warning


TITLE_CHARACTERS = st.characters(blacklist_categories=("Cs",), max_codepoint=0x1FFFF)


@pytest.mark.slow
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(titles=st.lists(st.text(TITLE_CHARACTERS, min_size=1, max_size=40), min_size=1, max_size=8))
def test_random_unicode_titles_compile_with_pdflatex_and_bibtex(tmp_path_factory: pytest.TempPathFactory,
                                                                titles: list[str]) -> None:
    require_tools("pdflatex", "bibtex", what="TeX Live")
    folder = tmp_path_factory.mktemp("tex")
    document = (Path(__file__).parent / "data" / "bibtex" / "bibtex-document.tex").read_text("utf-8")
    (folder / "doc.tex").write_text(document.replace("@STYLE@", "plain"), "utf-8")
    rendered = render([item(f"k{n}", title) for n, title in enumerate(titles)], "bibtex")
    (folder / "refs.bib").write_text(rendered.text, "utf-8")
    pdflatex = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape"]
    for command in (pdflatex, ["bibtex"], pdflatex):
        done = subprocess.run([*command, "doc"], cwd=folder, capture_output=True, text=True,
                              errors="replace", timeout=60)
        assert done.returncode == 0, f"{command[0]} failed on {titles!r}:\n{done.stdout[-2000:]}"
    blg = (folder / "doc.blg").read_text(errors="replace")
    assert "error message" not in blg, blg
