"""The page of `awesome-bib site` in a real browser: headless Chromium (Debian's `chromium`) driven by
Playwright for Python. Each test fails on any console error or uncaught exception on the page."""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import bibtexparser
import pytest

from conftest import run
from tests.test_site import hostile_copy

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync"]
QUANTIZATION = "model-level-optimizations/model-compression/quantization"


def _playwright() -> Any:
    """Playwright's sync API; skipped without it or the browser, except under CI, which must have both."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        reason = "Playwright for Python is not installed (pip install playwright)"
    else:
        if Path(CHROMIUM).exists():
            return sync_playwright
        reason = f"no {CHROMIUM} (Debian: apt-get install chromium)"
    if os.environ.get("CI"):
        pytest.fail(f"CI must run the browser tests; {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with _playwright()() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        yield launched
        launched.close()


def _build(folder: Path, *args: str | Path) -> Path:
    """Run `site` with its own empty user folders (a module fixture cannot use the autouse one)."""
    with pytest.MonkeyPatch.context() as patch:
        for variable in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
            patch.setenv(variable, str(folder / "home" / variable.lower()))
        result = run("site", "--out", folder / "site", *args)
    assert result.exit_code == 0, result.stderr
    return folder / "site"


@pytest.fixture(scope="module")
def embedded_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(tmp_path_factory.mktemp("embedded"))


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    return _build(folder, "--list", hostile_copy(folder))


class Tab:
    """A page in a fresh browser context, with every console error and page error collected."""

    def __init__(self, browser: Any, **context: Any) -> None:
        self.context = browser.new_context(**context)
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: self.problems.append(f"console {m.type}: {m.text}")
                     if m.type in ("error", "warning") else None)
        self.page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        self.page.on("dialog", self._dialog)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open(self, folder: Path, fragment: str = "") -> Any:
        self.page.goto((folder / "index.html").as_uri() + fragment)
        return self.page

    def visible_keys(self) -> list[str]:
        keys = self.page.eval_on_selector_all(
            "li.paper", "items => items.filter(li => li.checkVisibility()).map(li => li.dataset.key)")
        return list(dict.fromkeys(keys))

    def close(self) -> None:
        self.context.close()
        assert not self.problems, self.problems


@pytest.fixture
def tab(browser: Any) -> Iterator[Tab]:
    opened = Tab(browser, permissions=["clipboard-read", "clipboard-write"])
    yield opened
    opened.close()


def csl_of(*args: str) -> list[dict[str, Any]]:
    result = run("export", "--format", "csljson", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def year(item: dict[str, Any]) -> int | None:
    parts = item.get("issued", {}).get("date-parts", [[None]])[0]
    return parts[0] if parts else None


def test_section_counts_match_sections_json_and_a_section_shows_its_papers(tab: Tab, embedded_site: Path) -> None:
    page = tab.open(embedded_site)
    shown = page.eval_on_selector_all("a[data-section]", "links => links.map(a => [a.dataset.section, "
                                      "a.querySelector('.n').textContent])")
    sections = json.loads(run("sections", "--json").stdout)
    everything = csl_of("--all")
    assert dict(shown) == {"": str(len(everything))} | {s["path"]: str(s["total"]) for s in sections if s["total"]}
    assert page.inner_text("#count") == "118 papers"
    assert tab.visible_keys() == [item["id"] for item in everything]

    page.click('a[data-section="model-level-optimizations/model-compression"]')
    assert page.inner_text("#count") == "20 papers in Model Compression"
    assert tab.visible_keys() == [item["id"] for item in csl_of("--section", "model compression")]
    assert page.get_attribute('a[data-section="model-level-optimizations/model-compression"]', "aria-current") == "true"


def test_search_narrows_to_the_entries_whose_title_authors_venue_or_year_match(tab: Tab, embedded_site: Path,
                                                                              hostile_site: Path) -> None:
    page = tab.open(embedded_site)
    everything = csl_of("--all")
    venue_fields = ("container-title", "container-title-short", "publisher")
    assert not any("offload" in str(item.get(f, "")).lower() for item in everything for f in venue_fields)
    page.locator("#q").press_sequentially("Offload")
    offloading = [item["id"] for item in everything if "offload" in item["title"].lower()]
    assert tab.visible_keys() == offloading and len(offloading) == 4
    assert page.inner_text("#count") == "4 of 118 papers match"

    page.fill("#q", "icml 2022")
    icml_2022 = [item["id"] for item in everything
                 if "ICML" in (item.get("container-title-short") or item["custom"].get("venue-tag", ""))
                 and year(item) == 2022]
    assert tab.visible_keys() == icml_2022 and icml_2022

    page.fill("#q", "no paper has this title")
    assert tab.visible_keys() == [] and page.is_visible("#empty")
    page.click("#clear-all")
    assert len(tab.visible_keys()) == 118

    page = tab.open(hostile_site)
    page.fill("#q", "muller")  # an author, accents folded
    assert tab.visible_keys() == ["muller2022sparse"]


def test_filters_and_the_url_fragment_round_trip(tab: Tab, browser: Any, embedded_site: Path) -> None:
    page = tab.open(embedded_site)
    page.fill("#q", "moe")
    page.select_option("#year-from", "2024")
    page.select_option("#kind", "preprint")
    page.click('a[data-section="system-level-optimization"]')
    fragment = "#q=moe&section=system-level-optimization&from=2024&kind=preprint"
    assert urlsplit(page.url).fragment == fragment[1:]
    section = csl_of("--section", "system-level-optimization")
    assert not any("moe" in str(item.get("container-title", "")).lower() for item in section)
    expected = [item["id"] for item in section if "moe" in item["title"].lower() and (year(item) or 0) >= 2024
                and item["type"] == "article" and "arXiv" in (item.get("container-title"), item.get("publisher"))]
    assert tab.visible_keys() == expected and 0 < len(expected) < len(section)
    count = page.inner_text("#count")
    assert count == f"{len(expected)} of {len(section)} papers in System-Level Optimization match"

    shared = Tab(browser)
    try:
        again = shared.open(embedded_site, fragment)
        assert again.input_value("#q") == "moe" and again.input_value("#year-from") == "2024"
        assert again.input_value("#year-to") == "" and again.input_value("#kind") == "preprint"
        assert again.get_attribute('a[data-section="system-level-optimization"]', "aria-current") == "true"
        assert shared.visible_keys() == expected and again.inner_text("#count") == count
    finally:
        shared.close()

    page.go_back()  # choosing a section is a step in the history; the filters stay
    assert urlsplit(page.url).fragment == "q=moe&from=2024&kind=preprint"
    assert page.get_attribute('a[data-section=""]', "aria-current") == "true"
    assert set(expected) < set(tab.visible_keys())
    page.click("#clear")
    assert urlsplit(page.url).fragment == "" and len(tab.visible_keys()) == 118


def test_published_and_a_closed_year_range_leave_out_preprints_blogs_and_other_years(
        tab: Tab, embedded_site: Path) -> None:
    page = tab.open(embedded_site)
    page.select_option("#kind", "published")
    page.select_option("#year-from", "2022")
    page.select_option("#year-to", "2023")
    expected = [item["id"] for item in csl_of("--all")
                if item["type"] in ("paper-conference", "article-journal", "report") and year(item) in (2022, 2023)]
    assert tab.visible_keys() == expected and expected
    assert urlsplit(page.url).fragment == "from=2022&to=2023&kind=published"


def _bibtex_entry(folder: Path, key: str) -> str:
    match = re.search(rf"^@\w+\{{{key},\n.*?^\}}\n", (folder / "all.bib").read_text("utf-8"), re.M | re.S)
    assert match, key
    return match[0]


def test_copy_buttons_put_the_exact_bibtex_and_cite_in_the_clipboard(tab: Tab, embedded_site: Path) -> None:
    page = tab.open(embedded_site)
    entry = page.locator('li.paper[data-key="frantar2023qmoe"]').first
    entry.locator(".copy-bib").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == _bibtex_entry(embedded_site, "frantar2023qmoe")
    assert [e.key for e in bibtexparser.parse_string(copied).entries] == ["frantar2023qmoe"]
    assert page.inner_text("#status") == "Copied the BibTeX of frantar2023qmoe."

    entry.locator(".copy-key").click()
    assert page.evaluate("navigator.clipboard.readText()") == "\\cite{frantar2023qmoe}"

    page.locator(f'section[data-path="{QUANTIZATION}"] > .sec-head .copy-cite').click()
    assert page.evaluate("navigator.clipboard.readText()") == run("cite", "--section", "quantization").stdout.strip()


def test_without_a_clipboard_the_text_is_shown_selected_in_a_field(browser: Any, embedded_site: Path) -> None:
    tab = Tab(browser)
    try:
        tab.context.add_init_script("Object.defineProperty(Navigator.prototype, 'clipboard', {get: () => undefined})")
        page = tab.open(embedded_site)
        page.locator('li.paper[data-key="frantar2023qmoe"] .copy-bib').first.click()
        assert page.is_visible("#copy-dialog")
        expected = _bibtex_entry(embedded_site, "frantar2023qmoe")
        assert page.input_value("#copy-text") == expected
        assert page.evaluate("[document.activeElement.id, document.activeElement.selectionStart, "
                             "document.activeElement.selectionEnd]") == ["copy-text", 0, len(expected)]
        page.click("#copy-close")
        assert not page.is_visible("#copy-dialog")
    finally:
        tab.close()


def test_download_links_resolve_to_the_release_files(tab: Tab, embedded_site: Path) -> None:
    page = tab.open(embedded_site)
    targets = page.eval_on_selector_all("a[download]", "links => links.map(a => a.href)")
    assert len(targets) == 6 * 20 + 1  # .bib, .biblatex.bib, .json, .ris, .yml, .md of all and 19 sections; the zip
    for target in targets:
        assert (Path(unquote(urlsplit(target).path))).is_file(), target


def test_a_hostile_title_stays_text(tab: Tab, hostile_site: Path) -> None:
    page = tab.open(hostile_site)
    titles = page.eval_on_selector_all(".title", "titles => titles.map(t => [t.tagName, t.textContent])")
    assert ["A", "<img src=x onerror=\"window.pwned=1\"> Gating \"Quoted\" & 'Single'"] in titles
    assert ["SPAN", "</script><script>window.pwned = 2</script> Routing"] in titles  # its javascript: URL is no link
    assert page.evaluate("window.pwned") is None and not tab.dialogs
    assert page.evaluate("document.scripts.length") == 2 and page.locator("main img, main svg[onload]").count() == 0
    assert "<svg onload=window.pwned=4>" in page.inner_text('li.paper[data-key="routing2023btricks"] .authors')
    page.fill("#q", "</script>")
    assert tab.visible_keys() == ["routing2023btricks"]


def test_the_keyboard_reaches_search_sections_and_authors(tab: Tab, hostile_site: Path) -> None:
    page = tab.open(hostile_site)
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.type("three")
    assert tab.visible_keys() == ["ruiz2021three"]
    page.keyboard.press("Escape")
    assert page.input_value("#q") == "" and len(tab.visible_keys()) == 5

    page.focus('a[data-section="blogs"]')
    page.keyboard.press("Enter")
    assert tab.visible_keys() == ["qwen2024blog"]
    assert page.evaluate("document.activeElement.textContent").startswith("Blogs")

    page.click('a[data-section=""]')
    more = page.locator('li.paper[data-key="muller2022sparse"] button.more')
    more.focus()
    page.keyboard.press("Enter")
    assert more.get_attribute("aria-expanded") == "true"
    assert page.inner_text('li.paper[data-key="muller2022sparse"] .authors') == (
        "Alice Müller, Bob Jones, Carol White, Dan Brown, Eve Black fewer")


def test_controls_are_labelled_for_screen_readers(tab: Tab, embedded_site: Path) -> None:
    page = tab.open(embedded_site)
    unlabelled = page.evaluate("""() => [
        ...Array.from(document.querySelectorAll('input, select, textarea')).filter(c => !c.labels.length),
        ...Array.from(document.querySelectorAll('button, a')).filter(c => !c.textContent.trim()),
        ...Array.from(document.querySelectorAll('svg')).filter(s => !s.getAttribute('aria-label')),
    ].map(element => element.outerHTML.slice(0, 80))""")
    assert unlabelled == []
    assert page.get_attribute("nav", "aria-label") == "Sections"
    assert page.get_attribute("#count", "role") == "status"
    described = page.eval_on_selector('li.paper[data-key="frantar2023qmoe"] .copy-bib',
                                      "b => document.getElementById(b.getAttribute('aria-describedby')).textContent")
    assert described.startswith("QMoE")


@pytest.mark.parametrize(("scheme", "background"), [("light", "rgb(255, 255, 255)"), ("dark", "rgb(13, 17, 23)")])
def test_light_and_dark_follow_the_system(browser: Any, embedded_site: Path, scheme: str, background: str) -> None:
    tab = Tab(browser, color_scheme=scheme)
    try:
        page = tab.open(embedded_site)
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") == background
    finally:
        tab.close()


def test_on_a_phone_nothing_overflows_and_the_sections_fold_out(browser: Any, embedded_site: Path) -> None:
    tab = Tab(browser, viewport={"width": 390, "height": 844})
    try:
        page = tab.open(embedded_site)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert not page.is_visible('a[data-section="survey"]')
        page.click("nav summary")
        page.click('a[data-section="survey"]')
        assert tab.visible_keys() == [item["id"] for item in csl_of("--section", "survey")]
        assert not page.is_visible('a[data-section="survey"]')  # folded away again, the papers in view
    finally:
        tab.close()


def test_without_the_script_every_paper_and_the_section_tree_still_show(browser: Any, embedded_site: Path) -> None:
    tab = Tab(browser, java_script_enabled=False)
    try:
        page = tab.open(embedded_site)
        assert tab.visible_keys() == [item["id"] for item in csl_of("--all")]
        assert page.is_visible('a[data-section="survey"]') and page.is_visible(".ref")
    finally:
        tab.close()


def test_served_over_http_as_github_pages_serves_it(tab: Tab, embedded_site: Path, tmp_path: Path) -> None:
    root = tmp_path / "pages"
    shutil.copytree(embedded_site, root)
    handler = functools.partial(_QuietHandler, directory=str(root))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            base = f"http://127.0.0.1:{server.server_address[1]}/"
            page = tab.page
            page.goto(base)
            assert page.inner_text("#count") == "118 papers"
            for target in page.eval_on_selector_all("a[download]", "links => links.map(a => a.href)"):
                response = page.request.get(target)
                assert response.status == 200, target
            with page.expect_download() as download:
                page.locator(f'section[data-path="{QUANTIZATION}"] > .sec-head a[href$="/quantization.bib"]').click()
            assert download.value.suggested_filename == "quantization.bib"
            assert Path(download.value.path()).read_bytes() == (root / f"{QUANTIZATION}.bib").read_bytes()
        finally:
            server.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass
