"""`awesome-bib site` and `release --site`: the page and its files, read as HTML (the browser tests
in test_site_browser.py drive it in Chromium)."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from awesome_bib.export.site_chart import year_chart
from conftest import DATA, copy_list, run
from tests.fakeapi import FakeAPI

HOSTILE = DATA / "site" / "hostile.md"
PAGE_LIMIT = 1_500_000
LARGE_PAGE_LIMIT = 6_000_000


def site(out: Path, *args: str | Path) -> str:
    result = run("site", "--out", out, *args)
    assert result.exit_code == 0, result.stderr
    return (out / "index.html").read_text("utf-8")


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


class Elements(HTMLParser):
    """Every element with its attributes, and the text of the elements with an id or class."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)

    def all(self, tag: str, **wanted: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.elements if name == tag
                and all(attrs.get(key.replace("_", "-")) == value for key, value in wanted.items())]


def hostile_copy(tmp_path: Path) -> Path:
    """The hostile list with overrides that put markup into its metadata (title, authors, URL)."""
    listing = tmp_path / "list" / "README.md"
    listing.parent.mkdir()
    shutil.copy(HOSTILE, listing)
    listing.with_name("README.overrides.toml").write_text(
        '[routing2023btricks]\ntitle = "</script><script>window.pwned = 2</script> Routing"\n'
        'URL = "javascript:window.pwned = 3"\n'
        'author = [{ literal = "<svg onload=window.pwned=4>" }, { family = "O\'Neil & Sons", given = "Pat" }]\n'
        '\n["arxiv:2401.00101"]\ntitle = "<img src=x onerror=\\"window.pwned=1\\"> Gating \\"Quoted\\" & \'Single\'"\n',
        "utf-8",
    )
    return listing


def test_site_writes_the_page_beside_the_release_files_it_links(tmp_path: Path) -> None:
    page = site(tmp_path)
    files = tree(tmp_path)
    assert {"index.html", "all.bib", "all.json", "all.md", "manifest.json", "README.md"} <= set(files)
    manifest = json.loads(files["manifest.json"])
    assert "index.html" in manifest["files"]
    assert "Browse, search and copy citations: [index.html](index.html)" in files["README.md"].decode()
    links = {attrs["href"] for attrs in Elements(page).all("a") if "download" in attrs}
    sections = [s["path"] for s in json.loads(run("sections", "--json").stdout) if s["total"]]
    endings = ("bib", "biblatex.bib", "json", "ris", "yml", "md")
    expected = {f"{stem}.{ext}" for stem in ["all", *sections] for ext in endings}
    assert links == expected | {"awesome-moe-llm-inference-system-and-algorithm.zip"}
    assert all((tmp_path / link).is_file() for link in links)


def test_two_runs_give_byte_identical_pages_and_files(tmp_path: Path) -> None:
    site(tmp_path / "a")
    site(tmp_path / "b")
    assert tree(tmp_path / "a") == tree(tmp_path / "b")


def test_the_embedded_lists_page_is_under_its_size_limit(tmp_path: Path) -> None:
    site(tmp_path)
    assert (tmp_path / "index.html").stat().st_size < PAGE_LIMIT


def test_nothing_is_loaded_from_elsewhere_and_the_script_is_the_one_the_policy_allows(tmp_path: Path) -> None:
    page = site(tmp_path)
    parsed = Elements(page)
    for tag, attrs in parsed.elements:
        assert "src" not in attrs, (tag, attrs)
        if tag == "link":
            assert attrs["href"] == "data:,"
    assert not re.search(r"""(?:src|url)\s*[=(]\s*["']?(?:https?:)?//""", page)
    [policy] = [a["content"] for a in parsed.all("meta", http_equiv="Content-Security-Policy")]
    assert policy is not None and "default-src 'none'" in policy
    script = parsed.scripts[-1]
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in policy


def test_every_section_with_papers_has_its_count_cite_and_chart(tmp_path: Path) -> None:
    page = site(tmp_path)
    parsed = Elements(page)
    nav = {a["data-section"]: a for a in parsed.all("a") if "data-section" in a}
    sections = json.loads(run("sections", "--json").stdout)
    assert set(nav) == {""} | {s["path"] for s in sections if s["total"]}
    quantization = run("cite", "--section", "quantization").stdout.strip()
    assert any(b.get("data-cite") == quantization for b in parsed.all("button", **{"class": "copy-cite"}))
    charts = re.findall(r'<svg class="chart" role="img" aria-label="([^"]*)"', page)
    assert len(charts) == len(nav) - 1
    assert "Papers per year in Quantization: 2023: 3, 2024: 4" in charts


def test_list_and_metadata_text_is_escaped(tmp_path: Path) -> None:
    page = site(tmp_path / "site", "--list", hostile_copy(tmp_path))
    parsed = Elements(page)
    assert [a.get("type") for a in parsed.all("script")] == ["application/json", None]
    assert not parsed.all("img") and not parsed.all("svg", onload="window.pwned=4")
    assert not [attrs for _, attrs in parsed.elements if any(name.startswith("on") for name in attrs)]
    assert ("&lt;img src=x onerror=&quot;window.pwned=1&quot;&gt; Gating &quot;Quoted&quot; &amp; &#x27;Single&#x27;"
            in page)
    assert "&lt;/script&gt;&lt;script&gt;window.pwned = 2&lt;/script&gt; Routing" in page
    assert "javascript:" not in "".join(str(attrs.get("href")) for _, attrs in parsed.elements)
    data = json.loads(parsed.scripts[0])
    assert data["papers"]["routing2023btricks"]["find"].startswith("</script><script>window.pwned = 2</script>")
    assert "</script" not in page.split('id="page-data">')[1].split("</script>")[0]


