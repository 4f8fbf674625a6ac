"""Benchmark: the page of a generated 1,500-entry list: build time, size, and in Chromium the load
time and the time from a keystroke in the search field to the next painted frame.

Run: python bench/bench_site.py   (prints numbers; needs Playwright for Python and Debian's chromium;
goals: page < 6 MB, load < 1 s, a keystroke < 50 ms, so typing shows no lag; the first letters,
which hide or show most entries, cost the most)
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

VENUES = ["Arxiv", "NeurIPS", "ICML", "ICLR", "ACL", "EMNLP", "OSDI", "MLSys", "ATC", "ISCA"]
WORDS = ("sparse expert mixture routing efficient inference serving offloading quantized gating parallel "
         "scalable adaptive pruning caching distillation token load balance").split()
GIVEN = "Ada Bao Chen Dara Elif Femi Goran Hana Ivo Jun Kira Luis Mina Noor Omar Pia Quinn Rui Sven Tala".split()
FAMILY = ("Adler Brandt Costa Dubois Eriksen Fischer Garcia Horvat Ito Jensen Kowalski Lindqvist Moreau Novak "
          "Okafor Petrov Quispe Rossi Sato Tanaka Ueda Vargas Weber Xu Yilmaz Zhang").split()
BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync"]
QUERY = "expert routing 2023"


def generate_list(entries: int = 1_500, top_sections: int = 6, subsections: int = 4, seed: int = 11) -> str:
    """A list of bold entries with authors, venues, arXiv links and code links, in ``top_sections``
    sections of ``subsections`` each; every 40th paper is cross-listed in the next subsection."""
    rng = random.Random(seed)
    headings = []
    for top in range(top_sections):
        headings.append(f"## Area {top}")
        headings += [f"### Topic {top}.{sub}" for sub in range(subsections)]
    leaves = [index for index, heading in enumerate(headings) if heading.startswith("###")]
    lines_of: dict[int, list[str]] = {index: [] for index in range(len(headings))}
    for number in range(1, entries + 1):
        title = " ".join(rng.choice(WORDS).capitalize() for _ in range(rng.randint(4, 9))) + f" {number}"
        authors = ", ".join(f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}" for _ in range(rng.randint(1, 8)))
        year = rng.randint(2017, 2025)
        arxiv = f"{year % 100:02d}{rng.randint(1, 12):02d}.{number:05d}"
        code = f" [[code]](https://github.com/lab{number % 97}/repo{number})" if number % 3 == 0 else ""
        line = (f"* **{title}**. {authors}. {rng.choice(VENUES)} {year}. "
                f"[[paper]](https://arxiv.org/abs/{arxiv}){code}")
        leaf = leaves[(number - 1) * len(leaves) // entries]
        lines_of[leaf].append(line)
        if number % 40 == 0:
            lines_of[leaves[(leaves.index(leaf) + 1) % len(leaves)]].append(line)
    text = ["# Generated Awesome List", ""]
    for index, heading in enumerate(headings):
        text += [heading, "", *lines_of[index], ""]
    return "\n".join(text)


def main() -> None:
    from playwright.sync_api import sync_playwright

    from awesome_bib.export.release import SiteOptions, release_files, write_release
    from awesome_bib.library import open_library

    with tempfile.TemporaryDirectory() as folder:
        os.environ["XDG_CACHE_HOME"] = str(Path(folder) / "cache")  # a cold formatting cache
        listing = Path(folder) / "list" / "README.md"
        listing.parent.mkdir()
        listing.write_text(generate_list(), "utf-8")
        out = Path(folder) / "site"
        for run in ("cold", "warm"):
            start = time.perf_counter()
            library = open_library(listing)
            files = release_files(library, "awesome-compact", site=SiteOptions())
            took = time.perf_counter() - start
            print(f"build the page and release files of {len(library.records)} papers ({run} cache): {took:.2f} s")
        write_release(out, files)
        size = (out / "index.html").stat().st_size
        print(f"index.html: {size / 1e6:.2f} MB (goal < 6 MB)")

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=BROWSER_ARGS)
            page = browser.new_page()
            loads = []
            for _ in range(5):
                page.goto((out / "index.html").as_uri())
                loads.append(page.evaluate(
                    "() => { const n = performance.getEntriesByType('navigation')[0];"
                    " return [n.domContentLoadedEventEnd, n.loadEventEnd]; }"))
            ready = statistics.median(load[0] for load in loads)
            loaded = statistics.median(load[1] for load in loads)
            print(f"load in Chromium: page ready (script run) {ready:.0f} ms, load event {loaded:.0f} ms "
                  "(median of 5; goal < 1000 ms)")
            # Each prefix of the query as a keystroke: the time until the next frame is painted.
            times = page.evaluate(
                """async (query) => {
                    const field = document.querySelector('#q');
                    const frame = () => new Promise((done) => requestAnimationFrame(() => setTimeout(done)));
                    const times = [];
                    for (let round = 0; round < 3; round++) {
                      for (let end = 0; end <= query.length; end++) {
                        const start = performance.now();
                        field.value = query.slice(0, end);
                        field.dispatchEvent(new Event('input'));
                        await frame();
                        times.push(performance.now() - start);
                      }
                    }
                    return times;
                }""",
                QUERY,
            )
            count = page.inner_text("#count")
            browser.close()
        ninetieth = statistics.quantiles(times, n=10)[-1]
        print(f"search keystroke to painted frame, typing {QUERY!r} three times: median "
              f"{statistics.median(times):.1f} ms, 90th percentile {ninetieth:.1f} ms, worst {max(times):.1f} ms "
              f"(goal < 50 ms); last: {count}")


if __name__ == "__main__":
    main()
