"""Time identifier reading: parse_link and abstract_page over the link fixtures and the embedded list.

    python bench/bench_ids.py                 # 10,000 links, best of 5
    python bench/bench_ids.py --links 100000 --repeat 3

The links are every URL of ``tests/data/links/cases.json`` and of the embedded default list,
repeated to the count asked for; it prints the best time of each function and links per second.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from awesome_bib.ids import abstract_page, parse_link

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "data" / "links" / "cases.json"
SEED_LIST = ROOT / "awesome_bib" / "data" / "awesome-moe-inference.md"


def links(count: int) -> list[str]:
    urls = [case["url"] for case in json.loads(CASES.read_text("utf-8"))["cases"]]
    urls += re.findall(r"\]\(\s*(https?://[^)\s]+)\s*\)", SEED_LIST.read_text("utf-8"))
    return (urls * (count // len(urls) + 1))[:count]


def best_seconds(function: Callable[[str], object], batch: list[str], repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        for url in batch:
            function(url)
        timings.append(time.perf_counter() - started)
    return min(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--links", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args()
    batch = links(options.links)
    for name, function in (("parse_link", parse_link), ("abstract_page", abstract_page)):
        seconds = best_seconds(function, batch, options.repeat)
        print(f"{name:14} {len(batch):>7,} links  {seconds * 1000:8.1f} ms  {len(batch) / seconds:>10,.0f} links/s")


if __name__ == "__main__":
    main()
