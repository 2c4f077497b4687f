"""One run at a time per campaign output folder, across processes."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from jointcampaign.errors import StageFailedError
from jointcampaign.pipeline.lock import campaign_lock

HOLD = """
import sys, time
from pathlib import Path
from jointcampaign.pipeline.lock import campaign_lock
with campaign_lock(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def hold_in_another_process(folder: Path, seconds: float) -> subprocess.Popen[str]:
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(folder), str(seconds)], stdout=subprocess.PIPE,
                              text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    return holder


def test_a_second_run_waits_for_the_first(tmp_path: Path) -> None:
    holder = hold_in_another_process(tmp_path, 1.5)
    messages: list[str] = []
    started = time.monotonic()
    with campaign_lock(tmp_path, on_wait=messages.append):
        waited = time.monotonic() - started
    holder.wait(10)
    assert waited >= 0.5
    assert len(messages) == 1 and "waiting" in messages[0]


def test_waiting_gives_up_after_the_timeout(tmp_path: Path) -> None:
    holder = hold_in_another_process(tmp_path, 5)
    try:
        with pytest.raises(StageFailedError, match="another run of this campaign"), campaign_lock(
            tmp_path, timeout_s=0.5
        ):
            pass
    finally:
        holder.kill()
        holder.wait(10)


def test_the_lock_is_free_again_after_use(tmp_path: Path) -> None:
    with campaign_lock(tmp_path):
        pass
    with campaign_lock(tmp_path, timeout_s=0.1):
        pass
