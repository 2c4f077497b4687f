"""A tiny progress channel from the core to whoever is watching (the CLI's Rich display, a log).

Stages report (stage, step, done, total); with no listener attached, reports cost nothing.
Long work runs in Prefect task threads inside one process, so one process-wide listener suffices.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

Listener = Callable[[str, str, float, float], None]

_lock = threading.Lock()
_listener: Listener | None = None


def attach(listener: Listener | None) -> None:
    global _listener
    with _lock:
        _listener = listener


def report(stage: str, step: str, done: float, total: float) -> None:
    listener = _listener
    if listener is not None:
        listener(stage, step, done, total)


def reporter(stage: str, step: str) -> Callable[[float], None]:
    """A callback for a fraction-complete (0..1) progress hook, bound to one stage and step."""

    def update(fraction: float) -> None:
        report(stage, step, fraction, 1.0)

    return update
