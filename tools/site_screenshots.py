"""The README's screenshots of the embedded list's page: light, dark (searching) and phone width.

Run from the repository root: python tools/site_screenshots.py   (writes docs/site-*.png; needs
Playwright for Python and Debian's chromium, as the browser tests do)
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--hide-scrollbars", "--font-render-hinting=none"]
# name, colour scheme, viewport, URL fragment
SHOTS = [
    ("site-light", "light", {"width": 1280, "height": 800}, ""),
    ("site-dark", "dark", {"width": 1280, "height": 800}, "#q=offload&from=2024"),
    ("site-phone", "light", {"width": 390, "height": 844}, "#section=model-level-optimizations/model-compression"),
]


def main() -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        # Only the shipped lockfile, as for exports/: a locally resolved copy would change the page.
        os.environ["XDG_DATA_HOME"] = str(Path(folder) / "data")
        from awesome_bib.export.release import SiteOptions, release_files, write_release
        from awesome_bib.library import open_library

        out = Path(folder) / "site"
        library = open_library()
        write_release(out, release_files(library, "awesome-compact", site=SiteOptions()))
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=BROWSER_ARGS)
            for name, scheme, viewport, fragment in SHOTS:
                page = browser.new_page(viewport=viewport, color_scheme=scheme)
                page.goto((out / "index.html").as_uri() + fragment)
                page.evaluate("window.scrollTo(0, 0)")
                target = ROOT / "docs" / f"{name}.png"
                page.screenshot(path=str(target))
                print(f"wrote {target.relative_to(ROOT)}")
                page.close()
            browser.close()


if __name__ == "__main__":
    main()
