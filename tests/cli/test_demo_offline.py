"""The demo campaign end to end through the real CLI, in a network namespace with only loopback up.

Any attempt to reach another host fails (there is no route), so a pass proves the whole run —
validation, translation on the demo models, rendering, bundling, Prefect's local API — is offline.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from jointcampaign.media.probe import probe
from jointcampaign.translate.training.builder import load_phrase_table
from tests.conftest import REPO
from tests.helpers.cli import run_cli

LANGUAGES = ["es", "vi", "ar", "hi", "zh-Hans"]
# Each partner's bundle holds the languages of its own community (partners[].languages in the demo).
BUNDLE_LANGUAGES = {"corner-cafe": ["es", "vi", "zh-Hans"], "rosas-flowers": ["es", "ar", "hi"]}
assert sorted({lang for langs in BUNDLE_LANGUAGES.values() for lang in langs}) == sorted(LANGUAGES)
TABLES = {"es": "en-es", "vi": "en-vi", "ar": "en-ar", "hi": "en-hi", "zh-Hans": "en-zh"}
PARTNERS = ["corner-cafe", "rosas-flowers"]
PHRASES = REPO / "src/jointcampaign/translate/demo_phrases"


def frame(video: Path, seconds: float, size: tuple[int, int] = (320, 180)) -> np.ndarray:
    from imageio_ffmpeg import get_ffmpeg_exe

    raw = subprocess.run(
        [
            get_ffmpeg_exe(),
            "-v",
            "error",
            "-ss",
            f"{seconds}",
            "-i",
            str(video),
            "-frames:v",
            "1",
            "-vf",
            f"scale={size[0]}:{size[1]}",
            "-f",
            "rawvideo",
            "-pix_fmt",
            "rgb24",
            "-",
        ],
        capture_output=True,
        check=True,
    ).stdout
    return np.frombuffer(raw, dtype=np.uint8).reshape(size[1], size[0], 3).astype(np.int16)


def changed(cut: Path, source: Path, seconds: float) -> np.ndarray:
    """Which pixels of the cut differ clearly from the source at the same moment."""
    return np.abs(frame(cut, seconds) - frame(source, seconds)).max(axis=2) > 40


@pytest.fixture
def demo_folder(campaign_copy: Path, tmp_path: Path) -> Path:
    """The demo campaign with a small 10 s video, long enough for all four cues."""
    from jointcampaign.demo.media import make_demo_video

    make_demo_video(campaign_copy / "video/main.mp4", width=320, height=180, fps=10, seconds=10.0)
    return campaign_copy


@pytest.mark.slow
def test_demo_runs_offline_and_delivers_every_language(
    demo_folder: Path, demo_home: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    env = {"JOINTCAMPAIGN_HOME": str(demo_home), "JOINTCAMPAIGN_RENDER_HEIGHT": "180"}
    result = run_cli(["run", str(demo_folder), "--out", str(out)], cwd=tmp_path, env=env, offline=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "Traceback" not in result.stdout + result.stderr

    campaign_out = out / demo_folder.name
    source_video = demo_folder / "video/main.mp4"
    source_info = probe(source_video)
    for partner in PARTNERS:
        zip_path = campaign_out / f"{partner}.zip"
        verify = run_cli(["bundle", "verify", str(zip_path)], cwd=tmp_path)
        assert verify.returncode == 0, verify.stdout + verify.stderr
        data = campaign_out / partner / "data"
        manifest = json.loads((data / "manifest.json").read_text(encoding="utf-8"))
        assert manifest["partner"]["id"] == partner
        assert [b["deliverable"] for b in manifest["blockers"]] == ["review-es"]
        languages = BUNDLE_LANGUAGES[partner]
        assert manifest["languages"] == languages
        for language in languages:  # which model made each language: the demo ones, named by checksum
            (model,) = manifest["translation"][language]["models"]
            assert model["origin"] == "demo" and len(model["sha256"]) == 64, model
        assert sorted(c["language"] for c in manifest["cuts"]) == sorted(languages)
        assert sorted(p.name for p in (data / "copy").iterdir()) == sorted(languages)
        assert sorted(p.name for p in (data / "video").iterdir()) == sorted(languages)
        for language in languages:
            expected = dict(load_phrase_table(PHRASES / f"{TABLES[language]}.tsv"))
            post = (data / "copy" / language / "post.md").read_text(encoding="utf-8")
            assert expected["Show your café receipt at Rosa's Flowers and get 10% off any bouquet."] in post
            assert post.startswith("# " + expected["Coffee and flowers, better together"])
            srt = (data / "subtitles" / f"{language}.srt").read_text(encoding="utf-8")
            assert expected["Fresh coffee at Corner Café."].replace(" ", "") in srt.replace(" ", "").replace(
                "\n", ""
            )
            assert (data / "subtitles" / f"{language}.vtt").read_text(encoding="utf-8").startswith("WEBVTT")

            cut = data / "video" / language / "16x9.mp4"
            info = probe(cut)
            assert (info.video_codec, info.audio_codec, info.pix_fmt) == ("h264", "aac", "yuv420p")
            assert info.height == 180 and info.width == 320
            assert info.duration_s >= source_info.duration_s - 1 / source_info.fps
            assert (data / "posters" / f"{language}-16x9.jpg").is_file()

            # During cue 2 (2.7–4.6 s) the bottom centre carries a subtitle; before cue 1 (0.2 s) it does
            # not. The corners carry both logos throughout.
            during, before = changed(cut, source_video, 3.6), changed(cut, source_video, 0.2)
            assert during[140:175, 40:280].mean() > 0.05, language
            assert before[140:175, 40:280].mean() < 0.01, language
            assert during[5:40, 5:70].mean() > 0.15 and during[5:40, 250:315].mean() > 0.15, language
    # Six cuts in all: each language's cut only for the partners whose bundle holds it.
    assert len(list((campaign_out / ".work" / "video").rglob("*.mp4"))) == 6
    Image.fromarray(frame(campaign_out / "rosas-flowers/data/video/ar/16x9.mp4", 3.6).astype(np.uint8)).save(
        tmp_path / "arabic-frame.png"
    )


@pytest.mark.slow
def test_new_campaign_validates_with_the_installed_models(tmp_path: Path, demo_home: Path) -> None:
    env = {"JOINTCAMPAIGN_HOME": str(demo_home)}
    (tmp_path / "assets" / "partners").mkdir(parents=True)
    folder = tmp_path / "campaigns" / "spring"
    created = run_cli(["new", str(folder), "--partners", "bakery,bookshop"], cwd=tmp_path, env=env)
    assert created.returncode == 0, created.stderr
    assert (tmp_path / "assets/partners/bakery/logo.png").is_file()
    checked = run_cli(["validate", str(folder), "--json"], cwd=tmp_path, env=env)
    report = json.loads(checked.stdout)
    assert checked.returncode == 0, report["errors"]
    assert report["languages"] == ["ar", "es", "hi", "vi", "zh-Hans"]
    assert [b["deliverable"] for b in report["blockers"]] == ["video"]
    again = run_cli(["new", str(folder), "--partners", "bakery,bookshop"], cwd=tmp_path, env=env)
    assert again.returncode == 2 and "already exists" in again.stderr
