"""The CLI as a marketing lead uses it: clear errors, exit codes scripts can trust, no tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers.cli import run_cli


def test_help_teaches_with_examples(tmp_path: Path) -> None:
    result = run_cli(["--help"], cwd=tmp_path)
    assert result.returncode == 0
    for command in ("new", "validate", "run", "models"):
        assert command in result.stdout
    assert "jointcampaign new campaigns/spring" in result.stdout
    run_help = run_cli(["run", "--help"], cwd=tmp_path)
    assert "--languages" in run_help.stdout and "Example" in run_help.stdout


def test_broken_folder_reports_every_error_and_exits_2(campaign_copy: Path) -> None:
    yaml_path = campaign_copy / "campaign.yaml"
    text = yaml_path.read_text(encoding="utf-8")
    text = text.replace(
        "revenue: {corner-cafe: 60, rosas-flowers: 40}", "revenue: {corner-cafe: 60, rosas-flowers: 30}"
    )
    text = text.replace("    honoured_by: rosas-flowers\n", "    honoured_by: bakery\n", 1)
    yaml_path.write_text(text, encoding="utf-8")
    (campaign_copy / "video/main.mp4").write_bytes(b"garbage" * 50)

    result = run_cli(["validate", str(campaign_copy)], cwd=campaign_copy.parent)

    assert result.returncode == 2, result.stdout + result.stderr
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    assert f"{yaml_path}:" in output
    for expected in ("sums to 90%", "'bakery'", "main.mp4", "fix:"):
        assert expected in output, expected


def test_bad_yaml_syntax_exits_2_without_traceback(campaign_copy: Path) -> None:
    (campaign_copy / "campaign.yaml").write_text("title: [unclosed\npartners: 3\n", encoding="utf-8")
    result = run_cli(["validate", str(campaign_copy)], cwd=campaign_copy.parent)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "campaign.yaml:2" in result.stderr and "not valid YAML" in result.stderr


def test_validate_json_for_scripts(campaign_copy: Path, tmp_path: Path) -> None:
    empty_home = {"JOINTCAMPAIGN_HOME": str(tmp_path / "home-without-models")}
    result = run_cli(["validate", str(campaign_copy), "--json"], cwd=campaign_copy.parent, env=empty_home)
    report = json.loads(result.stdout)
    assert report["partners"] == ["corner-cafe", "rosas-flowers"]
    assert report["blockers"][0]["deliverable"] == "review-es"
    # No models are installed in this test's home, so every language is reported with the install command.
    assert result.returncode == 2
    assert all("jointcampaign models install" in e["fix"] for e in report["errors"])


def test_not_a_folder(tmp_path: Path) -> None:
    result = run_cli(["validate", str(tmp_path / "nope")], cwd=tmp_path)
    assert result.returncode == 2
    assert "is not a folder" in result.stderr and "Traceback" not in result.stderr


def test_run_on_bad_input_exits_2_and_writes_nothing(campaign_copy: Path, tmp_path: Path) -> None:
    (campaign_copy / "campaign.yaml").write_text("title: x\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli(["run", str(campaign_copy), "--out", str(out)], cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_validate_draws_a_safe_zone_frame_per_aspect(campaign_copy: Path, tmp_path: Path, demo_home: Path) -> None:
    from PIL import Image

    yaml_path = campaign_copy / "campaign.yaml"
    text = yaml_path.read_text(encoding="utf-8")
    yaml_path.write_text(text.replace('aspects: ["16:9"]', 'aspects: ["16:9", "9:16"]\n  platforms: [tiktok]'),
                         encoding="utf-8")  # fmt: skip
    frames = tmp_path / "frames"
    env = {"JOINTCAMPAIGN_HOME": str(demo_home), "JOINTCAMPAIGN_RENDER_HEIGHT": "180"}
    result = run_cli(["validate", str(campaign_copy), "--frames", str(frames), "--json"], cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    written = [Path(p) for p in json.loads(result.stdout)["frames"]]
    assert sorted(p.name for p in written) == sorted(p.name for p in frames.iterdir()) == [
        "safe-zones-16x9-rtl.png", "safe-zones-16x9.png", "safe-zones-9x16-rtl.png", "safe-zones-9x16.png"]
    with Image.open(frames / "safe-zones-9x16.png") as image:
        assert image.size == (180, 320)
    shown = run_cli(["validate", str(campaign_copy), "--frames", str(frames)], cwd=tmp_path, env=env)
    assert "Platforms" in shown.stdout and "tiktok" in shown.stdout
    assert f"Safe-zone frame: {frames / 'safe-zones-9x16.png'}" in shown.stdout.replace("\n", "")


def test_a_warning_is_told_apart_from_an_error_without_colour(campaign_copy: Path, demo_home: Path) -> None:
    # The fixture's 3 s clip is shorter than the demo subtitles: a warning, and the folder is valid.
    # Piped into a file or read without colour, a warning marked like an error ("✗") would look
    # like a reason the campaign cannot run.
    env = {"JOINTCAMPAIGN_HOME": str(demo_home)}
    result = run_cli(["validate", str(campaign_copy)], cwd=campaign_copy.parent, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Valid." in result.stdout
    marks = [line for line in result.stderr.splitlines() if line.endswith("video/main.srt:6")]
    assert len(marks) == 1 and marks[0].startswith("! warning: "), result.stderr
    assert "✗" not in result.stderr
