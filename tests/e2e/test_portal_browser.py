"""A partner in a real browser: Debian's headless Chromium against the portal served by uvicorn.

The browser is driven over the Chrome DevTools protocol (a websocket; `websockets` is already in the
environment), so the test sees what a partner sees: the page after the sign-in redirect, a playing
preview with a loaded subtitle track, the draft banner, and a downloaded zip that verifies.
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import imageio_ffmpeg
import pytest
from websockets.sync.client import ClientConnection, connect

from jointcampaign.bundle.bag import BagInfo, build_bundle
from jointcampaign.bundle.verify import verify_bundle

pytestmark = pytest.mark.slow

EPOCH = 1_795_132_800
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--autoplay-policy=no-user-gesture-required",
    "--window-size=1280,1600",
    "--remote-debugging-address=127.0.0.1",
    "--remote-debugging-port=0",
]


# --- fixtures: media, bundles, server, browser --------------------------------------------------


def make_media(folder: Path) -> tuple[Path, Path]:
    ffmpeg = imageio_ffmpeg.get_ffmpeg_exe()
    video, poster = folder / "cut.mp4", folder / "poster.jpg"
    folder.mkdir(parents=True, exist_ok=True)
    encode = ["-c:v", "libx264", "-pix_fmt", "yuv420p", "-profile:v", "baseline", "-movflags", "+faststart"]
    testsrc = ["-f", "lavfi", "-i", "testsrc=size=160x90:rate=10", "-t", "1"]
    subprocess.run([ffmpeg, "-v", "error", "-y", *testsrc, *encode, str(video)], check=True)
    subprocess.run([ffmpeg, "-v", "error", "-y", "-i", str(video), "-frames:v", "1", str(poster)], check=True)
    return video, poster


def stage(work: Path, out: Path, slug: str, partner: str, names: dict[str, str], approved: set[str]) -> None:
    video, poster = make_media(work / "media")
    payload = work / f"{slug}-{partner}"
    texts = {
        "copy/es/post.md": f"Texto para {names[partner]}\n",
        "subtitles/es.vtt": "WEBVTT\n\n00:00:00.000 --> 00:00:05.000\nHola desde el café\n",
        "subtitles/es.srt": "1\n00:00:00,000 --> 00:00:05,000\nHola desde el café\n",
        "brief.html": f"<!doctype html><html lang=en><title>Brief</title><h1>Brief for {names[partner]}</h1>",
        "qc.html": "<!doctype html><title>QC</title><img src='posters/es-16x9.jpg' alt='poster'>",
    }
    for rel, text in texts.items():
        (payload / rel).parent.mkdir(parents=True, exist_ok=True)
        (payload / rel).write_text(text, encoding="utf-8")
    (payload / "video/es").mkdir(parents=True)
    shutil.copyfile(video, payload / "video/es/16x9.mp4")
    (payload / "posters").mkdir()
    shutil.copyfile(poster, payload / "posters/es-16x9.jpg")
    manifest = {
        "campaign": {"slug": slug, "title": slug.replace("-", " ").title()},
        "partner": {"id": partner, "name": names[partner]},
        "partners": [{"id": pid, "name": name} for pid, name in names.items()],
        "languages": ["es"],
        "approvals": {pid: {"approved": pid in approved, "by": None, "date": None} for pid in names},
        "blockers": [],
        "cuts": [
            {"language": "es", "aspect": "16:9", "path": "video/es/16x9.mp4", "poster": "posters/es-16x9.jpg"}
        ],
        "generator": "jointcampaign 0.1.0",
        "source_hash": "sha256:" + "ef" * 32,
    }
    (payload / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    build_bundle(
        payload, out / slug / partner, out / slug / f"{partner}.zip", BagInfo.from_manifest(manifest, EPOCH)
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("browser")
    out, work = root / "out", root / "work"
    spring = {"cafe": "Café Lumen", "florist": "Flora Blumen"}
    stage(work, out, "spring-bloom", "cafe", spring, approved={"cafe"})
    stage(work, out, "spring-bloom", "florist", spring, approved={"cafe"})
    stage(work, out, "autumn-harvest", "florist", {"florist": "Flora Blumen"}, approved={"florist"})
    return {"root": root, "out": out, "db": root / "portal.sqlite3"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "jointcampaign.cli_portal", *args]
    return subprocess.run(command, capture_output=True, text=True, check=True, timeout=60)


def wait_until(check: Any, what: str, timeout: float = 30.0) -> Any:
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


@pytest.fixture(scope="module")
def server(site: dict[str, Path]) -> Iterator[tuple[str, Path]]:
    port = free_port()
    log = site["root"] / "server.log"
    with log.open("w") as sink:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "jointcampaign.cli_portal",
                "serve",
                "--out",
                str(site["out"]),
                "--db",
                str(site["db"]),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: urllib.request.urlopen(f"{base}/healthz", timeout=2).status == 200, "the portal")
        yield base, log
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class DevTools:
    """Just enough of the Chrome DevTools protocol: commands, and events kept until asked for."""

    def __init__(self, url: str) -> None:
        self.socket: ClientConnection = connect(url, max_size=64 * 1024 * 1024, open_timeout=10)
        self.ids = itertools.count(1)
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        ident = next(self.ids)
        self.socket.send(json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv(timeout=60))
            if message.get("id") == ident:
                if "error" in message:
                    raise AssertionError(f"{method}: {message['error']}")
                result: dict[str, Any] = message.get("result", {})
                return result
            self.events.append(message)

    def wait_event(self, method: str, timeout: float = 30.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            for index, event in enumerate(self.events):
                if event.get("method") == method:
                    return self.events.pop(index)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no {method} within {timeout}s")
            self.events.append(json.loads(self.socket.recv(timeout=remaining)))

    def evaluate(self, expression: str) -> Any:
        reply = self.send("Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True)
        if "exceptionDetails" in reply:
            raise AssertionError(f"page script failed: {reply['exceptionDetails']}")
        return reply["result"].get("value")

    def navigate(self, url: str) -> None:
        self.events.clear()
        self.send("Page.navigate", url=url)
        self.wait_event("Page.loadEventFired")

    def close(self) -> None:
        self.socket.close()


@pytest.fixture(scope="module")
def browser(site: dict[str, Path]) -> Iterator[tuple[DevTools, DevTools, Path]]:
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian's `chromium` is not installed: run `make setup` (apt-get install -y chromium)")
    profile = site["root"] / "chromium-profile"
    downloads = site["root"] / "downloads"
    downloads.mkdir()
    proc = subprocess.Popen(
        [executable, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "about:blank"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        active = wait_until(
            lambda: (profile / "DevToolsActivePort").read_text().split(), "Chromium's DevTools"
        )
        port = active[0]
        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=5))
        page = DevTools(next(t for t in targets if t["type"] == "page")["webSocketDebuggerUrl"])
        whole = DevTools(f"ws://127.0.0.1:{port}{active[1]}")
        whole.send("Browser.setDownloadBehavior", behavior="allow", downloadPath=str(downloads))
        page.send("Page.enable")
        yield page, whole, downloads
        page.close()
        whole.close()
    finally:
        # the launcher script execs Chromium, which then starts helpers in its own session: end them all
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


# --- the partner's visit -------------------------------------------------------------------------

PLAY_PREVIEW = """
(async () => {
  const video = document.querySelector('video');
  const element = video.querySelector('track[srclang="es"]');
  const track = element.track;
  track.mode = 'showing';
  video.muted = true;
  await video.play();
  const start = Date.now();
  while ((video.currentTime < 0.3 || element.readyState !== 2) && Date.now() - start < 10000) {
    await new Promise(resolve => setTimeout(resolve, 100));
  }
  video.pause();
  return {
    canPlay: video.canPlayType('video/mp4; codecs="avc1.42E01E"'),
    time: video.currentTime,
    error: video.error ? video.error.code : null,
    trackState: element.readyState,
    cues: track.cues ? Array.from(track.cues).map(cue => cue.text) : [],
    tracks: video.textTracks.length,
  };
})()
"""


def test_partner_previews_and_downloads_their_bundle(
    site: dict[str, Path], server: tuple[str, Path], browser: tuple[DevTools, DevTools, Path]
) -> None:
    base, server_log = server
    page, _, downloads = browser
    link = cli(
        "token", "create", "cafe", "--db", str(site["db"]), "--out", str(site["out"]), "--base-url", base
    ).stdout.strip()
    assert link.startswith(f"{base}/t/")

    page.navigate(link)
    assert page.evaluate("location.pathname") == "/"
    home = page.evaluate("document.body.innerText")
    assert "Spring Bloom" in home and "Café Lumen" in home
    assert "Autumn Harvest" not in home

    page.navigate(f"{base}/campaigns/spring-bloom")
    assert page.evaluate("document.querySelector('h1').innerText") == "Spring Bloom"
    banner = page.evaluate("document.getElementById('draft-banner').innerText")
    assert "Draft" in banner and "Flora Blumen" in banner and "Café Lumen" not in banner

    played = page.evaluate(PLAY_PREVIEW)
    assert played["error"] is None, played
    assert played["canPlay"], played
    assert played["time"] > 0, played
    assert played["trackState"] == 2 and played["cues"] == ["Hola desde el café"], played

    poster_loaded = page.evaluate(
        "Array.from(document.images).every(img => img.complete && img.naturalWidth > 0)"
    )
    assert poster_loaded

    shot = page.send("Page.captureScreenshot", format="png", captureBeyondViewport=True)
    screenshot = site["root"] / "campaign.png"
    screenshot.write_bytes(base64.b64decode(shot["data"]))
    if target := os.environ.get("JOINTCAMPAIGN_SCREENSHOT_DIR"):
        shutil.copyfile(screenshot, Path(target) / "portal-campaign.png")

    page.navigate(f"{base}/campaigns/autumn-harvest")  # another partner's campaign, by guessing its URL
    assert page.evaluate("document.querySelector('h1').innerText") == "Not found"
    assert "Autumn" not in page.evaluate("document.body.innerText")

    page.navigate(f"{base}/campaigns/spring-bloom")
    page.evaluate("document.querySelector('a[href=\"/campaigns/spring-bloom/bundle.zip\"]').click()")
    saved = wait_until(
        lambda: (
            [p for p in downloads.iterdir() if p.suffix == ".zip"]
            if not list(downloads.glob("*.crdownload"))
            else None
        ),
        "the zip download",
    )
    assert [path.name for path in saved] == ["spring-bloom-cafe.zip"]
    assert saved[0].read_bytes() == (site["out"] / "spring-bloom" / "cafe.zip").read_bytes()
    assert verify_bundle(saved[0]) == []
    verified = subprocess.run(
        [sys.executable, "-m", "jointcampaign.cli_bundle", "verify", str(saved[0])],
        capture_output=True,
        text=True,
    )
    assert verified.returncode == 0, verified.stdout + verified.stderr

    audit = cli("audit", "--db", str(site["db"]), "--partner", "cafe").stdout
    assert "download" in audit and "cafe.zip" in audit

    secret = link.rsplit("/", 1)[1].split(".", 1)[1]
    log_text = server_log.read_text()
    assert "/t/[redacted]" in log_text
    assert secret not in log_text
