"""Readability rules come from rules.yaml; checks flag each broken rule; localized output meets them."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from jointcampaign.subtitles import Cue
from jointcampaign.subtitles.fit.localize import localize_cues
from jointcampaign.subtitles.qc.check import check_subtitle_file
from jointcampaign.subtitles.qc.readability import check_cues, rules_for, summarize
from jointcampaign.subtitles.qc.textmetrics import reading_length


@pytest.mark.parametrize(
    ("lang", "line", "cps"),
    [("en", 42, 20), ("ar", 42, 20), ("hi", 42, 22), ("es", 42, 17), ("fr-CA", 42, 17), ("ru", 42, 17),
     ("zh-Hans", 16, 9), ("ko", 16, 12), ("ja", 13, 4), ("th", 35, 17)],
)  # fmt: skip
def test_rules_per_language(lang: str, line: int, cps: int) -> None:
    rules = rules_for(lang)
    assert (rules.max_chars_per_line, rules.max_cps, rules.max_lines) == (line, cps, 2)
    assert (rules.min_duration, rules.max_duration) == (0.833, 7.0)
    assert rules.min_gap_ms == 80 and rules_for(lang, frame_rate=24).min_gap_ms == 84


def test_each_rule_is_flagged_with_its_numbers() -> None:
    cues = [
        Cue(1, 0.0, 0.5, "Too short"),
        Cue(2, 0.52, 9.0, "Too long on screen"),
        Cue(3, 9.0, 10.0, "one\ntwo\nthree"),
        Cue(4, 11.0, 13.0, "This line is much longer than forty-two characters, really."),
        Cue(5, 14.0, 15.0, "Far too many characters for one second."),
    ]
    issues = check_cues(cues, "en")
    assert {(issue.index, issue.rule) for issue in issues} == {
        (1, "min_duration"), (1, "gap"), (2, "max_duration"), (2, "gap"), (3, "lines"),
        (4, "line_length"), (4, "cps"), (5, "cps"),
    }  # fmt: skip
    summary = summarize(cues, issues, "en")
    assert (summary.total, summary.within_rules, summary.percent_within) == (5, 0, 0.0)
    assert next(issue for issue in issues if issue.rule == "cps" and issue.index == 5).value == 39.0


def test_cjk_is_measured_in_character_widths() -> None:
    assert reading_length("咖啡馆", "zh") == 3 and reading_length("咖啡 ok", "zh") == 3.5
    assert reading_length("น้ำ", "th") == 2  # the tone mark takes no space of its own
    issues = check_cues([Cue(1, 0.0, 1.5, "街角咖啡馆和罗莎花店邀请您在春天")], "zh")
    assert [issue.rule for issue in issues] == ["cps"]  # 16 wide characters fit one line


_SUBJECTS = ["Our café", "The flower shop", "Rosa", "Every guest", "The morning menu", "Our baristas"]
_VERBS = ["brings you", "opens with", "shares", "welcomes you with", "celebrates", "offers"]
_OBJECTS = [
    "fresh coffee and tulips", "a free bouquet for two coffees", "20 % off on Saturday",
    "warm croissants at 8 am", "flowers from local growers", "music in the garden on Main Street",
]  # fmt: skip
_TAILS = ["", ", only this week", " every morning", ", from Monday to Friday", ", while stocks last"]


def generated_english_cues(count: int = 300, seed: int = 5) -> list[Cue]:
    """A campaign-video subtitle file: sentences over one or two cues, timed at ~14 cps."""
    rng = random.Random(seed)
    cues: list[Cue] = []
    clock = 1000
    while len(cues) < count:
        sentence = f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)}{rng.choice(_TAILS)}."
        words = sentence.split()
        halves = (
            [words]
            if len(words) < 8 or rng.random() < 0.5
            else [words[: len(words) // 2], words[len(words) // 2 :]]
        )
        for half in halves[: count - len(cues)]:
            text = " ".join(half)
            duration = max(1200, round(reading_length(text, "en") / 14 * 1000))
            cues.append(Cue(len(cues) + 1, clock / 1000, (clock + duration) / 1000, text))
            clock += duration + rng.choice([0, 40, 83, 120, 250, 500, 1500])
    return cues


def test_localized_300_cue_file_meets_the_rules() -> None:
    cues = generated_english_cues()
    before = summarize(cues, check_cues(cues, "en"), "en")
    assert before.percent_within < 50  # too-long lines and missing gaps in the source
    result = localize_cues(cues, lambda texts: texts, "en", terms=["Main Street"])
    assert result.summary.percent_within >= 99.0, result.summary
    assert all("Main Street" in cue.text.replace("\n", " ") or "Main" not in cue.text for cue in result.cues)


@pytest.mark.parametrize(
    ("lang", "unit"), [("zh", "咖啡馆"), ("ja", "カフェ"), ("ko", "카페 "), ("th", "ร้านกาแฟ ")]
)
def test_localized_cues_meet_the_rules_of_other_scripts(lang: str, unit: str) -> None:
    cues = generated_english_cues(60)
    rules = rules_for(lang)

    def translate(texts: list[str]) -> list[str]:
        # Stand-in output sized like real translations: about as long to read as the rules allow.
        return [
            unit * max(1, int(cue_seconds(text) * rules.max_cps * 0.8 / reading_length(unit, lang)))
            for text in texts
        ]

    def cue_seconds(text: str) -> float:
        return reading_length(text, "en") / 14

    result = localize_cues(cues, translate, lang)
    assert result.summary.percent_within >= 95.0, result.summary


def test_check_report_of_a_file(tmp_path: Path) -> None:
    source = tmp_path / "intro.srt"
    source.write_text("1\n00:00:01,000 --> 00:00:01,400\nHi\n\n2\n00:00:03,000 --> 00:00:05,000\nWelcome!\n")
    report = check_subtitle_file(source, "en")
    text = report.render()
    assert "cue 1 (line 2, 00:00:01,000): on screen 0.400 s; at least 0.833 s" in text
    assert text.endswith("1 of 2 cues within the en rules (50.0%)")
    data = json.loads(json.dumps(report.as_dict()))
    assert data["summary"]["percent_within"] == 50.0 and data["issues"][0]["rule"] == "min_duration"
