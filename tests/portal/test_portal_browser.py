"""A partner in a real browser: Debian's headless Chromium, driven by Playwright, against the portal.

The test sees what a partner sees: the page after the sign-in redirect, a playing preview with a
loaded subtitle track, the draft banner, and a downloaded zip that verifies.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import imageio_ffmpeg
import pytest
from playwright.sync_api import Browser

from jointcampaign.bundle.bag import BagInfo, build_bundle
from jointcampaign.bundle.verify import verify_bundle
from tests.helpers.browser import chromium, cli, portal_server

pytestmark = pytest.mark.slow

EPOCH = 1_795_132_800


# --- fixtures: media, bundles, server, browser (browser_helpers.py) --------------------------------------------------


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


@pytest.fixture(scope="module")
def server(site: dict[str, Path]) -> Iterator[tuple[str, Path]]:
    log = site["root"] / "server.log"
    with portal_server(site["out"], site["db"], log) as base:
        yield base, log


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


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
    site: dict[str, Path], server: tuple[str, Path], browser: Browser
) -> None:
    base, server_log = server
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 1600})
    page = context.new_page()
    link = cli(
        "token", "create", "cafe", "--db", str(site["db"]), "--out", str(site["out"]), "--base-url", base
    ).stdout.strip()
    assert link.startswith(f"{base}/t/")

    page.goto(link)
    assert page.evaluate("location.pathname") == "/"
    home = page.inner_text("body")
    assert "Spring Bloom" in home and "Café Lumen" in home
    assert "Autumn Harvest" not in home

    page.goto(f"{base}/campaigns/spring-bloom")
    assert page.inner_text("h1") == "Spring Bloom"
    banner = page.inner_text("#draft-banner")
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

    screenshot = site["root"] / "campaign.png"
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.stat().st_size > 0
    if target := os.environ.get("JOINTCAMPAIGN_SCREENSHOT_DIR"):
        shutil.copyfile(screenshot, Path(target) / "portal-campaign.png")

    page.goto(f"{base}/campaigns/autumn-harvest")  # another partner's campaign, by guessing its URL
    assert page.inner_text("h1") == "Not found"
    assert "Autumn" not in page.inner_text("body")

    page.goto(f"{base}/campaigns/spring-bloom")
    with page.expect_download() as started:
        page.click('a[href="/campaigns/spring-bloom/bundle.zip"]')
    download = started.value
    assert download.suggested_filename == "spring-bloom-cafe.zip"
    saved = site["root"] / "downloads" / download.suggested_filename
    download.save_as(saved)
    assert saved.read_bytes() == (site["out"] / "spring-bloom" / "cafe.zip").read_bytes()
    assert verify_bundle(saved) == []
    verified = subprocess.run(
        [sys.executable, "-m", "jointcampaign.cli.bundle", "verify", str(saved)],
        capture_output=True,
        text=True,
    )
    assert verified.returncode == 0, verified.stdout + verified.stderr
    context.close()

    audit = cli("audit", "--db", str(site["db"]), "--partner", "cafe").stdout
    assert "download" in audit and "cafe.zip" in audit

    secret = link.rsplit("/", 1)[1].split(".", 1)[1]
    log_text = server_log.read_text()
    assert "/t/[redacted]" in log_text
    assert secret not in log_text
