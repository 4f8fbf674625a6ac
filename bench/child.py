"""Run one command as a child process and measure that child alone.

``getrusage(RUSAGE_CHILDREN)`` is the wrong figure inside a test session: its peak memory is the
largest of every child the process ever waited for (a browser, a TeX run), not of this one.
``os.wait4`` returns the usage of exactly the child it reaps.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Finished:
    returncode: int
    stdout: str
    stderr: str
    wall: float  # seconds
    cpu: float  # user + system seconds
    peak_mb: float  # peak resident memory

    def raise_unless(self, *allowed: int) -> Finished:
        if self.returncode not in allowed:
            raise SystemExit(f"exit {self.returncode}: {self.stderr[-500:]}")
        return self


def run_child(command: Sequence[str | Path], *, cwd: Path, env: Mapping[str, str]) -> Finished:
    # Output goes to files, not pipes: nothing has to be read while the child runs, so it can be
    # reaped with wait4 directly.
    with tempfile.TemporaryFile("w+", encoding="utf-8") as out, \
            tempfile.TemporaryFile("w+", encoding="utf-8") as err:
        started = time.perf_counter()
        process = subprocess.Popen([str(part) for part in command], cwd=cwd, env=dict(env),
                                   stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Finished(process.returncode, out.read(), err.read(), wall,
                        usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)
