"""`awesome-bib latex` and `cite` end to end, and the survey draft's pieces (no TeX run here)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import bibtexparser
import pytest

from awesome_bib.errors import AwesomeBibError
from awesome_bib.export.latex import survey_tex
from awesome_bib.export.latex_forest import FOREST_STYLE
from awesome_bib.export.latex_table import TABLE_COLUMNS, code_links, href_url
from awesome_bib.export.latex_tree import SHORT_NAME_LENGTH, SurveyOptions, cite_command, section_tree, short_name
from awesome_bib.lists.document import parse_list
from conftest import DATA, copy_list, run

HOSTILE = DATA / "latex" / "hostile.md"
CITE = re.compile(r"\\(?:cite|citep|autocite)\{([^}]*)\}")
HEADING = re.compile(r"^\\(section|subsection|subsubsection|paragraph)\{(.*)\}\\label\{sec:([^}]*)\}$", re.M)
QUANTIZATION = [
    "huang2024mcmoe", "kim2023mixture", "frantar2023qmoe", "imani2024mixture",
    "li2024examining", "yang2024laco", "yuan2023compressed",
]


def cited_keys(tex: str) -> list[str]:
    return [key for group in CITE.findall(tex) for key in group.split(",")]


def bib_keys(text: str) -> list[str]:
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == []
    return [entry.key for entry in library.entries]


def draft(out: Path, *args: str | Path) -> tuple[str, str]:
    """Run `latex --out` and return the .tex and the .bib it wrote."""
    result = run("latex", *args, "--out", out)
    assert result.exit_code == 0, result.stderr
    return (out / "survey.tex").read_text("utf-8"), (out / "references.bib").read_text("utf-8")


def section_counts() -> list[dict[str, object]]:
    return json.loads(run("sections", "--json").stdout)


def chunks_by_heading(tex: str) -> dict[str, str]:
    """The text under each heading up to the next one, by section path."""
    matches = list(HEADING.finditer(tex))
    ends = [m.start() for m in matches[1:]] + [len(tex)]
    return {m.group(3): tex[m.end():end] for m, end in zip(matches, ends, strict=True)}


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    """A writable copy of the hostile list (its lockfile is written beside it)."""
    return copy_list(HOSTILE, tmp_path, name="hostile.md")


# -- the embedded list, end to end ---------------------------------------------------------------

def test_out_writes_a_complete_document_with_a_heading_per_section_with_papers(tmp_path: Path) -> None:
    tex, _ = draft(tmp_path)
    assert tex.startswith("% Survey draft written by awesome-bib")
    for line in (r"\documentclass[11pt]{article}", r"\begin{document}", r"\bibliographystyle{unsrtnat}",
                 r"\bibliography{references}", r"\end{document}"):
        assert line in tex.splitlines()
    counts = section_counts()
    wanted = {level: [c["title"] for c in counts if c["level"] == level and c["total"]] for level in (2, 3, 4)}
    found = {command: [title for kind, title, _ in HEADING.findall(tex) if kind == command]
             for command in ("section", "subsection", "subsubsection")}
    assert found == {"section": wanted[2], "subsection": wanted[3], "subsubsection": wanted[4]}
    assert len(found["section"]) == 6
    empty = [c["title"] for c in counts if not c["total"]]
    assert empty == ["Contents", "Speculative Decoding", "TODOs", "Contribute"]
    assert f"% Headings without papers, left out: {'; '.join(empty)}" in tex


def test_every_cited_key_is_in_the_bib_and_every_bib_entry_is_cited(tmp_path: Path) -> None:
    tex, bib = draft(tmp_path)
    keys = bib_keys(bib)
    assert len(keys) == 118 == len(set(keys))
    assert set(cited_keys(tex)) == set(keys)
    exported = bib_keys(run("export", "--all").stdout)
    assert keys == exported  # the same records, exported the same way, in list order


def test_a_paper_listed_under_several_headings_is_cited_under_each(tmp_path: Path) -> None:
    tex, _ = draft(tmp_path, "--taxonomy", "none", "--no-tables", "--papers", "sentence")
    items = json.loads(run("export", "-f", "csljson").stdout)
    shared = [item for item in items if len(item["custom"]["section-paths"]) == 3]
    assert shared, "the seed lists some papers under three headings"
    chunks = chunks_by_heading(tex)
    for item in shared:
        citing = sorted(path for path, text in chunks.items() if item["id"] in cited_keys(text))
        assert citing == sorted(item["custom"]["section-paths"])


def test_cite_prints_the_keys_of_a_section_in_list_order() -> None:
    result = run("cite", "--section", "quantization")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "\\cite{" + ",".join(QUANTIZATION) + "}\n"
    assert run("cite", "-s", "Quantization", "--command", "citep").stdout == "\\citep{" + ",".join(QUANTIZATION) + "}\n"


def test_cite_of_a_parent_section_is_its_subtree_each_paper_once_in_list_order() -> None:
    keys = run("cite", "-s", "model-compression").stdout.strip().removeprefix("\\cite{").removesuffix("}").split(",")
    total = next(c["total"] for c in section_counts() if c["slug"] == "model-compression")
    assert len(keys) == len(set(keys)) == total
    pruning = run("cite", "-s", "pruning").stdout.strip().removeprefix("\\cite{").removesuffix("}").split(",")
    assert keys[: len(pruning)] == pruning
    new_in_quantization = [key for key in QUANTIZATION if key not in pruning]
    assert len(new_in_quantization) == 6  # LaCo is listed under Pruning first
    assert keys[len(pruning):len(pruning) + 6] == new_in_quantization


def test_the_draft_cites_a_section_as_cite_does(tmp_path: Path) -> None:
    tex, _ = draft(tmp_path, "--section", "quantization")
    sentence = next(line for line in tex.splitlines() if line.startswith("This section covers"))
    assert sentence == "This section covers 7 papers~\\citep{" + ",".join(QUANTIZATION) + "}."


@pytest.mark.parametrize("command", ["latex", "cite"])
def test_an_unknown_section_is_a_one_line_error_with_status_2(command: str) -> None:
    result = run(command, "--section", "quantisationz")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("awesome-bib: error: no section 'quantisationz'; did you mean: quantization?")


@pytest.mark.parametrize("command", ["latex", "cite"])
def test_a_section_without_papers_exits_1(command: str) -> None:
    result = run(command, "--section", "speculative-decoding")
    assert result.exit_code == 1
    assert "speculative-decoding lists no papers" in result.stderr


@pytest.mark.parametrize("args", [
    ["cite", "-s", "quantization", "--command", "cite{x}"],
    ["latex", "--all", "--section", "quantization"],
    ["latex", "--style", "plain nat"],
    ["latex", "--backend", "bibtex"],
])
def test_bad_options_exit_2_naming_the_problem(args: list[str]) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert result.stdout == ""


def test_outputs_are_byte_identical_across_runs(tmp_path: Path) -> None:
    first = draft(tmp_path / "a", "--backend", "biblatex")
    second = draft(tmp_path / "b", "--backend", "biblatex")
    assert first == second
    for name in ("survey.tex", "references.bib"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert run("latex", "-s", "pruning").stdout == run("latex", "-s", "pruning").stdout


def test_m3vit_and_other_specials_are_escaped(tmp_path: Path) -> None:
    tex, bib = draft(tmp_path)
    assert "M³" not in tex and "M³" not in bib
    assert r"\textbf{M{$^3$}ViT}: Mixture-of-Experts Vision Transformer" in tex
    assert r"M{$^3$}ViT~\citep{liang2022m3vit}" in tex
    assert r"\href{https://github.com/ranggihwang/Pregated_MoE}{GitHub}" in tex


def test_a_hostile_list_is_escaped_everywhere(hostile: Path) -> None:
    tex = run("latex", "--list", hostile).stdout
    assert r"\title{Hostile \& Odd List}" in tex
    assert r"\section{Tips \& Tricks: 100\% {\textbraceleft}fun{\textbraceright} \#1}" in tex
    assert r"\section{Closing \$ection {\textasciicircum} with {\textbackslash}backslash}" in tex
    assert r"{\textbackslash}input{\textbraceleft}/etc/passwd{\textbraceright}" in tex
    assert r"\input{" not in tex and r"\immediate" not in tex and r"\write18" not in tex
    assert r"Scaling [Experts], Routing = Fast, and 50\% Cheaper \& Better\_Now \#2 {\textasciitilde}ok" in tex
    assert r"\href{https://github.com/x/y?a=1\&b=\~c\#L10}{GitHub}" in tex
    assert r"\href{https://github.com/VITA-Group/M3ViT_a\%20b\#readme}{GitHub}" in tex
    assert r"\subsection{Sch{\"o}lkopf's Corner}" in tex
    assert r"{\"U}ber-Routing" in tex and r"Caf{\'e}" in tex and r"S{\o}ren" in tex


def test_headings_map_to_depth_from_the_chosen_root(hostile: Path) -> None:
    whole = [(kind, path) for kind, _, path in HEADING.findall(run("latex", "--list", hostile).stdout)]
    corner = "tips-tricks-100-fun-1/scholkopf-s-corner"
    assert whole == [
        ("section", "tips-tricks-100-fun-1"), ("subsection", corner),
        ("subsubsection", f"{corner}/deeper"), ("paragraph", f"{corner}/deeper/deepest-heading"),
        ("section", "closing-ection-with-backslash"),
    ]
    chosen = run("latex", "--list", hostile, "-s", "Schölkopf's Corner").stdout
    assert [kind for kind, _, _ in HEADING.findall(chosen)] == ["section", "subsection", "subsubsection"]
    assert "% Headings without papers, left out: Nothing Here Yet" in run("latex", "--list", hostile).stdout


def test_forest_nodes_hold_their_text_in_one_balanced_brace_group(hostile: Path) -> None:
    for taxonomy in ("grouped", "leaves"):
        tex = run("latex", "--list", hostile, "--taxonomy", taxonomy).stdout
        nodes = [line.strip() for line in tex.splitlines() if line.strip().startswith("[{")]
        assert len(nodes) > 5
        for node in nodes:
            depth, end = 0, None
            for index, char in enumerate(node[1:], start=1):
                depth += {"{": 1, "}": -1}.get(char, 0)
                if depth == 0:
                    end = index
                    break
            assert end is not None and node[end + 1:].startswith(", taxonomy"), node


def test_body_only_leaves_out_the_preamble_and_names_what_it_needs() -> None:
    body = run("latex", "-s", "quantization", "--body-only").stdout
    code = [line for line in body.splitlines() if not line.startswith("%")]
    assert not any(line.startswith((r"\documentclass", r"\begin{document}", r"\bibliography")) for line in code)
    assert "%   \\usepackage[numbers,sort&compress]{natbib}" in body
    assert "%   \\usepackage[edges]{forest}" in body
    assert r"\section{Quantization}\label{sec:model-level-optimizations/model-compression/quantization}" in code
    assert code.count(FOREST_STYLE.splitlines()[0]) == 1  # a pasted body brings its figure styles
    assert r"\caption{Taxonomy of Quantization.}\label{fig:taxonomy}" in code


def test_biblatex_backend_uses_biber_and_autocite(tmp_path: Path) -> None:
    tex, _ = draft(tmp_path, "-s", "pruning", "--backend", "biblatex", "--style", "authoryear")
    assert r"\usepackage[backend=biber,style=authoryear]{biblatex}" in tex
    assert r"\addbibresource{references.bib}" in tex and r"\printbibliography" in tex
    assert r"\autocite{" in tex and r"\citep" not in tex and r"\bibliography{" not in tex


def test_options_shape_the_draft() -> None:
    plain = run("latex", "--taxonomy", "none", "--no-tables", "--papers", "sentence", "--title", "MoE & me").stdout
    assert "forest" not in plain and "longtable" not in plain and "itemize" not in plain
    assert r"\title{MoE \& me}" in plain
    full = run("latex").stdout
    assert full.count(r"\begin{longtable}") == sum(1 for c in section_counts() if c["entries"])
    assert full.count(r"\begin{forest}") == 1
    leaves = run("latex", "--taxonomy", "leaves").stdout
    # An overview of the sections, then one figure per top-level section with a leaf per listing.
    assert leaves.count(r"\begin{forest}") == 1 + 6
    assert leaves.count(", taxonomy paper]") == sum(int(c["entries"]) for c in section_counts())


# -- the pieces ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("title", "name"), [
    ("QMoE: Practical Sub-1-Bit Compression of Trillion-Parameter Models", "QMoE"),
    ("MoE-Lightning: High-Throughput MoE Inference on Memory-constrained GPUs", "MoE-Lightning"),
    ("Mixtral-8x7B", "Mixtral-8x7B"),
    ("Branch-Train-MiX:Mixing Expert LLMs into a Mixture-of-Experts LLM", "Branch-Train-MiX"),
    ("Mixture of Quantized Experts (MoQE): Complementary Effect", "MoQE"),
    ("Who Says Elephants Can't Run: Bringing Large Scale MoE Models", "Who Says Elephants Can't Run"),
    ("Knowledge distillation for mixture of experts models in speech recognition", "Knowledge distillation for…"),
    ("Supercalifragilisticexpialidociousnessification", "Supercalifragilisticexpiali…"),
])
def test_short_names(title: str, name: str) -> None:
    assert short_name(title) == name
    assert len(name) <= SHORT_NAME_LENGTH


def test_href_urls_are_percent_encoded_and_escaped() -> None:
    assert href_url(" https://e.org/a b/{x}\\y^z/é?q=50%&r=~s#top ") == (
        r"https://e.org/a\%20b/\%7Bx\%7D\%5Cy\%5Ez/\%C3\%A9?q=50\%\&r=\~s\#top"
    )
    item = {"id": "k", "custom": {"code": ["https://huggingface.co/m", "https://www.gitlab.com/g", "http://[bad"]}}
    assert code_links(item) == (r"\href{https://huggingface.co/m}{HF}, \href{https://www.gitlab.com/g}{GitLab}, "
                                r"\href{http://[bad}{code}")
    assert code_links({"id": "k"}) == "--"


def test_table_columns_never_exceed_the_line() -> None:
    assert sum(share for _, share in TABLE_COLUMNS) <= 1


def test_cite_command_refuses_what_latex_would_misread() -> None:
    assert cite_command(["b", "a"], "citet*") == r"\citet*{b,a}"
    with pytest.raises(AwesomeBibError, match="not a LaTeX command"):
        cite_command(["a"], "cite}")
    with pytest.raises(AwesomeBibError, match="cannot be cited"):
        cite_command(["a}b"])


def test_section_tree_drops_empty_headings_and_lists_each_paper_once() -> None:
    parsed = parse_list(HOSTILE.read_text("utf-8"))
    items = {index: {"id": f"k{index}", "title": entry.title} for index, entry in enumerate(parsed.entries)}
    papers: dict[str, list[dict[str, str]]] = {}
    for index, entry in enumerate(parsed.entries):
        papers.setdefault(entry.section, []).extend([items[index], items[index]])
    roots = section_tree(parsed.sections, papers)
    titles = [root.section.title for root in roots]
    assert titles == ["Tips & Tricks: 100% {fun} #1", "Closing $ection ^ with \\backslash"]
    assert [node.depth for node in roots[0].walk()] == [0, 1, 2, 3]
    assert [item["id"] for item in roots[0].papers] == ["k0", "k1", "k2"]
    assert len(roots[0].all_papers()) == 6


def test_the_api_refuses_unknown_options_and_empty_selections() -> None:
    with pytest.raises(AwesomeBibError, match="unknown taxonomy"):
        SurveyOptions(taxonomy="sideways")
    with pytest.raises(AwesomeBibError, match="list no papers") as raised:
        survey_tex(parse_list("## Empty\n").sections, {}, SurveyOptions())
    assert raised.value.exit_code == 1
