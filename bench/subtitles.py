"""Benchmark: read → translate → re-time → write of a 300-cue English subtitle file, per demo language.

The file is `jointcampaign.demo.sample_subtitles` (the demo models' sentences, timed at about 12
characters per second). For each language it prints cues/second for the whole path (model time
included), the share of output cues within that language's readability rules (goal ≥ 99%; the
rest are flagged in QC), and how many sentences had to borrow time from the silence around them.

Each timing is the best of five runs. Baseline, measured in the same run on the same engine: what a plain tool does, pysrt read → each
cue translated on its own (one batch) → pysrt write, keeping the source timing. The ratio is our
time over the baseline's; the baseline's share within rules shows what the sentence-aware path buys.
Run with the demo models installed (`make demo-models`): .venv/bin/python bench/subtitles.py
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pysrt

from jointcampaign.demo.sample_subtitles import write_sample_srt
from jointcampaign.pipeline.subtitle_stage import translate_subtitle_file
from jointcampaign.settings import Settings
from jointcampaign.subtitles.fit.boundaries import boundaries
from jointcampaign.subtitles.qc.readability import check_cues, summarize
from jointcampaign.subtitles.qc.textmetrics import reading_length
from jointcampaign.subtitles.read.reader import read_subtitles
from jointcampaign.translate.engines.argos import ArgosTranslator
from jointcampaign.translate.protocol import Translator

LANGUAGES = ["es", "vi", "ar", "hi", "zh-Hans"]
CUES = 300
REPEATS = 5


def best_of(repeats: int, run: Callable[[], object]) -> float:
    """The fastest of a few runs: the least disturbed by whatever else the machine is doing."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def cue_by_cue(source: Path, engine: Translator, language: str, out: Path) -> None:
    subs = pysrt.open(str(source), encoding="utf-8")
    texts = engine.translate_batch([item.text for item in subs], "en", language).texts
    for item, text in zip(subs, texts, strict=True):
        item.text = text
    subs.save(str(out), encoding="utf-8")


def cold_run(source: Path, engine: Translator, language: str, outputs: tuple[Path, Path]) -> None:
    reading_length.cache_clear()  # no help from an earlier repeat's measurements
    boundaries.cache_clear()
    translate_subtitle_file(source, engine, "en", language, *outputs)


def main() -> None:
    settings = Settings.for_process()
    engine = ArgosTranslator(settings.model_shelf, threads=settings.threads, beam_size=settings.beam_size)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        source = write_sample_srt(work / "generated.en.srt", CUES)
        print(f"{CUES}-cue English file; read → translate → re-time → write SRT + VTT, demo models")
        print(
            f"{'language':<9} {'cues/s':>7} {'seconds':>8} {'baseline s':>10} {'ratio':>6} {'out cues':>9} "
            f"{'within rules':>13} {'baseline within':>16} {'widened':>8} {'lag-out max':>12} {'lead-in max':>12}"
        )
        for language in LANGUAGES:
            engine.translate_batch(["Hello."], "en", language)  # load the model outside the timings
            baseline_out = work / f"{language}.baseline.srt"
            baseline = best_of(REPEATS, partial(cue_by_cue, source, engine, language, baseline_out))
            outputs = (work / f"{language}.srt", work / f"{language}.vtt")
            elapsed = best_of(REPEATS, partial(cold_run, source, engine, language, outputs))
            result = translate_subtitle_file(source, engine, "en", language, *outputs)

            localized = result.localized
            summary = localized.summary
            plain = read_subtitles(baseline_out).cues
            plain_summary = summarize(plain, check_cues(plain, language), language)
            pairs = list(zip(localized.groups, localized.windows, strict=True))
            widened = sum(
                1
                for group, window in pairs
                if (window.start_ms, window.end_ms) != (group.start_ms, group.end_ms)
            )
            lag = max((window.end_ms - group.end_ms for group, window in pairs), default=0)
            lead = max((group.start_ms - window.start_ms for group, window in pairs), default=0)
            print(
                f"{language:<9} {CUES / elapsed:>7.0f} {elapsed:>8.2f} {baseline:>10.2f} {elapsed / baseline:>5.2f}x "
                f"{summary.total:>9} {summary.percent_within:>12.1f}% {plain_summary.percent_within:>15.1f}% "
                f"{widened:>4}/{len(pairs):<3} {lag:>9} ms {lead:>9} ms"
            )


if __name__ == "__main__":
    main()
