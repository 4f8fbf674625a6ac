"""Time formatted references: cold (empty cache, style not yet parsed) and warm (cache filled).

    python bench/bench_formatted.py                      # 1,000 and 10,000 records, IEEE and APA
    python bench/bench_formatted.py --sizes 1000 --styles apa nature

Records are generated like those awesome-bib produces (preprints, conference and journal papers,
blog posts, list-only records), with authors drawn from a shared pool.  For comparison, the
first size is also formatted with citeproc-py's own bibliography API (no cache, no fixes) and,
when ``pandoc`` is installed, with pandoc's citeproc on the same records, side by side with a
cold awesome-bib run, in turn, ``--repeat`` times each (best, median, and the median ratio of
the pairs).
When the project's library is importable, the embedded default list is timed too.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from awesome_bib.export import csl_engine
from awesome_bib.export.formatted import format_references
from awesome_bib.export.styles import find_style

GIVEN = [
    "Albert",
    "Wei",
    "Yuxin",
    "Sophia",
    "Ranggi",
    "José",
    "Søren",
    "Mei",
    "Noam",
    "Barret",
    "Hanxue",
    "Carlos",
    "Joan",
    "Lélio",
    "Tianlong",
    "Zhangyang",
    "Aixin",
    "Deli",
    "Ting",
    "Mao",
]
FAMILY = [
    "Jiang",
    "Zhang",
    "Wang",
    "Li",
    "Chen",
    "Hwang",
    "Núñez",
    "Ødegård",
    "Tan",
    "Shazeer",
    "Zoph",
    "Liang",
    "Riquelme",
    "Puigcerver",
    "Renard Lavaud",
    "Fedus",
    "Liu",
    "Yang",
    "Cao",
]
WORDS = [
    "Mixture-of-Experts",
    "Inference",
    "Sparse",
    "Routing",
    "Offloading",
    "Quantization",
    "Serving",
    "LLMs",
    "Efficient",
    "Scalable",
    "Expert",
    "Parallelism",
    "Caching",
    "Memory",
    "Pruning",
    "Kernels",
    "GPU",
    "Distillation",
    "Adaptive",
    "Token",
    "Load Balancing",
]
VENUES = [
    ("paper-conference", "Advances in Neural Information Processing Systems"),
    ("paper-conference", "Proceedings of the 41st International Conference on Machine Learning"),
    (
        "paper-conference",
        "2024 ACM/IEEE 51st Annual International Symposium on Computer Architecture (ISCA)",
    ),
    ("article-journal", "Journal of Machine Learning Research"),
    ("article", "arXiv"),
    ("article", "arXiv"),
    ("article", "arXiv"),
    ("post-weblog", "Qwen Blog"),
]


def generate(count: int, seed: int = 7) -> list[dict[str, Any]]:
    """``count`` CSL items whose authors come from one pool of about 380 people."""
    rng = random.Random(seed)
    people = [{"given": g, "family": f} for g in GIVEN for f in FAMILY]
    items = []
    for number in range(count):
        kind, venue = rng.choice(VENUES)
        year = rng.randint(2017, 2025)
        title = " ".join(rng.sample(WORDS, rng.randint(3, 7))).capitalize() + f" {number}"
        item: dict[str, Any] = {
            "id": f"paper{number}",
            "type": kind,
            "title": title,
            "container-title": venue,
            "issued": {"date-parts": [[year, rng.randint(1, 12)]]},
        }
        if kind == "post-weblog":
            item["author"] = [{"literal": "Qwen Team"}]
            item["URL"] = f"https://qwenlm.github.io/blog/post-{number}/"
        elif rng.random() < 0.15:  # list-only record: title, year, venue, URL
            item["URL"] = f"https://proceedings.example.org/{year}/{number}"
        else:
            item["author"] = [dict(p) for p in rng.sample(people, rng.randint(1, 12))]
            arxiv = f"{year % 100:02d}{rng.randint(1, 12):02d}.{number:05d}"
            item["URL"] = f"https://arxiv.org/abs/{arxiv}"
            if kind == "article":
                item["number"], item["DOI"] = f"arXiv:{arxiv}", f"10.48550/arXiv.{arxiv}"
            else:
                item["page"] = f"{rng.randint(1, 900)}-{rng.randint(901, 1800)}"
                item["DOI"] = f"10.1109/BENCH.{year}.{number:05d}"
        item["custom"] = {"code": [f"https://github.com/example/repo-{number}"]}
        items.append(item)
    return items


def timed(items: list[dict[str, Any]], style: str, cache_dir: Path) -> float:
    started = time.perf_counter()
    result = format_references(items, style=style, sort="style", cache_dir=cache_dir)
    elapsed = time.perf_counter() - started
    if result.errors:
        print(f"  ({len(result.errors)} entries failed, first: {result.errors[0].message})")
    return elapsed


def cold_and_warm(label: str, items: list[dict[str, Any]], style: str) -> None:
    with tempfile.TemporaryDirectory() as cache:
        csl_engine._parsed.cache_clear()
        cold = timed(items, style, Path(cache))
        warm = timed(items, style, Path(cache))
    print(f"{label:>24} {style:>6}: cold {cold:7.2f} s   warm {warm:6.3f} s")


def citeproc_py_alone(items: list[dict[str, Any]], style: str) -> float:
    """citeproc-py's documented API on the same items, as a baseline."""
    from citeproc import (
        Citation,
        CitationItem,
        CitationStylesBibliography,
        CitationStylesStyle,
        formatter,
    )
    from citeproc.source.json import CiteProcJSON

    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plain = [{k: v for k, v in item.items() if k != "custom"} for item in items]
        bibliography = CitationStylesBibliography(
            CitationStylesStyle(str(find_style(style)), validate=False),
            CiteProcJSON(plain),
            formatter.plain,
        )
        for item in plain:
            bibliography.register(Citation([CitationItem(item["id"])]))
        bibliography.sort()
        bibliography.bibliography()
    return time.perf_counter() - started


