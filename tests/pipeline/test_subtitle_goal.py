"""The readability goal on the real demo models: ≥ 99% of output cues within each language's rules,
on the demo campaign's subtitles and on the 300-cue generated English file; the rest flagged."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import pysubs2
import pytest

from jointcampaign.demo.sample_subtitles import write_sample_srt
from jointcampaign.pipeline.subtitle_stage import translate_subtitle_file
from jointcampaign.subtitles.qc.check import check_subtitle_file
from jointcampaign.subtitles.qc.readability import rules_for
from jointcampaign.translate.engines.argos import ArgosTranslator
from tests.conftest import DEMO_CAMPAIGN

pytestmark = pytest.mark.slow

LANGUAGES = ["es", "vi", "ar", "hi", "zh-Hans"]


@pytest.fixture(scope="module")
def engine(demo_models_dir: Path) -> ArgosTranslator:
    return ArgosTranslator(demo_models_dir, threads=2, beam_size=1)


@pytest.fixture(scope="module")
def sample_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_sample_srt(tmp_path_factory.mktemp("sample") / "generated.en.srt", 300)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("source", ["sample", "demo"])
def test_output_cues_meet_the_rules_of_their_language(
    engine: ArgosTranslator, sample_file: Path, tmp_path: Path, language: str, source: str
) -> None:
    path = sample_file if source == "sample" else DEMO_CAMPAIGN / "video" / "main.srt"
    result = translate_subtitle_file(
        path, engine, "en", language, tmp_path / f"{language}.srt", tmp_path / f"{language}.vtt"
    )
    summary = result.localized.summary
    assert summary.percent_within >= 99.0, (summary, result.localized.issues[:5])
    assert not result.notes  # every sentence was one the model knows, so no protection was repaired

    # What was flagged is exactly what a separate check of the written file finds (QC tells the truth).
    for written in (result.srt, result.vtt):
        check = check_subtitle_file(written, language)
        assert check.summary.within_rules == summary.within_rules and check.summary.total == summary.total
    # And an independent parser reads the same number of cues, in order, without overlaps.
    events = pysubs2.load(str(result.vtt), encoding="utf-8")
    assert len(events) == summary.total
    gap_ms = rules_for(language).min_gap_ms
    assert all(b.start - a.end >= gap_ms for a, b in itertools.pairwise(events))


def test_time_is_borrowed_only_where_reading_needs_it(
    engine: ArgosTranslator, sample_file: Path, tmp_path: Path
) -> None:
    result = translate_subtitle_file(
        sample_file, engine, "en", "es", tmp_path / "es.srt", tmp_path / "es.vtt"
    )
    localized = result.localized
    rules = rules_for("es")
    widened = [
        (group, window)
        for group, window in zip(localized.groups, localized.windows, strict=True)
        if (window.start_ms, window.end_ms) != (group.start_ms, group.end_ms)
    ]
    # Spanish runs longer than English: some short cues need more time, most do not.
    assert 0 < len(widened) < len(localized.groups) // 10
    for group, window in widened:
        needed = sum(
            len(cue.text.replace("\n", ""))
            for cue in localized.cues
            if window.start_ms <= round(cue.start * 1000) < window.end_ms
        )
        assert needed / rules.max_cps * 1000 > group.span_ms - 1  # it could not be read in its own time


def test_the_campaigns_own_rules_and_the_videos_frames_reach_the_subtitles(
    engine: ArgosTranslator, campaign_copy: Path, tmp_path: Path, demo_length_video: Path
) -> None:
    shutil.copy(demo_length_video, campaign_copy / "video" / "main.mp4")  # every demo cue inside it
    from jointcampaign.media.probe import probe
    from jointcampaign.pipeline import plan as core
    from jointcampaign.pipeline.validate import validate_campaign

    path = campaign_copy / "campaign.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("check_in:", "subtitles:\n  rules:\n    es: {max_cps: 6}\ncheck_in:", 1),
        encoding="utf-8",
    )
    plan = core.plan_run(validate_campaign(campaign_copy, lambda s, t: True), tmp_path / "out", ["es", "vi"])
    strict = core.translate_subtitles(plan, "es", engine)
    usual = core.translate_subtitles(plan, "vi", engine)
    assert strict is not None and usual is not None
    # Six characters a second is slower than any demo sentence can be read in its time.
    assert strict.readability["percent_within"] < 50 and all("at most 6" in b for b in strict.rule_breaks)
    assert usual.readability["percent_within"] == 100
    fps = probe(campaign_copy / "video" / "main.mp4").fps
    gap_ms = rules_for("vi", frame_rate=fps).min_gap_ms
    cues = pysubs2.load(str(usual.srt), encoding="utf-8")
    assert all(b.start - a.end >= gap_ms for a, b in itertools.pairwise(cues))
