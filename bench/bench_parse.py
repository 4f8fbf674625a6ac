"""Benchmark: reading lists stays linear in their size.

- one line with 1,000 … 10,000 paper links, parsed in-process (goal: 10,000 links < 1 s);
- a generated 5 MB list: wall time, CPU time and peak memory of a first ``export --all`` (which
  writes the lockfile), then of ``awesome-bib sections`` (goal < 3 s) and ``awesome-bib export --all``
  (goal < 8 s and < 300 MB) with the lockfile in place, each in a fresh process, as a user runs them;
- the same for a 4 MB list that is one line of 90,000 links.

Run: python bench/bench_parse.py   (prints numbers; no asserts)
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from awesome_bib.lists.document import parse_list
from bench.bench_export import generate_list
from bench.child import run_child

ROOT = Path(__file__).resolve().parent.parent


def one_line(links: int) -> str:
    """A list whose only paper line links ``links`` papers, comma separated."""
    papers = ", ".join(f"[Paper number {n}](https://arxiv.org/abs/2401.{n:05d})" for n in range(links))
    return f"# One line\n\n## Papers\n\n- {papers}\n"


def sized_list(megabytes: float) -> str:
    """A generated list of the seed's shape, about ``megabytes`` MB."""
    entries = int(megabytes * 1_000_000 / 112)
    return generate_list(entries=entries - entries % 100, sections=100)


def timed_parse(text: str) -> tuple[float, int]:
    """CPU seconds of parse_list (steadier than wall time on a shared machine) and the entries found."""
    start = time.process_time()
    entries = len(parse_list(text).entries)
    return time.process_time() - start, entries


def cli(*args: str | Path) -> tuple[float, float, float]:
    """Wall time (s), CPU time (s) and peak resident memory (MB) of one CLI run in a fresh process.

    CPU time is the steadier figure on a shared machine, where wall time also counts the waiting."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    run = run_child([sys.executable, "-m", "awesome_bib", *args], cwd=ROOT, env=env).raise_unless(0, 1)
    return run.wall, run.cpu, run.peak_mb


def report_cli(path: Path, goals: dict[str, str]) -> None:
    out = path.with_name("all.bib")
    wall, cpu, peak = cli("export", "--list", path, "--all", "-o", out)
    print(f"  first export --all (writes the lockfile, pins every key): {wall:.2f} s wall, {cpu:.2f} s CPU, "
          f"peak {peak:.0f} MB")
    wall, cpu, peak = cli("sections", "--list", path)
    print(f"  sections: {wall:.2f} s wall, {cpu:.2f} s CPU, peak {peak:.0f} MB (goal {goals['sections']})")
    wall, cpu, peak = cli("export", "--list", path, "--all", "-o", out)
    print(f"  export --all: {wall:.2f} s wall, {cpu:.2f} s CPU, peak {peak:.0f} MB (goal {goals['export']})")


def main() -> None:
    print("one line of N links, parse_list:")
    for links in (1_000, 2_000, 4_000, 10_000):
        took, entries = timed_parse(one_line(links))
        print(f"  {links:>6} links: {took:.2f} s CPU ({entries} entries){'  (goal < 1 s)' if links == 10_000 else ''}")
    with tempfile.TemporaryDirectory() as folder:
        big = Path(folder) / "big" / "README.md"
        big.parent.mkdir()
        big.write_text(sized_list(5), "utf-8")
        took, entries = timed_parse(big.read_text("utf-8"))
        print(f"generated list, {big.stat().st_size / 1e6:.1f} MB, {entries} entries: parse_list {took:.2f} s CPU")
        report_cli(big, {"sections": "< 3 s", "export": "< 8 s, < 300 MB"})
        line = Path(folder) / "line" / "README.md"
        line.parent.mkdir()
        line.write_text(one_line(90_000), "utf-8")
        took, entries = timed_parse(line.read_text("utf-8"))
        print(f"one line of 90,000 links, {line.stat().st_size / 1e6:.1f} MB: parse_list {took:.2f} s CPU")
        report_cli(line, {"sections": "linear", "export": "linear"})


if __name__ == "__main__":
    main()
