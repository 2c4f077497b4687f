"""The campaign desk's local runner: one submission, run the way `jointcampaign run` runs it.

The portal starts this as a child process (it never imports Prefect itself) when no Prefect API is
configured. The core's progress reports go to a small JSON status file, replaced atomically a few
times a second, which the run page reads; the last write holds the result.

Usage: python -m jointcampaign.flows.desk_run CAMPAIGN_DIR OUT_DIR STATUS_FILE
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

from jointcampaign import progress
from jointcampaign.errors import JointCampaignError, UserInputError
from jointcampaign.fileio import write_text_atomic

FLUSH_SECONDS = 0.5


class StatusFile:
    """Progress per stage and step (fractions 0..1), written at most every FLUSH_SECONDS."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock = threading.Lock()
        self.stages: dict[str, dict[str, float]] = {}
        self.last_flush = 0.0

    def listener(self, stage: str, step: str, done: float, total: float) -> None:
        with self.lock:
            self.stages.setdefault(stage, {})[step] = round(done / total, 3) if total else 1.0
            due = time.monotonic() - self.last_flush >= FLUSH_SECONDS
        if due:
            self.write({"phase": "running"})

    def write(self, extra: dict[str, Any]) -> None:
        with self.lock:
            payload = {"stages": self.stages, "updated": time.time(), **extra}
            self.last_flush = time.monotonic()
            write_text_atomic(self.path, json.dumps(payload))


def main(argv: list[str]) -> int:
    campaign_dir, out_dir, status_path = (Path(arg) for arg in argv)
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    status = StatusFile(status_path)
    status.write({"phase": "starting"})
    from jointcampaign.flows.localize_campaign import localize_campaign

    progress.attach(status.listener)
    try:
        summary = localize_campaign(campaign_dir=campaign_dir, out_dir=out_dir)
    except UserInputError as exc:
        status.write({"phase": "failed", "message": str(exc)})
        return 2
    except JointCampaignError as exc:
        status.write({"phase": "failed", "message": str(exc)})
        return 1
    finally:
        progress.attach(None)
    result = {
        "status": summary.status,
        "bundles": {partner: str(path) for partner, path in summary.bundles.items()},
        "failures": [failure.as_dict() for failure in summary.failures],
        "blockers": summary.blockers,
        "rebuilt": summary.rebuilt,
    }
    status.write({"phase": "finished", "result": result})
    return 1 if summary.failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
