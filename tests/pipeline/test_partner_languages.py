"""Each partner's bundle holds its own community's languages; only what some bundle needs is made."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PIL import Image

from jointcampaign.errors import UserInputError
from jointcampaign.pipeline.plan import plan_run
from jointcampaign.pipeline.validate import ValidationReport, validate_campaign


def validate(folder: Path) -> ValidationReport:
    return validate_campaign(folder, lambda source, target: True)


def edit(folder: Path, old: str, new: str) -> None:
    path = folder / "campaign.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in campaign.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_demo_partners_get_only_their_own_languages(
    campaign_copy: Path, tmp_path: Path, demo_length_video: Path
) -> None:
    shutil.copy(demo_length_video, campaign_copy / "video" / "main.mp4")  # the demo's subtitles fit it
    report = validate(campaign_copy)
    assert report.ok and not report.warnings, [p.render() for p in report.errors + report.warnings]
    plan = plan_run(report, tmp_path / "out")
    assert plan.languages == ["es", "vi", "ar", "hi", "zh-Hans"]
    assert plan.languages_of("corner-cafe") == ["es", "vi", "zh-Hans"]
    assert plan.languages_of("rosas-flowers") == ["es", "ar", "hi"]
    assert {lang: plan.partners_for(lang) for lang in plan.languages} == {
        "es": ["corner-cafe", "rosas-flowers"], "vi": ["corner-cafe"], "ar": ["rosas-flowers"],
        "hi": ["rosas-flowers"], "zh-Hans": ["corner-cafe"]}
    cuts = sum(len(plan.partners_for(lang)) * len(plan.aspects) for lang in plan.languages)
    assert cuts == 6


def test_a_partner_listing_no_languages_gets_all_of_them(campaign_copy: Path, tmp_path: Path) -> None:
    edit(campaign_copy, "    languages: [es, ar, hi]\n", "")
    plan = plan_run(validate(campaign_copy), tmp_path / "out")
    assert plan.languages_of("rosas-flowers") == ["es", "vi", "ar", "hi", "zh-Hans"]
    assert plan.languages_of("corner-cafe") == ["es", "vi", "zh-Hans"]


def test_a_language_no_partner_asked_for_is_a_warning_and_is_not_made(campaign_copy: Path,
                                                                      tmp_path: Path) -> None:
    edit(campaign_copy, "languages: [es, vi, ar, hi, zh-Hans]", "languages: [es, vi, ar, hi, zh-Hans, fr]")
    report = validate(campaign_copy)
    assert report.ok, [p.render() for p in report.errors]
    [warning] = [w for w in report.warnings if "no partner asked for" in w.message]
    assert "'fr'" in warning.message and warning.field == "languages[5]"
    assert warning.line is not None and "partner" in warning.fix
    assert "fr" not in plan_run(report, tmp_path / "out").languages
    with pytest.raises(UserInputError, match="no partner's bundle holds"):
        plan_run(report, tmp_path / "out", ["fr"])


def test_a_partner_language_outside_the_campaign_is_a_warning(campaign_copy: Path, tmp_path: Path) -> None:
    edit(campaign_copy, "languages: [es, ar, hi]", "languages: [es, ar, hi, fa]")
    report = validate(campaign_copy)
    assert report.ok
    [problem] = [p for p in report.warnings if "'fa'" in p.message]
    assert "will not hold it" in problem.message
    assert "fa" not in plan_run(report, tmp_path / "out").languages_of("rosas-flowers")
    assert problem.field == "partners[1].languages[3]"
    assert "add fa to languages:" in problem.fix


def test_a_bundle_payload_holds_only_its_partners_languages(campaign_copy: Path, tmp_path: Path) -> None:
    import datetime as dt
    import json

    from jointcampaign.pipeline.bundle_stage import stage_payload
    from jointcampaign.pipeline.results import (
        CopyOutcome,
        CutOutcome,
        RunOutcome,
        StageFailure,
        SubtitleOutcome,
    )

    report = validate(campaign_copy)
    plan = plan_run(report, tmp_path / "out")
    made = tmp_path / "made"
    made.mkdir()
    outcome = RunOutcome()
    for lang in plan.languages:
        piece = made / f"post-{lang}.md"
        piece.write_text(f"post in {lang}", encoding="utf-8")
        srt, vtt = made / f"{lang}.srt", made / f"{lang}.vtt"
        srt.write_text("1\n00:00:00,000 --> 00:00:01,000\nx\n", encoding="utf-8")
        vtt.write_text("WEBVTT\n", encoding="utf-8")
        outcome.copies.append(CopyOutcome(language=lang, pieces={"post": piece}))
        outcome.subtitles.append(SubtitleOutcome(lang, "street-video", srt, vtt, cue_count=1))
        for partner in plan.partners_for(lang):
            video, poster = made / f"{partner}-{lang}.mp4", made / f"{partner}-{lang}.jpg"
            video.write_bytes(b"video")
            Image.new("RGB", (640, 360), (40, 110, 60)).save(poster)  # the QC report draws over it
            outcome.cuts.append(CutOutcome(partner, lang, "16:9", video, poster, probe={}))
    outcome.failures.append(StageFailure(stage="copy", message="broke", language="ar"))
    payload = stage_payload(plan.loaded, plan.layout, "corner-cafe", plan.languages_of("corner-cafe"), outcome,
                            plan.blockers, dt.date(2026, 11, 21))
    assert sorted(p.name for p in (payload / "copy").iterdir()) == ["es", "vi", "zh-Hans"]
    assert sorted(p.name for p in (payload / "video").iterdir()) == ["es", "vi", "zh-Hans"]
    assert sorted(p.stem for p in (payload / "subtitles").glob("*.srt")) == ["es", "vi", "zh-Hans"]
    manifest = json.loads((payload / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["languages"] == ["es", "vi", "zh-Hans"]
    assert manifest["failures"] == []  # Arabic is not the café's language
    brief = (payload / "brief.html").read_text(encoding="utf-8")
    assert "This bundle holds es, vi, zh-Hans" in brief
    qc = (payload / "qc.html").read_text(encoding="utf-8")
    assert ">ar<" not in qc and ">hi<" not in qc and ">vi<" in qc
