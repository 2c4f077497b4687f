"""Build several models at once, one single-threaded training per core.

Each build is one torch thread (the fastest setting for models this small, see training/builder.py), so
the way to use a second core is a second build. Workers are spawned, not forked: a parent that has
already loaded torch or CTranslate2 holds OpenMP threads a fork would copy in a locked state.
Progress messages travel back through a queue so the caller's status line keeps moving.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Progress = Callable[[str], None]


@dataclass(frozen=True)
class BuildJob:
    phrases_tsv: Path
    source: str
    target: str
    out_path: Path


def usable_cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


Build = Callable[[BuildJob, Progress], object]


def build_all(jobs: Sequence[BuildJob], build: Build, progress: Progress, workers: int | None = None) -> None:
    """Run `build` (a module-level function, so a spawned worker can import it) for every job.
    After a failure, jobs not started yet are cancelled and the running ones finish; then the error
    of the first failed job (in `jobs` order) is raised."""
    workers = max(1, min(len(jobs), workers or usable_cores()))
    if workers == 1:
        for job in jobs:
            build(job, progress)
        return
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        messages: Any = manager.Queue()
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            futures = [pool.submit(build, job, messages.put) for job in jobs]
            pending: set[Future[object]] = set(futures)
            while pending:
                done, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                _drain(messages, progress)
                if any(future.exception() is not None for future in done):
                    for other in pending:
                        other.cancel()
            _drain(messages, progress)
    for future in futures:
        if not future.cancelled():
            future.result()


def _drain(messages: Any, progress: Progress) -> None:
    while True:
        try:
            progress(messages.get_nowait())
        except queue.Empty:
            return