def test_authors_show_three_then_et_al_with_the_rest_on_demand(tmp_path: Path) -> None:
    page = site(tmp_path / "site", "--list", hostile_copy(tmp_path))
    assert ('<span class="authors">Alice Müller, Bob Jones, Carol White<span class="rest" hidden>, Dan Brown, '
            'Eve Black</span> <button type="button" class="more" aria-expanded="false" data-rest="2">'
            "et al. (+2)</button></span>") in page
    assert '<span class="authors">Ana Ruiz, Ben Okoro, Cleo Tran</span>' in page


def test_title_and_style_options(tmp_path: Path) -> None:
    page = site(tmp_path, "--title", "Papers <we> read", "--style", "ieee")
    assert "<title>Papers &lt;we&gt; read: bibliography</title>" in page and "<h1>Papers &lt;we&gt; read</h1>" in page
    assert "references in the <i>ieee</i> style" in page
    assert '<span class="csl-left-margin">[1]</span>' in page


def test_papers_outside_every_section_are_shown_too(tmp_path: Path) -> None:
    listing = tmp_path / "list" / "README.md"
    listing.parent.mkdir()
    shutil.copy(DATA / "lists" / "intro-before-sections.md", listing)
    page = site(tmp_path / "site", "--list", listing)
    outside = page.split('<section class="sec" data-path=""')[1].split("</section>")[0]
    assert "Outside the sections" in outside and outside.count('<li class="paper"') >= 1


def test_release_site_puts_the_page_beside_the_release_and_plain_release_removes_it(tmp_path: Path) -> None:
    result = run("release", "--out", tmp_path, "--site", "--release-version", "v2.0.0")
    assert result.exit_code == 0, result.stderr
    assert f"wrote {tmp_path / 'index.html'} and " in result.stderr
    page = (tmp_path / "index.html").read_text("utf-8")
    assert "release <code>v2.0.0</code>" in page
    assert run("release", "--out", tmp_path).exit_code == 0
    assert not (tmp_path / "index.html").exists()


def test_a_style_that_does_not_exist_is_a_one_line_error_and_writes_nothing(tmp_path: Path) -> None:
    result = run("site", "--out", tmp_path / "site", "--style", "no-such-style")
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("awesome-bib: error: ") and "no-such-style" in line
    assert not (tmp_path / "site").exists()


@pytest.mark.slow
def test_a_generated_1500_entry_lists_page_is_under_its_size_limit(tmp_path: Path) -> None:
    from bench.bench_site import generate_list

    listing = tmp_path / "list" / "README.md"
    listing.parent.mkdir()
    listing.write_text(generate_list(), "utf-8")
    page = site(tmp_path / "site", "--list", listing)
    assert page.count('<li class="paper"') == 1500 + 1500 // 40
    assert len(page.encode()) < LARGE_PAGE_LIMIT


@pytest.mark.parametrize(
    ("counts", "bars"),
    [({2020: 1, 2022: 4}, [("43", "22.5", "40", "7.5"), ("127", "0", "40", "30")]), ({}, [])],
)
def test_the_chart_has_a_bar_per_year_with_papers_scaled_to_the_busiest(
        counts: dict[int, int], bars: list[tuple[str, ...]]) -> None:
    svg = year_chart(counts, (2019, 2022), "S")
    found = re.findall(r'<rect class="bar" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"', svg)
    assert found == bars  # 168 px for 4 years: 42 px a year, 2 px apart; 30 px for the busiest
    assert svg.count("<text") == 2 and ">2019</text>" in svg and ">2022</text>" in svg


def test_code_and_model_links_are_named_by_what_they_are(tmp_path: Path) -> None:
    page = site(tmp_path)
    mixtral = page.split('<li class="paper" data-key="jiang2024mixtral">')[1].split("</li>")[0]
    assert ('<a class="code" href="https://huggingface.co/mistralai/Mixtral-8x7B-v0.1">Model</a>'
            '<a class="code" href="https://huggingface.co/mistralai/Mixtral-8x22B-v0.1">Model 2</a>') in mixtral
    survey = page.split('<li class="paper" data-key="cai2024survey">')[1].split("</li>")[0]
    assert '<a class="code" href="https://github.com/withinmiaov/A-Survey-on-Mixture-of-Experts">Code</a>' in survey


def test_a_resolved_list_shows_its_authors_and_published_versions(tmp_path: Path, fake_api: FakeAPI) -> None:
    listing = copy_list(DATA / "lists" / "resolvable.md", tmp_path)
    assert run("resolve", "--list", listing).exit_code == 0
    page = site(tmp_path / "site", "--list", listing)
    papers = json.loads(Elements(page).scripts[0])["papers"]
    assert papers["frantar2024qmoe"]["kind"] == "published"  # upgraded: found at MLSys
    assert papers["jiang2024mixtral"]["kind"] == "preprint"
    assert [key for key, paper in papers.items() if paper["kind"] == "other"] == ["qwen2024qwen15moe"]  # the blog
    mixtral = page.split('<li class="paper" data-key="jiang2024mixtral">')[1].split("</li>")[0]
    shown = (r'<span class="authors">Albert Q\. Jiang, [^<]+, [^<]+<span class="rest" hidden>, [^<]+</span> '
             r'<button type="button" class="more" aria-expanded="false" data-rest="\d+">et al\. \(\+\d+\)')
    assert re.search(shown, mixtral)
    assert "albert q. jiang" in papers["jiang2024mixtral"]["find"]
