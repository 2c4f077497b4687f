"""`jointcampaign subtitles check|translate` as a subtitler would use them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jointcampaign.subtitles.reader import read_subtitles
from tests.conftest import CORPUS, DEMO_CAMPAIGN
from tests.e2e.cli_helpers import run_cli


def test_check_reports_rule_breaks_with_exit_1(tmp_path: Path) -> None:
    crowded = tmp_path / "crowded.srt"
    crowded.write_text(
        "1\n00:00:01,000 --> 00:00:01,500\nThis line is far too long to read in half a second, by anyone.\n\n",
        encoding="utf-8",
    )
    result = run_cli(["subtitles", "check", str(crowded), "--lang", "en", "--json"], cwd=tmp_path)
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["summary"]["total"] == 1 and report["summary"]["within_rules"] == 0
    assert {issue["rule"] for issue in report["issues"]} >= {"cps", "min_duration"}


def test_check_of_the_demo_subtitles_passes(tmp_path: Path) -> None:
    result = run_cli(
        ["subtitles", "check", str(DEMO_CAMPAIGN / "video/main.srt"), "--lang", "en"], cwd=tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 of 4 cues within the en rules (100.0%)" in result.stdout


def test_unsupported_format_is_a_clear_error(tmp_path: Path) -> None:
    result = run_cli(
        ["subtitles", "check", str(CORPUS / "asticode-go-astisub/example-in.ttml"), "--lang", "en"],
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert (
        "Traceback" not in result.stderr
        and "example-in.ttml" in result.stderr
        and "unsupported" in result.stderr.lower()
    )


@pytest.mark.slow
def test_translate_writes_webvtt_within_the_source_span(tmp_path: Path, demo_home: Path) -> None:
    out = tmp_path / "main.es.vtt"
    result = run_cli(
        ["subtitles", "translate", str(DEMO_CAMPAIGN / "video/main.srt"), "--to", "es", "-o", str(out)],
        cwd=tmp_path,
        env={"JOINTCAMPAIGN_HOME": str(demo_home)},
    )
    assert result.returncode == 0, result.stderr
    source = read_subtitles(DEMO_CAMPAIGN / "video/main.srt").cues
    cues = read_subtitles(out).cues
    assert out.read_text(encoding="utf-8").startswith("WEBVTT")
    assert cues[0].start >= source[0].start and cues[-1].end <= source[-1].end
    assert "Corner Café" in " ".join(cue.text for cue in cues)
