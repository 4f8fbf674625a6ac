"""Run one command as a child process and measure that child alone.

``getrusage(RUSAGE_CHILDREN)`` is the wrong figure inside a test session: its peak memory is the
largest of every child the process ever waited for (a browser, a TeX run), not of this one.
``os.wait4`` returns the CPU time of exactly the child it reaps, but not its peak memory: Linux
counts into a process's peak the memory of the image it replaced at ``exec``, and a child started
with ``vfork`` replaced the parent's (a long test session's, hundreds of MB).  So a Python child
reports its own peak at exit (``VmHWM`` of ``/proc/self/status``: this image's high-water mark) from
a ``sitecustomize`` put first on its path; wait4's figure is the fallback where that is missing.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

_REPORT_PEAK = """\
import atexit
import os


def _report_peak() -> None:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            peak = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
        with open(os.environ["AWESOME_BIB_BENCH_PEAK"], "w", encoding="ascii") as out:
            out.write(peak)
    except (OSError, StopIteration, KeyError):
        pass


atexit.register(_report_peak)
"""


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
            tempfile.TemporaryFile("w+", encoding="utf-8") as err, \
            tempfile.TemporaryDirectory() as reporter:
        (Path(reporter) / "sitecustomize.py").write_text(_REPORT_PEAK, "utf-8")
        peak_file = Path(reporter) / "peak-kb"
        child_env = dict(env)
        child_env["PYTHONPATH"] = os.pathsep.join(filter(None, [reporter, child_env.get("PYTHONPATH")]))
        child_env["AWESOME_BIB_BENCH_PEAK"] = str(peak_file)
        started = time.perf_counter()
        process = subprocess.Popen([str(part) for part in command], cwd=cwd, env=child_env,
                                   stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        try:
            peak_kb = int(peak_file.read_text("ascii"))
        except (OSError, ValueError):
            peak_kb = usage.ru_maxrss
        return Finished(process.returncode, out.read(), err.read(), wall,
                        usage.ru_utime + usage.ru_stime, peak_kb / 1024)
