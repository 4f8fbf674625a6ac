"""Output is the same byte for byte in two separate processes with different string-hash seeds.

In-process runs share one PYTHONHASHSEED, so an order that leaks from a set or a hash would pass
the other byte-identity tests; here each run is its own ``python -m awesome_bib``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
SEEDS = ("1", "4242")


def _run(seed: str, tmp_path: Path, *args: str | Path) -> tuple[int, bytes]:
    """Exit code and stdout of one run; ``check`` exits 1 for findings, anything else is 0."""
    env = {**os.environ, "PYTHONHASHSEED": seed, "XDG_CACHE_HOME": str(tmp_path / f"cache-{seed}")}
    done = subprocess.run([sys.executable, "-m", "awesome_bib", *map(str, args)], cwd=ROOT, env=env,
                          capture_output=True, timeout=300, check=False)
    assert done.returncode in (0, 1), done.stderr.decode()
    return done.returncode, done.stdout


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("args", [
    ("export", "--all"),
    ("export", "--all", "-f", "csljson"),
    ("latex", "-s", "pruning"),
    ("check", "--format", "json"),
], ids=" ".join)
def test_stdout_does_not_depend_on_the_hash_seed(tmp_path: Path, args: tuple[str, ...]) -> None:
    first, second = (_run(seed, tmp_path, *args) for seed in SEEDS)
    assert first[1] and first == second


def test_release_does_not_depend_on_the_hash_seed(tmp_path: Path) -> None:
    for seed in SEEDS:
        assert _run(seed, tmp_path, "release", "--out", tmp_path / seed)[0] == 0
    first, second = (_tree(tmp_path / seed) for seed in SEEDS)
    assert len(first) > 10 and first == second
