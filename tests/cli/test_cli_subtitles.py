"""`jointcampaign subtitles check|translate` as a subtitler would use them."""

from __future__ import annotations

import json
from pathlib import Path
from subprocess import CompletedProcess

import pytest

from jointcampaign.subtitles.read.reader import read_subtitles
from tests.conftest import DEMO_CAMPAIGN
from tests.helpers.cli import run_cli

MAIN_SRT = DEMO_CAMPAIGN / "video/main.srt"


def translate(
    source: Path, to: str, out: Path, *options: str, home: Path | None = None
) -> CompletedProcess[str]:
    """`jointcampaign subtitles translate`, run from the output's folder with the demo models' home."""
    env = {"JOINTCAMPAIGN_HOME": str(home)} if home is not None else None
    args = ["subtitles", "translate", str(source), "--to", to, "-o", str(out), *options]
    return run_cli(args, cwd=out.parent, env=env)


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
    ttml = tmp_path / "example-in.ttml"  # a small real TTML file, so the test needs no corpus
    ttml.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<tt xmlns="http://www.w3.org/ns/ttml" xml:lang="en">'
        '<body><div><p begin="00:00:01.000" end="00:00:02.500">Fresh coffee.</p></div></body></tt>\n',
        encoding="utf-8",
    )
    result = run_cli(["subtitles", "check", str(ttml), "--lang", "en"], cwd=tmp_path)
    assert result.returncode == 2
    assert (
        "Traceback" not in result.stderr
        and "example-in.ttml" in result.stderr
        and "unsupported" in result.stderr.lower()
    )


@pytest.mark.slow
def test_translate_writes_webvtt_within_the_source_span(tmp_path: Path, demo_home: Path) -> None:
    out = tmp_path / "main.es.vtt"
    result = translate(MAIN_SRT, "es", out, home=demo_home)
    assert result.returncode == 0, result.stderr
    source = read_subtitles(MAIN_SRT).cues
    cues = read_subtitles(out).cues
    assert out.read_text(encoding="utf-8").startswith("WEBVTT")
    assert cues[0].start >= source[0].start and cues[-1].end <= source[-1].end
    assert "Corner Café" in " ".join(cue.text for cue in cues)


def test_check_counts_the_gap_in_the_videos_frames(tmp_path: Path) -> None:
    # 80 ms is two frames at 25 fps but less than two at 24 fps (83.3 ms).
    pair = tmp_path / "pair.srt"
    pair.write_text(
        "1\n00:00:01,000 --> 00:00:03,000\nGood morning!\n\n2\n00:00:03,080 --> 00:00:05,000\nFresh tulips.\n",
        encoding="utf-8",
    )
    at_25 = run_cli(["subtitles", "check", str(pair), "--lang", "en", "--fps", "25"], cwd=tmp_path)
    at_24 = run_cli(["subtitles", "check", str(pair), "--lang", "en", "--fps", "24", "--json"], cwd=tmp_path)
    assert at_25.returncode == 0, at_25.stdout
    assert at_24.returncode == 1
    assert [issue["rule"] for issue in json.loads(at_24.stdout)["issues"]] == ["gap"]


def test_translate_refuses_an_output_format_it_cannot_write(tmp_path: Path) -> None:
    out = tmp_path / "main.es.txt"
    result = translate(MAIN_SRT, "es", out)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "main.es.txt" in result.stderr and ".srt, .vtt, .ass" in result.stderr
    assert not out.exists()


@pytest.mark.slow
def test_translate_to_srt_with_crlf_keeps_cues_inside_the_video(tmp_path: Path, demo_home: Path) -> None:
    from jointcampaign.media.probe import probe

    out = tmp_path / "main.vi.srt"
    video = DEMO_CAMPAIGN / "video/main.mp4"
    result = translate(
        MAIN_SRT, "vi", out, "--crlf", "--video", str(video), "--term", "Maple Street", home=demo_home
    )
    assert result.returncode == 0, result.stderr
    data = out.read_bytes()
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    cues = read_subtitles(out).cues
    assert cues and cues[-1].end <= probe(video).picture_duration_s
    assert "100.0%" in result.stdout


