"""`export --format text|markdown|html --style` and `styles`, end to end on the embedded list."""

from __future__ import annotations

import json
from html.parser import HTMLParser

from markdown_it import MarkdownIt

from conftest import run


def test_markdown_reference_list_of_a_section_with_clickable_links() -> None:
    result = run("export", "-s", "quantization", "--format", "markdown", "--style", "ieee")
    assert result.exit_code == 0, result.stderr
    html = MarkdownIt("commonmark").render(result.stdout)
    assert html.count("<li>") == 7
    assert '<a href="https://doi.org/10.48550/arxiv.2310.16795">' in html
    assert "QMoE: Practical Sub-1-Bit Compression" in result.stdout
    assert result.stdout.startswith("- \\[1\\] W. Huang *et al.*, “MC-MoE")  # IEEE's label, escaped for Markdown
    assert "[Code](http://github.com/IST-DASLab/qmoe)" in result.stdout


def test_html_is_valid_escaped_and_linked() -> None:
    result = run("export", "-s", "hareware-level-optimization", "--format", "html", "--style", "apa")
    assert result.exit_code == 0, result.stderr

    class Balance(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.open: list[str] = []
            self.links: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.open.append(tag)
            self.links += [value or "" for name, value in attrs if name == "href" and tag == "a"]

        def handle_endtag(self, tag: str) -> None:
            assert self.open.pop() == tag

    parser = Balance()
    parser.feed(result.stdout)
    assert parser.open == [] and len(parser.links) >= 6
    assert "M³ViT" in result.stdout


def test_text_keeps_list_order_or_sorts_as_the_style_says() -> None:
    listed = run("export", "-s", "survey", "-f", "text", "--style", "apa").stdout.splitlines()
    assert listed[0].startswith("Vats, A., Raja, R., Jain, V., & Chadha, A. (2024, August). The Evolution of Mixture")
    by_style = run("export", "-s", "survey", "-f", "text", "--style", "apa", "--sort", "style").stdout.splitlines()
    assert sorted(listed) == sorted(by_style) and by_style[0].startswith("Cai, W.")  # by author


def test_styles_lists_our_own_first_then_the_shipped_ones() -> None:
    result = run("styles")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("awesome-compact") and lines[0].endswith("[awesome-bib]")
    names = {line.split()[0] for line in lines}
    assert {"ieee", "apa", "nature", "chicago-author-date", "association-for-computing-machinery"} <= names
    assert len(json.loads(run("styles", "--json").stdout)) == len(lines)


def test_unknown_style_suggests_names() -> None:
    result = run("export", "-s", "survey", "-f", "text", "--style", "ieeee")
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert "ieeee" in line and "ieee" in line


def test_style_with_a_data_format_is_a_usage_error() -> None:
    result = run("export", "-s", "survey", "--style", "ieee")
    assert result.exit_code == 2 and "--style and --sort apply to text, markdown and html" in result.stderr
