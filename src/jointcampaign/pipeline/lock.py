"""One run at a time per campaign output folder, across processes and (on a shared disk) machines.

Two runs of the same campaign would otherwise replace each other's bundles half-way. The second
run waits; when it gets the lock, everything the first made is already cached, so it is quick.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from jointcampaign.errors import StageFailedError

LOCK_NAME = ".run.lock"
POLL_SECONDS = 0.5


def lock_file(campaign_out_dir: Path) -> Path:
    return campaign_out_dir / LOCK_NAME


@contextmanager
def campaign_lock(
    campaign_out_dir: Path, timeout_s: float | None = None, on_wait: Callable[[str], None] | None = None
) -> Iterator[Path]:
    """Hold an exclusive lock on OUT/<campaign>/.run.lock; wait (up to timeout_s) while another holds it."""
    path = lock_file(campaign_out_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+") as handle:
        _acquire(handle.fileno(), path, timeout_s, on_wait)
        try:
            handle.seek(0)
            handle.truncate()
            handle.write(f"{os.getpid()}\n")
            handle.flush()
            yield path
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _acquire(fd: int, path: Path, timeout_s: float | None, on_wait: Callable[[str], None] | None) -> None:
    started = time.monotonic()
    announced = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        if not announced and on_wait is not None:
            on_wait(f"another run of this campaign holds {path}; waiting for it to finish")
            announced = True
        if timeout_s is not None and time.monotonic() - started > timeout_s:
            raise StageFailedError(
                f"another run of this campaign still holds {path} after {timeout_s:.0f} s; "
                "try again when it has finished"
            )
        time.sleep(POLL_SECONDS)
