"""Benchmark: resolve the embedded list against a large local bibliography (``resolve --from``).

Generates a 100,000-entry, ~150 MB BibTeX file (DBLP-like entries with long abstracts; the embedded
list's sourced entries are mixed in, so that the papers are found), then times, as a user runs it,
``awesome-bib resolve --offline --from <that file>`` on a fresh copy of the embedded list.

Run: python bench/bench_local.py   (prints numbers; goal: resolve under 5 s)
"""

from __future__ import annotations

import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.child import run_child  # noqa: E402

DATA = ROOT / "awesome_bib" / "data"
WORDS = ("sparse expert mixture routing efficient inference serving offloading quantized gating parallel "
         "language model training scaling attention transformer memory system kernel cache").split()


def generated_entry(number: int, rng: random.Random) -> str:
    title = " ".join(rng.choice(WORDS).capitalize() for _ in range(9)) + f" {number}"
    authors = " and ".join(f"Author{rng.randint(1, 99999)} Person{rng.randint(1, 9999)}" for _ in range(5))
    abstract = " ".join(rng.choice(WORDS) for _ in range(130))
    return (f"@inproceedings{{DBLP:conf/gen/Paper{number},\n  author    = {{{authors}}},\n"
            f"  title     = {{{title}}},\n  booktitle = {{Proceedings of Generated Conference {number % 40}}},\n"
            f"  pages     = {{{number % 900}--{number % 900 + 12}}},\n  year      = {{{2015 + number % 10}}},\n"
            f"  doi       = {{10.9999/gen.{number}}},\n  abstract  = {{{abstract}}},\n"
            f"  biburl    = {{https://dblp.org/rec/conf/gen/Paper{number}.bib}},\n}}\n\n")


def write_bibliography(path: Path, entries: int = 100_000, seed: int = 11) -> None:
    rng = random.Random(seed)
    sourced = (DATA / "sources" / "awesome-moe-inference.bib").read_text("utf-8").split("\n@")[1:]
    every = entries // max(len(sourced), 1)
    with path.open("w", encoding="utf-8") as handle:
        for number in range(entries):
            if sourced and number % every == 0:
                handle.write("@" + sourced.pop() + "\n")
            handle.write(generated_entry(number, rng))


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        bibliography = work / "big.bib"
        started = time.perf_counter()
        write_bibliography(bibliography)
        print(f"generated {bibliography.stat().st_size / 1e6:.0f} MB, 100,000 entries "
              f"in {time.perf_counter() - started:.1f} s")
        env = {**os.environ, **{name: str(work / name.lower())
                                for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME")}}
        times, cpu = [], []
        for run in range(3):
            listing = work / f"run{run}" / "README.md"
            listing.parent.mkdir()
            shutil.copy(DATA / "awesome-moe-inference.md", listing)
            result = run_child([sys.executable, "-m", "awesome_bib", "resolve", "--list", listing,
                                "--offline", "--from", bibliography], cwd=ROOT, env=env)
            times.append(result.wall)
            cpu.append(result.cpu)
            found = next((line for line in result.stderr.splitlines() if "local bibliographies" in line), "")
        times.sort()
        cpu.sort()
        print(f"resolve --offline --from (118 papers): median {times[1]:.2f} s wall, {cpu[1]:.2f} s CPU "
              f"(min {times[0]:.2f}, max {times[2]:.2f}); {found}; goal < 5 s")


if __name__ == "__main__":
    main()
