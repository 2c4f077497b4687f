"""Real pages in a real browser: the portal served by uvicorn, driven by Playwright on Debian's Chromium.

Playwright talks to the Chromium that Debian installs (`executable_path`); it never downloads a
browser of its own. Each test module starts one browser and one portal server and ends both.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import pytest
from playwright.sync_api import Browser, sync_playwright

CHROMIUM = "/usr/bin/chromium"
T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_until(check: Callable[[], T | None], what: str, timeout: float = 30.0) -> T:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            result = check()
        except OSError:
            result = None
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@contextmanager
def chromium() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        pytest.fail("Debian's `chromium` is not installed: run `make setup` (apt-get install -y chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--autoplay-policy=no-user-gesture-required",
            ],
        )
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def portal_server(
    out: Path, db: Path, log: Path, *extra: str, env: dict[str, str] | None = None
) -> Iterator[str]:
    """`jointcampaign portal serve` on a free loopback port; yields its base URL, stops it after."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "jointcampaign.cli.portal",
        "serve",
        "--out",
        str(out),
        "--db",
        str(db),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        *extra,
    ]
    with log.open("w") as sink:
        proc = subprocess.Popen(
            command, stdout=sink, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})}
        )
    base = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        if proc.poll() is not None:
            raise AssertionError(f"the portal exited with {proc.returncode}:\n{log.read_text()}")
        return bool(urllib.request.urlopen(f"{base}/healthz", timeout=2).status == 200)

    try:
        wait_until(answers, f"the portal (log: {log})", timeout=60)
        yield base
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "jointcampaign.cli.portal", *args]
    return subprocess.run(
        command, capture_output=True, text=True, check=True, timeout=60, env={**os.environ, **(env or {})}
    )


def body_text(page: Any) -> str:
    text: str = page.inner_text("body")
    return text
