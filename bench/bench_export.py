"""Benchmark: parse + export a generated 10,000-entry, 100-section list in every data format; wall time of
a CLI export.

Run: python bench/bench_export.py   (prints numbers; goals: < 2 s and < 0.3 s)
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from awesome_bib.export import DATA_FORMATS, render
from awesome_bib.library import open_library

VENUES = ["Arxiv", "NeurIPS", "ICML", "ICLR", "ACL", "EMNLP", "OSDI", "MLSys", "ATC", "ISCA"]
WORDS = "sparse expert mixture routing efficient inference serving offloading quantized gating parallel".split()


def generate_list(entries: int = 10_000, sections: int = 100, seed: int = 7) -> str:
    rng = random.Random(seed)
    lines = ["# Generated Awesome List", ""]
    per_section = entries // sections
    number = 0
    for s in range(sections):
        level = "##" if s % 10 == 0 else "###"
        lines += [f"{level} Topic {s}", ""]
        for _ in range(per_section):
            number += 1
            title = " ".join(rng.choice(WORDS).capitalize() for _ in range(6)) + f" {number}"
            yymm = f"{rng.randint(19, 24):02d}{rng.randint(1, 12):02d}"
            url = f"https://arxiv.org/abs/{yymm}.{number:05d}"
            code = f" [[Code](https://github.com/lab{number}/repo)]" if number % 3 == 0 else ""
            lines += [f"[{rng.choice(VENUES)}'{yymm[:2]}] [{title}]({url}){code}", ""]
    return "\n".join(lines)


def best_of(runs: int, action) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "generated.md"
        path.write_text(generate_list(), "utf-8")

        def parse_and_export(fmt: str) -> None:
            library = open_library(path)  # as `export` does: reads the lockfile, checks it is current
            render([r.csl for r in library.records], fmt)

        start = time.perf_counter()
        open_library(path)
        first = time.perf_counter() - start
        print(f"first read of the 10,000-entry list (writes its lockfile, pins 10,000 keys): {first:.2f} s")
        for fmt in DATA_FORMATS:
            took = best_of(3, lambda fmt=fmt: parse_and_export(fmt))
            print(f"parse + export as {fmt} of 10,000 entries in 100 sections: {took:.2f} s (goal < 2 s)")

    command = [sys.executable, "-m", "awesome_bib", "export", "--section", "quantization"]
    # An installed package has its bytecode compiled (pip does it); let this run cache it too, even
    # where the environment says not to, or every run would time the compiler.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=env)
    walls = []
    for _ in range(7):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=env)
        walls.append(time.perf_counter() - start)
    baseline = []
    for _ in range(7):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        baseline.append(time.perf_counter() - start)
    print(f"`awesome-bib export --section quantization` wall time: median {statistics.median(walls):.3f} s, "
          f"best {min(walls):.3f} s (goal < 0.3 s; bare interpreter start here: {statistics.median(baseline):.3f} s)")


if __name__ == "__main__":
    main()
