"""Reading lists: entry shapes, tags, code links, what is not an entry, and bad input."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from awesome_bib.errors import AwesomeBibError
from awesome_bib.lists.document import parse_list, read_list, slugify
from awesome_bib.lists.labels import is_generic
from conftest import DATA, SEED, copy_list, run

SHAPES = DATA / "lists" / "shapes.md"


def by_line(path: Path = SHAPES) -> dict:
    return {entry.line: entry for entry in read_list(path).entries}


def test_seed_shape_with_tag_title_code_and_trailing_tag() -> None:
    entries = by_line(SEED)
    moe_plus = entries[222]
    assert moe_plus.venue_tag == "Arxiv'24"
    assert moe_plus.title == "MoE++: Accelerating Mixture-of-Experts Methods with Zero-Computation Experts"
    assert moe_plus.target.ids == {"arxiv": "2410.07348"}
    assert moe_plus.code == ("https://github.com/SkyworkAI/MoE-plus-plus",)
    assert moe_plus.tags == ("MoE Module Design",)
    assert moe_plus.section == "system-level-optimization/expert-parallel"
    assert moe_plus.source.startswith("[Arxiv'24] [MoE++")


def test_seed_curly_apostrophe_missing_space_and_spaces_in_parentheses() -> None:
    entries = by_line(SEED)
    assert entries[356].venue_tag == "ISSCC’24"
    jetmoe = entries[48]  # "...0.1M Dollars](https://arxiv.org/abs/2404.07413)[[Code](...)]"
    assert jetmoe.code == ("https://github.com/myshell-ai/JetMoE",)
    tmm = entries[82]  # "(https://github.com/lbzhang/Enhanced-Expert-FGVC-Pytorch.git )"
    assert tmm.code == ("https://github.com/lbzhang/Enhanced-Expert-FGVC-Pytorch.git",)


def test_seed_lines_without_links_or_with_empty_links_are_not_entries() -> None:
    parsed = read_list(SEED)
    lines = {entry.line for entry in parsed.entries}
    assert 7 not in lines  # "Example: [Conference'year] [Paper Title]() [[Code]()]"
    assert 2 not in lines and 3 not in lines  # badges
    assert 368 not in lines  # "7.	MoEsaic: Shared Mixture of Experts" (a TODO without a link)
    assert len(parsed.entries) == 129
    assert parsed.stray_links == [] and parsed.malformed == []


def test_bullets_bold_numbered_and_table_shapes() -> None:
    entries = by_line()
    assert entries[7].shape == "bullet" and entries[7].title == "Mixtral of Experts"
    assert entries[7].code == ("https://github.com/mistralai/mistral-src",)
    bold = entries[8]
    assert bold.shape == "bold"
    assert bold.title.startswith("Switch Transformers: Scaling to Trillion")
    assert bold.authors_text == "William Fedus, Barret Zoph, Noam Shazeer"
    assert bold.venue_tag == "JMLR 2022"
    assert bold.target.ids == {"arxiv": "2101.03961"}
    assert bold.code == ("https://github.com/google-research/t5x",)
    assert entries[13].section == "bullets/numbered"
    assert entries[14].venue_tag == "ICLR 2017"  # "(ICLR 2017)" after the title
    table = entries[20]
    assert table.shape == "table" and table.venue_tag == "NeurIPS 2022"
    assert table.target.ids == {"neurips": "2022/2f00ecd787b432c1d36f3de9800728eb"}
    assert table.code == ("https://github.com/google/flaxformer",)
    assert entries[21].target.ids["acl"] == "2024.acl-long.699"


def test_tags_with_space_and_month() -> None:
    entries = by_line()
    assert entries[25].venue_tag == "SENSYS '24"
    assert entries[26].venue_tag == "Arxiv'24.8"
    assert entries[26].tags == ("Quantization",)


def test_malformed_links_are_kept_as_entries_not_dropped() -> None:
    parsed = read_list(SHAPES)
    malformed = {entry.line: entry for entry in parsed.malformed}
    assert set(malformed) == {27, 28}
    assert malformed[27].url == "https://arxiv.org/abs/2405.00002"
    assert malformed[27].title == "Broken Link Paper"
    assert malformed[28].target.ids == {"arxiv": "2301.00003"}
    assert {27, 28} <= {entry.line for entry in parsed.entries}


def test_prose_and_code_only_lines_are_stray_links_not_entries() -> None:
    parsed = read_list(SHAPES)
    assert [(s.line, s.url) for s in parsed.stray_links] == [
        (3, "https://example.org/contributing"),
        (29, "https://example.org/blog/moe"),
        (30, "https://github.com/vllm-project/vllm"),
    ]
    assert 31 not in {entry.line for entry in parsed.entries}  # "- TODO: add MoE-Lightning"


def test_a_paper_link_in_prose_of_unknown_shape_is_an_entry_titled_by_its_link() -> None:
    parsed = parse_list("## S\n\nAs shown by [the Switch paper](https://arxiv.org/abs/2101.03961), sparsity helps.\n")
    [entry] = parsed.entries
    assert entry.shape == "prose" and entry.title == "the Switch paper"


def test_paragraph_with_several_lines_gives_one_entry_per_line() -> None:
    text = "## S\n[Arxiv'24] [A](https://arxiv.org/abs/2401.00001)\n[Arxiv'24] [B](https://arxiv.org/abs/2401.00002)\n"
    parsed = parse_list(text)
    assert [(e.line, e.title) for e in parsed.entries] == [(2, "A"), (3, "B")]


def test_same_heading_twice_gets_distinct_paths() -> None:
    parsed = parse_list("## A\n### Misc\n## B\n### Misc\n## B\n")
    assert [s.path for s in parsed.sections] == ["a", "a/misc", "b", "b/misc", "b-2"]


def test_slugify_folds_accents_and_punctuation() -> None:
    assert slugify("Expert Skip/Adaptive Gating") == "expert-skip-adaptive-gating"
    assert slugify("Café & Crème: LLMs!") == "cafe-creme-llms"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("missing.md", "no such file"),
        ("latin1.md", "latin1.md:5: not UTF-8 (byte 0xe9); save the list as UTF-8"),
        ("no-entries.md", "no paper entries found"),
    ],
)
def test_bad_lists_give_one_line_errors_naming_the_file(name: str, message: str) -> None:
    result = run("export", "--list", DATA / "lists" / name)
    assert result.exit_code == 2
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("awesome-bib: error: ") and name in line and message in line
    assert "Traceback" not in result.stderr


def test_a_directory_is_not_a_list(tmp_path: Path) -> None:
    with pytest.raises(AwesomeBibError, match="is a directory"):
        read_list(tmp_path)


def lists(name: str) -> Path:
    return DATA / "lists" / f"{name}.md"


def entries_on(name: str) -> dict[int, list]:
    """Entries of a fixture list by line (a line may list several papers)."""
    found: dict[int, list] = {}
    for entry in read_list(lists(name)).entries:
        found.setdefault(entry.line, []).append(entry)
    return found


def test_upper_case_url_schemes_are_links() -> None:
    parsed = read_list(lists("uppercase-schemes"))
    entries = {entry.line: entry for entry in parsed.entries}
    assert entries[5].target.ids == {"doi": "10.1038/nature14539"}
    assert entries[5].url == "https://www.nature.com/articles/nature14539"
    assert entries[6].target.ids == {"arxiv": "2401.04088"} and entries[6].shape == "tagged"
    assert entries[6].code == ("https://github.com/mistralai/mistral-src",)
    assert [(e.line, e.url) for e in parsed.malformed] == [
        (7, "http://arxiv.org/abs/2405.00002"),
        (8, "https://arxiv.org/abs/2402.06196"),
    ]


def test_a_line_linking_several_titled_papers_lists_each() -> None:
    lines = entries_on("several-papers-per-line")
    assert [(e.title, e.identity) for e in lines[5]] == [
        ("GPT-3", "arxiv:2005.14165"),
        ("GPT-4", "arxiv:2303.08774"),
    ]
    switch, expert_choice = lines[7]  # each paper keeps the tag written next to it
    assert (switch.title, switch.venue_tag) == ("Switch Transformers", "JMLR 2022")
    assert (expert_choice.title, expert_choice.venue_tag) == ("Expert Choice Routing", "NeurIPS'22")
    assert [(e.title, e.venue_tag, e.shape) for e in lines[19]] == [  # a table cell: two papers, one row
        ("LLaMA", "arXiv 2023", "table"),
        ("Llama 2", "arXiv 2023", "table"),
    ]


def test_the_same_label_linking_another_paper_is_another_entry_not_dropped() -> None:
    mixtral, follow_up = entries_on("several-papers-per-line")[6]
    assert (mixtral.title, mixtral.identity) == ("Mixtral", "arxiv:2401.04088")
    assert (follow_up.title, follow_up.identity) == ("its follow-up", "arxiv:2405.04434")


def test_one_paper_with_code_pdf_and_other_links_is_one_entry() -> None:
    lines = entries_on("several-papers-per-line")
    [tagged], [bold], [versions] = lines[11], lines[12], lines[13]
    assert tagged.tags == ("MoE Module Design",) and tagged.code == ("https://github.com/SkyworkAI/MoE-plus-plus",)
    assert bold.title == "Attention Is All You Need" and len(bold.links) == 2
    assert versions.title == "ST-MoE" and [link.label for link in versions.links] == [
        "ST-MoE", "[arXiv version]", "[Project Page]",
    ]


def test_html_comments_hide_what_they_enclose_but_not_in_code_fences() -> None:
    parsed = read_list(lists("comments"))
    assert [(e.line, e.title) for e in parsed.entries] == [
        (5, "Visible paper"),
        (11, "Second visible paper"),  # the trailing comment's link is not read
        (17, "Third visible paper"),  # after a fence holding "<!--": the fence opens no comment
    ]  # the unclosed comment at line 18 hides line 19, as GitHub does
    assert parsed.stray_links == [] and parsed.malformed == []


def test_table_columns_named_by_the_header_give_venue_and_year() -> None:
    lines = entries_on("tables")
    assert lines[7][0].venue_tag == "JMLR 2022"  # a venue column after the paper's
    assert lines[13][0].venue_tag == "ICLR 2023"  # Venue and Year columns
    assert lines[19][0].venue_tag == "NeurIPS'2017.6"  # Date 2017-06; the Institute column is no venue


def test_table_columns_without_header_hints_give_only_academic_venues() -> None:
    lines = entries_on("tables")
    assert lines[25][0].venue_tag == "NeurIPS'2017.6"  # "Google" is passed over for "NeurIPS"
    assert lines[26][0].venue_tag == "'2024.1"  # "Microsoft" is not a venue here; the date still counts


def test_table_row_whose_link_says_paper_is_titled_by_its_title_column() -> None:
    lines = entries_on("tables")
    assert lines[32][0].title == "XFT: Unlocking the Power of Code Instruction Tuning"
    assert lines[32][0].venue_tag == "ACL 2024"
    assert lines[36][0].title == "DeepSeekMoE"  # no title column: the row's text that is no venue or year


def test_table_authors_column() -> None:
    lines = entries_on("tables")
    assert lines[42][0].authors_text == "William Fedus, Barret Zoph, Noam Shazeer"
    assert lines[43][0].authors_text is None  # "Google Brain": one name, maybe not a person's


@pytest.mark.parametrize(
    ("line", "authors", "venue_tag"),
    [
        (5, "Ashish Vaswani, Noam Shazeer, Niki Parmar, Jakob Uszkoreit, Llion Jones, Aidan N. Gomez, "
            "Łukasz Kaiser, Illia Polosukhin", "NeurIPS 2017"),
        (6, "Ashish Vaswani, Noam Shazeer et al.", "NeurIPS 2017"),
        (7, "G. Hinton et al.", "'2015"),
        (8, "Damai Dai, Chengqi Deng, Chenggang Zhao", "ACL 2024"),
        (9, "Martin Luther King Jr., Rosa Parks", None),
        (13, None, "'2023"),  # "Hugging Face blog post" is no author list
        (14, None, "ICLR 2023"),  # "Komatsuzaki [1], Puigcerver [2] and others": unsure
        (15, None, None),  # "Mixtral, Qwen and DeepSeek": one-word names
        (19, "Tim Dettmers, et al.", "NeurIPS 2022"),
    ],
)
def test_authors_venue_and_year_in_free_text(line: int, authors: str | None, venue_tag: str | None) -> None:
    [entry] = entries_on("bylines")[line]
    assert (entry.authors_text, entry.venue_tag) == (authors, venue_tag)


def test_titles_of_bold_quoted_and_tagged_text_lines() -> None:
    lines = entries_on("bylines")
    assert lines[7][0].title == "Distilling the knowledge in a neural network"
    assert lines[19][0].title == "LLM.int8(): 8-bit Matrix Multiplication for Transformers at Scale"
    [outrageously] = entries_on("titles")[5]
    assert (outrageously.title, outrageously.venue_tag) == ("Outrageously Large Neural Networks", "ICLR 2017")


def test_a_link_without_a_title_of_its_own_is_titled_by_the_text_or_the_url() -> None:
    lines = entries_on("titles")
    assert lines[6][0].title == "https://arxiv.org/abs/2401.04088"  # <autolink>: nothing else to go by
    assert lines[7][0].title == "https://arxiv.org/abs/2402.06196"  # "5. <bare url>", not "5."
    assert lines[8][0].title == "OLMoE: Open Mixture-of-Experts Language Models"  # [arXiv:2409.02060](…)
    mixtral = lines[9][0]  # [Mixtral](web page) [[paper]](arXiv)
    assert (mixtral.title, mixtral.identity) == ("Mixtral", "arxiv:2401.04088")


def test_html_links_are_links() -> None:
    lines = entries_on("titles")
    assert (lines[14][0].title, lines[14][0].url) == (
        "Mixture-of-Experts Meets Instruction Tuning", "https://arxiv.org/abs/2305.14705")
    assert lines[15][0].url == "https://arxiv.org/abs/2308.00951?a=1&b=2"
    assert lines[15][0].venue_tag == "ICLR 2024"  # <b>ICLR 2024</b> after the link
    assert (lines[20][0].title, lines[20][0].venue_tag) == ("Switch Transformers", "JMLR 2022")


@pytest.mark.parametrize(
    ("name", "title"), [("title-in-code-fence", "Awesome Fenced"), ("setext-title", "Awesome Setext")]
)
def test_the_list_title_is_read_from_headings_not_raw_lines(name: str, title: str) -> None:
    parsed = read_list(lists(name))
    assert parsed.title == title
    assert [s.path for s in parsed.sections] == ["papers"]


def test_a_list_without_sections_lists_its_papers_under_its_title() -> None:
    parsed = read_list(lists("no-sections"))
    [top] = parsed.sections
    assert (top.title, top.level, top.slug, top.path, top.line) == ("T", 1, "t", "t", 1)
    assert {entry.section for entry in parsed.entries} == {"t"}
    untitled = parse_list("- [x](https://arxiv.org/abs/2401.00001)\n")
    assert [s.path for s in untitled.sections] == ["papers"] and untitled.entries[0].section == "papers"


def test_a_list_without_sections_exports_and_drafts_by_its_title_section(tmp_path: Path) -> None:
    path = copy_list(lists("no-sections"), tmp_path)
    assert run("sections", "--list", path).stdout.splitlines()[1].split() == ["t", "2", "2", "T"]
    exported = run("export", "--list", path, "-s", "t", "-f", "csljson")
    assert exported.exit_code == 0 and len(json.loads(exported.stdout)) == 2
    assert run("latex", "--list", path, "--body-only").exit_code == 0


def test_entries_before_the_first_section_belong_to_the_title_section_unless_prose() -> None:
    parsed = read_list(lists("intro-before-sections"))
    assert [s.path for s in parsed.sections] == ["awesome-intro", "papers"]
    assert [(e.line, e.section) for e in parsed.entries] == [
        (3, ""),  # "This list accompanies [our survey](…)": a citation in the introduction, in no section
        (5, "awesome-intro"),
        (9, "papers"),
    ]


def test_sections_text_is_indented_by_depth_not_heading_level() -> None:
    lines = run("sections", "--list", lists("deep-headings")).stdout.splitlines()
    assert [re.match(r" *\S+", line)[0] for line in lines[1:]] == [
        "deep-headings", "  top", "    deep-child", "    middle", "second-part", "  under-the-second-part",
    ]


@pytest.mark.parametrize(
    ("label", "generic"),
    [
        ("[Code]", True), ("Project Page", True), ("arXiv version", True), ("arXiv:2409.02060", True),
        ("https://arxiv.org/abs/2401.04088", True), ("NeurIPS 2022", True), ("", True),
        ("Mixtral of Experts", False), ("GPT-4", False), ("混合专家模型综述", False), ("Qwen", False),
    ],
)
def test_link_texts_that_name_a_resource_not_a_title(label: str, generic: bool) -> None:
    assert is_generic(label) is generic


def test_a_line_with_thousands_of_links_gives_every_paper_in_linear_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """Work per link stays constant (counted, not timed: bench/bench_parse.py measures the time)."""
    from awesome_bib.lists import line as listline

    calls = 0
    real_identity = listline._identity

    def counted(target: object) -> str:
        nonlocal calls
        calls += 1
        return real_identity(target)  # type: ignore[arg-type]

    monkeypatch.setattr(listline, "_identity", counted)
    links = 2_000
    papers = ", ".join(f"[Paper number {n}](https://arxiv.org/abs/2401.{n:05d})" for n in range(links))
    parsed = parse_list(f"# One line\n\n## Papers\n\n- [ICML'24] {papers} [[Code](https://github.com/a/b)]\n")
    assert [e.title for e in parsed.entries] == [f"Paper number {n}" for n in range(links)]
    assert parsed.entries[0].venue_tag == "ICML'24"
    assert parsed.entries[-1].code == ("https://github.com/a/b",)
    assert calls < 10 * links


DEEP_PAPER = "[Arxiv'24] [Deep Paper](https://arxiv.org/abs/2401.00001)"
AFTER_DEEP = "\n\n## Later\n\n[Arxiv'24] [After](https://arxiv.org/abs/2401.00002)\n"


def _nested_quote(depth: int) -> str:
    return ">" * depth + " " + DEEP_PAPER


def _nested_list(depth: int) -> str:
    return "\n".join("  " * level + "- item" for level in range(depth)) + "\n" + "  " * depth + "- " + DEEP_PAPER


@pytest.mark.parametrize(("nest", "depth"), [(_nested_quote, 20), (_nested_quote, 25), (_nested_quote, 300),
                                             (_nested_list, 10), (_nested_list, 12), (_nested_list, 300)])
def test_papers_at_any_depth_of_nesting_are_kept_and_so_is_the_rest(nest: object, depth: int) -> None:
    body = nest(depth)  # type: ignore[operator]
    parsed = parse_list("# T\n\n## Deep\n\n" + body + AFTER_DEEP)
    found = {e.title: (e.section, e.line, e.venue_tag) for e in parsed.entries}
    deep_line = 5 + body.count("\n")
    assert found == {"Deep Paper": ("deep", deep_line, "Arxiv'24"), "After": ("later", deep_line + 4, "Arxiv'24")}
    assert [s.path for s in parsed.sections] == ["deep", "later"]


def test_sections_count_deeply_nested_papers(tmp_path: Path) -> None:
    listing = tmp_path / "README.md"
    listing.write_text("# T\n\n## Deep\n\n" + _nested_list(15) + AFTER_DEEP, "utf-8")
    assert [s["total"] for s in json.loads(run("sections", "--list", listing, "--json").stdout)] == [1, 1]


def _markdown_it_pieces(content: str) -> list[object]:
    from awesome_bib.lists.document import _inline_children, _markdown
    from awesome_bib.lists.pieces import pieces_by_line

    env: dict[str, object] = {}
    [inline] = [t for t in _markdown().parse(content, env) if t.type == "inline"]
    return [piece for line in pieces_by_line(_inline_children(inline, env)) for piece in line]


def _one_line_paragraphs() -> list[str]:
    from awesome_bib.lists.document import _markdown

    found = []
    for path in [SEED, *sorted(DATA.rglob("*.md"))]:
        for token in _markdown().parse(path.read_text("utf-8", errors="replace")):
            if token.type == "inline" and "\n" not in token.content and token.content:
                found.append(token.content)
    return found


def test_the_plain_line_reader_reads_every_line_it_takes_as_markdown_it_does() -> None:
    from awesome_bib.lists.pieces import plain_pieces

    lines = _one_line_paragraphs()
    taken = [line for line in lines if _one_paragraph(line) and plain_pieces(line) is not None]
    assert len(taken) > 150  # the seed's shape is the common case
    for line in taken:
        assert plain_pieces(line) == _markdown_it_pieces(line), line


MARKDOWN_BITS = st.sampled_from(["[", "]", "(", ")", " ", "a", "B", "'24", "*", "_", "`", "\\", "<", ">", "&", "!",
                                 "~", "](", "https://arxiv.org/abs/2401.00001", "HTTP://x.org/a_b", "[[Code]",
                                 "[Arxiv'24] ", "[T](https://x.org/p)", "(https://y.org)", "&amp;", "é", "|"])


@settings(max_examples=400, deadline=None)
@given(st.lists(MARKDOWN_BITS, min_size=1, max_size=12).map("".join))
def test_the_plain_line_reader_agrees_with_markdown_it_on_random_lines(line: str) -> None:
    from awesome_bib.lists.pieces import plain_pieces

    assume(_one_paragraph(line))  # a line markdown-it reads as one paragraph of exactly that text
    plain = plain_pieces(line)
    if plain is not None:
        assert plain == _markdown_it_pieces(line)


def _one_paragraph(content: str) -> bool:
    from awesome_bib.lists.document import _markdown

    tokens = _markdown().parse(content)
    return [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"] and tokens[1].content == content


def test_an_icon_before_a_link_title_keeps_the_paper() -> None:
    text = ("# T\n\n## S\n\n[Arxiv'24] [<img src=icon.png> Gating](https://arxiv.org/abs/2401.00101) "
            "[[Code](https://github.com/a/b)]\n\n[Arxiv'24] [<img src=icon.png> Gating Two](https://arxiv.org/abs/2401.00102)\n")
    parsed = parse_list(text, Path("README.md"))
    assert [(e.title, e.code) for e in parsed.entries] == [
        ("Gating", ("https://github.com/a/b",)), ("Gating Two", ())]
    assert parsed.stray_links == [] and parsed.malformed == []
