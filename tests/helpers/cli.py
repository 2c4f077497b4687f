"""Run the real `jointcampaign` command the way a user does, optionally with no network at all."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

BIN = Path(sys.executable).parent / "jointcampaign"


def run_cli(
    args: list[str],
    *,
    cwd: Path,
    env: dict[str, str] | None = None,
    offline: bool = False,
    timeout: float = 900,
    stdin: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    command = [str(BIN), *args]
    if offline:
        # A new network namespace with only loopback up: any attempt to reach another host fails,
        # while Prefect's local API on 127.0.0.1 still works.
        inner = "ip link set lo up && exec " + shlex.join(command)
        command = ["unshare", "--net", "sh", "-c", inner]
    full_env = {**os.environ, "COLUMNS": "160", "NO_COLOR": "1", **(env or {})}
    if stdin is None:
        return subprocess.run(command, cwd=cwd, env=full_env, capture_output=True, text=True, timeout=timeout)
    with stdin.open("rb") as given:
        return subprocess.run(
            command, cwd=cwd, env=full_env, stdin=given, capture_output=True, text=True, timeout=timeout
        )