@pytest.mark.slow
def test_translate_lists_the_cues_it_could_not_fit(tmp_path: Path, demo_home: Path) -> None:
    # A whole sentence in half a second, right before the next one: no time to borrow.
    tight = tmp_path / "tight.srt"
    tight.write_text(
        "1\n00:00:01,000 --> 00:00:01,500\nGet 10% off any bouquet.\n\n"
        "2\n00:00:01,580 --> 00:00:04,000\nShop local.\n",
        encoding="utf-8",
    )
    out = tmp_path / "tight.es.srt"
    result = translate(tight, "es", out, home=demo_home)
    assert result.returncode == 0, result.stderr
    assert "1 within the es rules (50.0%)" in result.stdout
    assert "cue 1 (0.750 s)" in result.stdout and "characters per second" in result.stdout
    check = run_cli(["subtitles", "check", str(out), "--lang", "es"], cwd=tmp_path)
    assert check.returncode == 1 and "1 of 2 cues within the es rules" in check.stdout


@pytest.mark.slow
def test_translate_to_ass_styles_for_the_script(tmp_path: Path, demo_home: Path) -> None:
    import pysubs2

    out = tmp_path / "main.ar.ass"
    result = translate(MAIN_SRT, "ar", out, home=demo_home)
    assert result.returncode == 0, result.stderr
    subs = pysubs2.load(str(out), encoding="utf-8-sig")
    assert subs.styles["Default"].fontname == "Noto Sans Arabic"
    ours = read_subtitles(out)
    assert ours.format == "ass" and len(ours.cues) == len(subs) > 0
    assert all(
        "\u0600" <= char <= "\u06ff" for char in ours.cues[0].text if char.isalpha() and not char.isascii()
    )


@pytest.mark.parametrize("command", ["check", "translate"])
def test_a_file_without_any_cue_is_bad_input_not_an_empty_success(tmp_path: Path, command: str) -> None:
    # A WebVTT header and nothing else: "0 of 0 cues within the rules (100%)" and an empty output
    # file with exit 0 would let a script ship no subtitles at all.
    empty = tmp_path / "no_captions.vtt"
    empty.write_text("WEBVTT\n\nNOTE the captions are still to come\n", encoding="utf-8")
    out = tmp_path / "out.srt"
    args = ["subtitles", command, str(empty)] + (["--lang", "en"] if command == "check" else ["--to", "es", "-o", str(out)])
    result = run_cli(args, cwd=tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert str(empty) in result.stderr and "no cue has any text to show" in result.stderr
    assert "fix:" in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()


def test_check_with_the_video_flags_cues_past_its_end(tmp_path: Path, small_video: Path) -> None:
    # small_video is 3 s: the second cue runs past it, and a run would cut it there.
    pair = tmp_path / "pair.srt"
    pair.write_text(
        "1\n00:00:00,500 --> 00:00:02,000\nGood morning!\n\n2\n00:00:02,200 --> 00:00:04,000\nFresh tulips.\n",
        encoding="utf-8",
    )
    result = run_cli(
        ["subtitles", "check", str(pair), "--lang", "en", "--video", str(small_video), "--json"], cwd=tmp_path
    )
    assert result.returncode == 1, result.stdout + result.stderr
    issues = json.loads(result.stdout)["issues"]
    assert [(issue["index"], issue["rule"], issue["source_line"]) for issue in issues] == [(2, "video_end", 6)]
    assert "past the end of the video (3.000 s)" in issues[0]["message"]
    inside = run_cli(["subtitles", "check", str(pair), "--lang", "en", "--fps", "15"], cwd=tmp_path)
    assert inside.returncode == 0, inside.stdout  # without the video nothing says where it ends