def pandoc_alone(items: list[dict[str, Any]], style: str) -> float | None:
    """Wall time of pandoc's citeproc formatting the same items (all of them cited), as text."""
    pandoc = shutil.which("pandoc")
    if pandoc is None:
        return None
    with tempfile.TemporaryDirectory() as folder:
        bibliography = Path(folder) / "items.json"
        plain = [{k: v for k, v in item.items() if k != "custom"} for item in items]
        bibliography.write_text(json.dumps(plain, ensure_ascii=False), encoding="utf-8")
        document = Path(folder) / "refs.md"
        document.write_text("---\nnocite: '@*'\n---\n", encoding="utf-8")
        command = [pandoc, str(document), "-t", "plain", "--citeproc", "--csl", str(find_style(style)),
                   "--bibliography", str(bibliography), "-o", str(Path(folder) / "out.txt")]
        started = time.perf_counter()
        subprocess.run(command, check=True)
        return time.perf_counter() - started


def cold_seconds(items: list[dict[str, Any]], style: str) -> float:
    with tempfile.TemporaryDirectory() as cache:
        csl_engine._parsed.cache_clear()
        return timed(items, style, Path(cache))


def side_by_side(items: list[dict[str, Any]], style: str, repeat: int) -> None:
    """Cold awesome-bib and pandoc, in turn, ``repeat`` runs each: the best and the median of
    each, and the median of the pairs' ratios (a drifting machine weighs on both of a pair)."""
    ours, theirs = [], []
    for _attempt in range(repeat):
        ours.append(cold_seconds(items, style))
        seconds = pandoc_alone(items, style)
        if seconds is None:
            print(f"{f'{len(items):,} records':>24} {style:>6}: pandoc is not installed; no side-by-side")
            return
        theirs.append(seconds)
    ratio = statistics.median(mine / pandoc for mine, pandoc in zip(ours, theirs, strict=True))
    print(
        f"{f'{len(items):,} records':>24} {style:>6}: side by side: awesome-bib cold best {min(ours):5.2f} s"
        f" median {statistics.median(ours):5.2f} s   pandoc best {min(theirs):5.2f} s"
        f" median {statistics.median(theirs):5.2f} s   ratio (median of pairs) {ratio:4.2f}x"
    )


def default_list_items() -> list[dict[str, Any]] | None:
    try:
        from awesome_bib.library import open_library
    except ImportError:
        return None
    return [record.csl for record in open_library(update_lockfile=False).records]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--styles", nargs="+", default=["ieee", "apa"])
    parser.add_argument("--no-baseline", action="store_true", help="skip plain citeproc-py")
    parser.add_argument("--repeat", type=int, default=5, help="runs of the side-by-side timing")
    options = parser.parse_args()
    default = default_list_items()
    if default is not None:
        for style in options.styles:
            cold_and_warm(f"default list ({len(default)})", default, style)
    for size in options.sizes:
        items = generate(size)
        for style in options.styles:
            cold_and_warm(f"{size:,} records", items, style)
    size = options.sizes[0]
    for style in options.styles:
        side_by_side(generate(size), style, options.repeat)
    if not options.no_baseline:
        for style in options.styles:
            seconds = citeproc_py_alone(generate(size), style)
            print(f"{f'{size:,} records':>24} {style:>6}: citeproc-py alone {seconds:7.2f} s")


if __name__ == "__main__":
    main()
