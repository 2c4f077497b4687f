"""Benchmark: translating a 500-segment campaign per language pair with the demo models, cold and warm.

Segments are the demo phrase table's sentences, then pairs of them (every segment distinct, as in
real copy where sentences recur across pieces). Per pair it prints:
  - the bare engine's segments/second (ArgosTranslator alone, one batch);
  - the campaign translator's segments/second on a cold translation memory (protected-span
    checks, repairs and memory writes included);
  - the same on a warm memory (a rerun of the unchanged campaign: no machine translation) and the
    speed-up over cold.
With --repeat N each measurement runs N times and the fastest counts. Needs the demo models
(`make demo-models`). Run: .venv/bin/python bench/translate.py
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from jointcampaign.settings import Settings
from jointcampaign.spec.models import Glossary
from jointcampaign.translate.argos_engine import ArgosTranslator
from jointcampaign.translate.localizing import LocalizingTranslator
from jointcampaign.translate.memory import TranslationMemory
from jointcampaign.translate.model_builder import demo_tables, load_phrase_table
from jointcampaign.translate.model_store import find_model
from jointcampaign.translate.sentences import split_sentences

TARGETS = {"es": "es", "vi": "vi", "ar": "ar", "hi": "hi", "zh": "zh-Hans"}
GLOSSARY = Glossary(keep=["Corner Café", "Rosa's Flowers", "Maple Street"])
CODES = ["CAFE10", "BLOOM10"]


def campaign_segments(target: str, count: int) -> list[str]:
    table = next(path for path in demo_tables() if path.stem == f"en-{target}")
    sentences = [source for source, _ in load_phrase_table(table)]
    segments = list(sentences)
    step = 1
    while len(segments) < count:
        segments += [f"{a} {b}" for a, b in zip(sentences, sentences[step:], strict=False)]
        step += 1
    return segments[:count]


def fastest(repeat: int, run: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return best


def measure(engine: ArgosTranslator, segments: list[str], tag: str, scratch: Path, repeat: int) -> str:
    engine.translate_batch(segments[:8], "en", tag)  # load the model outside the timings
    memories: list[TranslationMemory] = []

    def translator(memory: TranslationMemory) -> LocalizingTranslator:
        return LocalizingTranslator(engine, glossary=GLOSSARY, offer_codes=CODES, memory=memory)

    def cold_run() -> None:
        memories.append(TranslationMemory(scratch / f"{tag}-{len(memories)}.sqlite"))
        translator(memories[-1]).translate_batch(segments, "en", tag)

    bare = fastest(repeat, lambda: engine.translate_batch(segments, "en", tag))
    cold = fastest(repeat, cold_run)
    warm = fastest(repeat, lambda: translator(memories[-1]).translate_batch(segments, "en", tag))
    n = len(segments)
    distinct = len({sentence for segment in segments for sentence in split_sentences(segment)})
    return f"{n / bare:13.0f} {n / cold:11.0f} {n / warm:11.0f} {cold / warm:9.1f}×  ({distinct} distinct sentences)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    settings = Settings.for_process()
    engine = ArgosTranslator(settings.models_dir, threads=settings.threads, beam_size=1)
    print(f"{args.segments} segments per pair, {settings.threads} threads, fastest of {args.repeat}")
    print(f"{'pair':8} {'engine seg/s':>13} {'cold seg/s':>11} {'warm seg/s':>11} {'warm/cold':>10}")
    with tempfile.TemporaryDirectory() as scratch:
        for code, tag in TARGETS.items():
            if find_model(settings.models_dir, "en", code) is None:
                print(f"en→{code}: no model installed (run `make demo-models`)")
                continue
            segments = campaign_segments(code, args.segments)
            print(f"en→{code:5} " + measure(engine, segments, tag, Path(scratch), args.repeat))


if __name__ == "__main__":
    main()
