"""Validation of broken campaign folders: every problem at once, each with file, line, field and fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from jointcampaign.errors import Problem
from jointcampaign.pipeline.validate import ValidationReport, validate_campaign


def all_models(source: str, target: str) -> bool:
    return True


def validate(folder: Path) -> ValidationReport:
    return validate_campaign(folder, all_models)


def edit(folder: Path, old: str, new: str) -> None:
    path = folder / "campaign.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in campaign.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(folder: Path, needle: str) -> int:
    lines = (folder / "campaign.yaml").read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


def only(problems: list[Problem], text: str) -> Problem:
    matching = [p for p in problems if text in p.message]
    assert len(matching) == 1, [p.render() for p in problems]
    return matching[0]


def test_demo_campaign_is_valid_and_missing_review_is_a_blocker(campaign_copy: Path) -> None:
    report = validate(campaign_copy)
    assert report.ok, [p.render() for p in report.errors]
    assert [(b.partner, b.deliverable) for b in report.blockers] == [("corner-cafe", "review-es")]


def test_bad_yaml_syntax_names_the_line(campaign_copy: Path) -> None:
    edit(campaign_copy, "languages: [es, vi, ar, hi, zh-Hans]", "languages: [es, vi, ar, hi, zh-Hans")
    report = validate(campaign_copy)
    assert not report.ok
    problem = only(report.errors, "not valid YAML")
    assert problem.file == campaign_copy / "campaign.yaml"
    assert problem.line is not None and problem.line >= line_of(campaign_copy, "languages: [es")
    assert "indentation" in problem.fix


def test_unknown_field_lists_the_allowed_ones(campaign_copy: Path) -> None:
    edit(
        campaign_copy,
        "    honoured_by: rosas-flowers\n",
        "    honoured_by: rosas-flowers\n    honored_at: x\n",
    )
    problem = only(validate(campaign_copy).errors, "unknown field 'honored_at'")
    assert problem.field == "offers[0].honored_at"
    assert problem.line == line_of(campaign_copy, "honored_at")
    assert "honoured_by" in problem.fix


def test_missing_logo(campaign_copy: Path) -> None:
    logo = campaign_copy.parents[1] / "assets/partners/rosas-flowers/logo.png"
    logo.unlink()
    problem = only(validate(campaign_copy).errors, "logo file")
    assert problem.file == logo.parent / "brand.yaml"
    assert problem.line == 5 and problem.field == "logo"
    assert str(logo) in problem.fix


def test_logo_that_is_not_an_image(campaign_copy: Path) -> None:
    (campaign_copy.parents[1] / "assets/partners/corner-cafe/logo.png").write_bytes(b"not a png")
    assert "does not open as an image" in only(validate(campaign_copy).errors, "does not open").message


def test_split_that_does_not_sum_to_100(campaign_copy: Path) -> None:
    edit(
        campaign_copy,
        "revenue: {corner-cafe: 60, rosas-flowers: 40}",
        "revenue: {corner-cafe: 60, rosas-flowers: 30}",
    )
    problem = only(validate(campaign_copy).errors, "sums to 90%")
    assert problem.field == "split.revenue"
    assert problem.line == line_of(campaign_copy, "revenue: {")
    assert "100" in problem.fix


def test_offer_naming_an_unknown_partner(campaign_copy: Path) -> None:
    edit(campaign_copy, "    honoured_by: rosas-flowers\n", "    honoured_by: bakery\n")
    problem = only(validate(campaign_copy).errors, "'bakery'")
    assert problem.field == "offers[0].honoured_by"
    assert problem.line == line_of(campaign_copy, "honoured_by: bakery")
    assert "corner-cafe" in problem.fix


def test_unreadable_video(campaign_copy: Path) -> None:
    (campaign_copy / "video/main.mp4").write_bytes(b"\x00\x01 this is not a video" * 100)
    problems = [p for p in validate(campaign_copy).errors if p.file == campaign_copy / "video/main.mp4"]
    assert problems, "an unreadable video must be reported"
    assert "MP4" in problems[0].fix


def test_unknown_language_code(campaign_copy: Path) -> None:
    edit(campaign_copy, "languages: [es, vi, ar, hi, zh-Hans]", "languages: [es, vi, klingon, hi]")
    problem = only(validate(campaign_copy).errors, "'klingon' is not a BCP 47")
    assert problem.field == "languages[2]"
    assert problem.line == line_of(campaign_copy, "klingon")
    assert "zh-Hans" in problem.fix


def test_missing_translation_model_says_how_to_install(campaign_copy: Path) -> None:
    report = validate_campaign(campaign_copy, lambda source, target: target != "vi")
    problem = only(report.errors, "no translation model installed for en→vi")
    assert "jointcampaign models install" in problem.fix


def test_every_problem_is_reported_at_once(campaign_copy: Path) -> None:
    edit(
        campaign_copy,
        "cost: {corner-cafe: 50, rosas-flowers: 50}",
        "cost: {corner-cafe: 50, rosas-flowers: 40}",
    )
    edit(campaign_copy, "    for_customers_of: rosas-flowers\n", "    for_customers_of: bakery\n")
    edit(campaign_copy, "check_in: weekly", "check_in: daily\ncolour: blue")
    (campaign_copy.parents[1] / "assets/partners/corner-cafe/logo.png").unlink()
    (campaign_copy / "copy/extra.md").write_text("Hello\n", encoding="utf-8")
    messages = [p.message for p in validate(campaign_copy).errors]
    for expected in (
        "sums to 90%",
        "'bakery'",
        "unknown field 'colour'",
        "'daily' is not allowed",
        "logo file",
        "has no owner",
    ):
        assert any(expected in m for m in messages), (expected, messages)


def test_partner_without_brand_kit(campaign_copy: Path) -> None:
    edit(campaign_copy, "  - id: rosas-flowers\n", "  - id: rosas-flower\n")
    problem = only(validate(campaign_copy).errors, "has no brand kit")
    assert problem.field == "partners[1].id"


def test_missing_deliverable_file_is_a_blocker_not_an_error(campaign_copy: Path) -> None:
    (campaign_copy / "copy/flyer.md").unlink()
    report = validate(campaign_copy)
    assert report.ok
    assert ("corner-cafe", "flyer") in [(b.partner, b.deliverable) for b in report.blockers]


@pytest.mark.parametrize("date", ["2026-13-01", "next week"])
def test_bad_dates(campaign_copy: Path, date: str) -> None:
    edit(campaign_copy, "expires: 2026-12-31", f"expires: {date}")
    problem = only(validate(campaign_copy).errors, "is not a date")
    assert "YYYY-MM-DD" in problem.fix


def test_text_no_font_can_draw_is_caught_at_validate_time(campaign_copy: Path) -> None:
    edit(campaign_copy, "  keep: [", "  fixed: {es: {receipt: \"recibo \ue000\"}}\n  keep: [")
    problem = only(validate(campaign_copy).errors, "no installed font can draw")
    assert "U+E000" in problem.message and "apt-get install" in problem.fix


def test_every_demo_script_has_a_font(campaign_copy: Path) -> None:
    from jointcampaign.render.text.script_samples import SCRIPT_SAMPLES, sample_for

    assert {sample_for(lang) for lang in ("es", "vi", "ar", "hi", "zh-Hans")} <= set(SCRIPT_SAMPLES.values())
    assert validate(campaign_copy).ok


def test_a_broken_review_file_is_caught_at_validate_time(campaign_copy: Path) -> None:
    review = campaign_copy / "review" / "es.po"
    review.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: es\\n"\n\n'
        'msgid "Bring a café receipt to Rosa\'s Flowers for 10% off with code CAFE10."\n'
        'msgstr "Trae un recibo a la floristería con el código CAFE1O."\n',
        encoding="utf-8",
    )
    problems = [p for p in validate(campaign_copy).errors if p.file == review]
    assert problems, "a review that drops the offer code must be reported"
    assert problems[0].line is not None and problems[0].fix


def test_campaign_reading_rules_are_checked_where_they_are_written(campaign_copy: Path) -> None:
    edit(
        campaign_copy,
        "check_in:",
        "subtitles:\n  rules:\n    all: {max_cps: 60}\n    fr: {max_cps: 15}\n"
        "    es: {min_duration_s: 3, max_duration_s: 2}\ncheck_in:",
    )
    errors = validate(campaign_copy).errors
    too_fast = only(errors, "less than or equal to 40")
    assert too_fast.field == "subtitles.rules.all.max_cps" and too_fast.line == line_of(campaign_copy, "all: {")
    order = only(errors, "must be less than max_duration_s")
    assert order.field == "subtitles.rules.es" and "lower min_duration_s" in order.fix


def test_campaign_reading_rules_name_target_languages(campaign_copy: Path) -> None:
    edit(campaign_copy, "check_in:", "subtitles:\n  rules:\n    fr: {max_cps: 15}\ncheck_in:")
    unknown = only(validate(campaign_copy).errors, "readability rules for 'fr'")
    assert unknown.line == line_of(campaign_copy, "fr: {") and "es, vi" in unknown.fix
    edit(campaign_copy, "fr: {max_cps: 15}", "xx-123: {max_cps: 12}")
    assert only(validate(campaign_copy).errors, "not a BCP 47 language tag").line == line_of(campaign_copy, "xx-123")


def test_campaign_reading_rules_reach_the_rules_of_each_language() -> None:
    from jointcampaign.campaign.models import SubtitleSettings
    from jointcampaign.subtitles.qc.readability import rules_for

    settings = SubtitleSettings.model_validate({"rules": {"all": {"max_cps": 15}, "zh": {"max_cps": 7}}})
    assert rules_for("es", overrides=settings.overrides_for("es")).max_cps == 15
    assert rules_for("zh-Hans", overrides=settings.overrides_for("zh-Hans")).max_cps == 7
    assert rules_for("zh-Hans", overrides=settings.overrides_for("zh-Hans")).max_chars_per_line == 16
    assert rules_for("es").max_cps == 17



def _write_subtitles(folder: Path, *cues: tuple[str, str]) -> Path:
    path = folder / "video/main.srt"
    blocks = [f"{n}\n{timing}\n{text}\n" for n, (timing, text) in enumerate(cues, 1)]
    path.write_text("\n".join(blocks), encoding="utf-8")
    return path


def test_subtitles_past_the_end_of_the_video_are_a_warning_naming_the_cue(campaign_copy: Path) -> None:
    # The fixture's video is 3 s long.
    subtitles = _write_subtitles(
        campaign_copy,
        ("00:00:00,500 --> 00:00:02,000", "Thank you, neighbour!"),
        ("00:00:02,200 --> 00:00:04,000", "Show your receipt."),
        ("00:01:00,000 --> 00:01:02,500", "This cue belongs to a longer cut."),
    )
    report = validate(campaign_copy)
    assert report.ok, [p.render() for p in report.errors]
    warning = only(report.warnings, "run past the end of main.mp4")
    assert warning.file == subtitles and warning.severity == "warning" and warning.line == 6
    assert warning.message.startswith("2 cue(s) run past the end of main.mp4 (3.0")
    assert "the first is cue 2 (2.200–4.000 s)" in warning.message and "left out" in warning.message
    assert "belongs to main.mp4" in warning.fix


def test_subtitles_inside_the_video_give_no_warning(campaign_copy: Path) -> None:
    _write_subtitles(campaign_copy, ("00:00:00,500 --> 00:00:02,500", "Thank you, neighbour!"))
    report = validate(campaign_copy)
    assert report.ok and not [p for p in report.warnings if "past the end" in p.message]


@pytest.mark.parametrize("name", ["main.ass", "main.ssa", "main.txt"])
def test_unreadable_subtitles_are_caught_at_validate_time_whatever_their_suffix(campaign_copy: Path, name: str) -> None:
    # The reader takes SSA/ASS too; a broken one used to pass validate and fail the run (exit 1,
    # bundles without video) instead of being a problem to fix first (exit 2).
    (campaign_copy / "video/main.srt").unlink()
    (campaign_copy / "video" / name).write_bytes(b"garbage\x00\x01 not subtitles")
    edit(campaign_copy, "subtitles: video/main.srt", f"subtitles: video/{name}")
    report = validate(campaign_copy)
    assert not report.ok
    assert [p.file for p in report.errors] == [campaign_copy / "video" / name]


def test_a_good_ass_file_validates(campaign_copy: Path) -> None:
    (campaign_copy / "video/main.srt").unlink()
    (campaign_copy / "video/main.ass").write_text(
        "[Script Info]\nScriptType: v4.00+\n\n[Events]\n"
        "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"
        "Dialogue: 0,0:00:00.50,0:00:02.00,Default,,0,0,0,,Thank you, neighbour!\n",
        encoding="utf-8",
    )
    edit(campaign_copy, "subtitles: video/main.srt", "subtitles: video/main.ass")
    report = validate(campaign_copy)
    assert report.ok, [p.render() for p in report.errors]
