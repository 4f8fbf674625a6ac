"""A long batch of entries rendered on several cores, for :class:`csl_engine.ParsedStyle`.

Entries are rendered independently, so a batch cut into contiguous slices, each rendered by a
forked worker (they share the parsed style, nothing is pickled but the results), gives the same
result as one process rendering it all.
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Below this many entries a forked worker costs more than it saves.
PARALLEL_FROM = 96
# Linux's load figures; the fourth is "runnable tasks/all tasks" now.
LOADAVG = Path("/proc/loadavg")


def render_spread(render: Callable[[Sequence[T]], list[R]], items: Sequence[T]) -> list[R]:
    """``render(items)``, with its slices spread over the idle cores: forked workers render all
    slices but the first, which this process renders; a worker that dies has its slice rendered
    here."""
    slices = _slices(len(items))
    if len(slices) == 1 or multiprocessing.current_process().daemon:  # a daemon may not fork
        return render(items)
    context = multiprocessing.get_context("fork")
    workers = []
    for start, end in slices[1:]:
        receiving, sending = context.Pipe(duplex=False)
        worker = context.Process(target=_render_in_worker, args=(render, items[start:end], sending), daemon=True)
        worker.start()
        sending.close()
        workers.append((worker, receiving, start, end))
    start, end = slices[0]
    results = render(items[start:end])
    for worker, receiving, start, end in workers:
        try:
            part: list[R] | None = receiving.recv()
        except (EOFError, OSError):
            part = None  # the worker died: render its slice here
        receiving.close()
        worker.join()
        results += part if part is not None else render(items[start:end])
    return results


def _slices(count: int) -> list[tuple[int, int]]:
    """``count`` entries cut into one contiguous slice per idle core (one if fork is missing):
    on a machine already busy, more processes only take turns."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    with contextlib.suppress(OSError, AttributeError, ValueError, IndexError):
        cores = min(cores, max(1, int(cores - _busy_cores() + 0.5)))  # to the nearest, half up
    if count < PARALLEL_FROM or "fork" not in multiprocessing.get_all_start_methods():
        cores = 1
    cores = max(1, min(cores, count // (PARALLEL_FROM // 2)))
    bounds = [count * part // cores for part in range(cores + 1)]
    return list(itertools.pairwise(bounds))


def _busy_cores() -> float:
    """How many other tasks are running now: on Linux, the kernel's count of runnable tasks less
    this one (the load average, a minute's, counts this process's own work before this batch);
    elsewhere the load average."""
    if LOADAVG.exists():
        return max(int(LOADAVG.read_text().split()[3].split("/")[0]) - 1, 0)
    return os.getloadavg()[0]


def _render_in_worker(render: Callable[[Sequence[T]], list[R]], items: Sequence[T], sending: Any) -> None:
    sending.send(render(items))
    sending.close()
