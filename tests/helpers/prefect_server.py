"""Start and stop the real pieces of a Prefect installation for tests: server, work pool, worker.

Every process is started in its own session and stopped by its own process-group id, so its
children (uvicorn, flow-run subprocesses) go with it and nothing else is touched.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
POOL = "jointcampaign"

T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def prefect_env(home: Path, api_url: str | None = None, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_UI_ENABLED": "false",
        "PREFECT_LOGGING_LEVEL": "INFO",
        "COLUMNS": "200",
        "NO_COLOR": "1",
        **extra,
    }
    if api_url:
        env["PREFECT_API_URL"] = api_url
    else:
        env.pop("PREFECT_API_URL", None)
    return env


@dataclass
class Started:
    """A process we started, with its log; stop() ends it and its children, and only them."""

    process: subprocess.Popen[bytes]
    log: Path

    def stop(self, grace_s: float = 15) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(grace_s)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)

    def tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def start(args: list[str], log: Path, env: dict[str, str], cwd: Path = REPO) -> Started:
    handle = log.open("wb")
    process = subprocess.Popen(args, cwd=cwd, env=env, stdout=handle, stderr=subprocess.STDOUT,
                               start_new_session=True)
    handle.close()
    return Started(process, log)


def wait_for(check: Callable[[], T | None], timeout_s: float, what: str, process: Started | None = None,
             interval_s: float = 0.5) -> T:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process is not None and process.process.poll() is not None:
            raise AssertionError(f"{what}: the process exited early\n{process.tail()}")
        result = check()
        if result is not None:
            return result
        time.sleep(interval_s)
    raise AssertionError(f"timed out after {timeout_s:.0f} s waiting for {what}"
                         + (f"\n{process.tail()}" if process else ""))


def healthy(url: str) -> bool | None:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
            return True if response.status == 200 else None
    except OSError:
        return None


@dataclass
class PrefectServer:
    url: str
    home: Path
    server: Started
    workers: list[Started] = field(default_factory=list)

    def env(self, **extra: str) -> dict[str, str]:
        return prefect_env(self.home, self.url, **extra)

    def prefect(self, *args: str, timeout: float = 120, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
        result = subprocess.run([str(BIN / "prefect"), "--no-prompt", *args], cwd=cwd, env=self.env(),
                                capture_output=True, text=True, timeout=timeout)
        assert result.returncode == 0, f"prefect {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
        return result

    def start_worker(self, log: Path, **env: str) -> Started:
        # Workers poll every second instead of every 10, so tests do not wait for the next poll.
        worker = start([str(BIN / "prefect"), "worker", "start", "--pool", POOL, "--type", "process"], log,
                       self.env(PREFECT_WORKER_QUERY_SECONDS="1", PREFECT_WORKER_PREFETCH_SECONDS="5", **env))
        self.workers.append(worker)
        return worker

    def api(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"{self.url}{path}", data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read() or b"null")

    def stop(self) -> None:
        for worker in self.workers:
            worker.stop()
        self.server.stop()


@contextlib.contextmanager
def prefect_server(home: Path, timeout_s: float = 180, **server_env: str) -> Iterator[PrefectServer]:
    """`prefect server start` on a free port with its own PREFECT_HOME; the scheduler looks every second."""
    home.mkdir(parents=True, exist_ok=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}/api"
    env = prefect_env(home, None, PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS="1", **server_env)
    process = start([str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                    home / "server.log", env)
    server = PrefectServer(url=url, home=home, server=process)
    try:
        wait_for(lambda: healthy(url), timeout_s, f"the Prefect server at {url}", process)
        yield server
    finally:
        server.stop()


def write_every_5s_deployment(tmp_path: Path, project: str, pool: str) -> Path:
    """A prefect.yaml deploying the nightly flow every 5 s over an empty campaigns folder."""
    campaigns = tmp_path / "campaigns"
    campaigns.mkdir()
    config = tmp_path / "prefect-test.yaml"
    config.write_text(json.dumps({
        "name": project,
        "deployments": [{
            "name": "nightly-every-5s",
            "entrypoint": "src/jointcampaign/flows/nightly_render.py:nightly_render",
            "parameters": {"campaigns_dir": str(campaigns), "out_dir": str(tmp_path / "out"),
                           "task_runner": "threads"},
            "schedules": [{"interval": 5}],
            "work_pool": {"name": pool},
        }],
    }), encoding="utf-8")
    return config
