"""Benchmark: read → translate → re-time → write of a 300-cue English subtitle file, per demo language.

The file is generated from the demo phrase tables' sentences (the only English the demo models know),
one sentence per cue, timed as subtitlers time a source meant for translation (about 12 characters per
second, leaving room for longer languages): 1.2–6 s cues and 80–700 ms gaps. For each language it
prints cues/second for the whole path (model time included) and the share of output cues within that
language's readability rules (goal: ≥ 99%; the rest are flagged in QC). Run with the demo models
installed (`make demo-models`): .venv/bin/python bench/subtitles.py
"""

from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path

from jointcampaign.pipeline.subtitle_stage import translate_subtitle_file
from jointcampaign.settings import Settings
from jointcampaign.subtitles.model import Cue
from jointcampaign.subtitles.writer import write_srt
from jointcampaign.translate.argos_engine import ArgosTranslator
from jointcampaign.translate.model_builder import demo_tables, load_phrase_table

LANGUAGES = ["es", "vi", "ar", "hi", "zh-Hans"]
CUES = 300


def known_sentences() -> list[str]:
    table = next(path for path in demo_tables() if path.stem == "en-es")
    return [source for source, _ in load_phrase_table(table) if source.rstrip()[-1:] in ".!?"]


def generated_file(path: Path, seed: int = 7) -> None:
    rng = random.Random(seed)
    sentences = known_sentences()
    cues, clock = [], 0.5
    for index in range(1, CUES + 1):
        text = rng.choice(sentences)
        duration = max(1.2, min(6.0, len(text) / 12 + rng.uniform(0.2, 0.8)))
        cues.append(Cue(index=index, start=round(clock, 3), end=round(clock + duration, 3), text=text))
        clock += duration + rng.uniform(0.08, 0.7)
    write_srt(cues, path)


def main() -> None:
    settings = Settings.from_env()
    settings.export_to_environment()
    engine = ArgosTranslator(settings.models_dir, threads=settings.threads, beam_size=settings.beam_size)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        source = work / "generated.en.srt"
        generated_file(source)
        print(f"{CUES}-cue English file; read → translate → re-time → write SRT + VTT, demo models")
        print(f"{'language':<9} {'cues/s':>8} {'seconds':>8} {'out cues':>9} {'within rules':>13}")
        for language in LANGUAGES:
            started = time.perf_counter()
            result = translate_subtitle_file(
                source, engine, "en", language, work / f"{language}.srt", work / f"{language}.vtt"
            )
            elapsed = time.perf_counter() - started
            summary = result.localized.summary
            print(
                f"{language:<9} {CUES / elapsed:>8.0f} {elapsed:>8.2f} {summary.total:>9} "
                f"{summary.percent_within:>12.1f}%"
            )


if __name__ == "__main__":
    main()
