"""Benchmark: which beam size to translate with, by quality against speed, on the installed demo models.

For each beam size (default 1, 2, 4) and each demo pair it translates every sentence of the pair's
phrase table and prints:
  - exact: the share of sentences that come out exactly as the table says (the table is the
    reference translation; the demo models were trained to reproduce it);
  - chrF: character n-gram F-score against the table (sacrebleu), so near misses count partly;
  - seg/s: segments per second of the bare engine (fastest of --repeat), and the time relative
    to beam 1 measured in the same run.
The default beam size (JOINTCAMPAIGN_BEAM_SIZE, Settings.beam_size) is chosen from this table.
Needs the demo models (`make demo-models`). Run: .venv/bin/python bench/beam.py [--beams 1,2,4,8]
"""

from __future__ import annotations

import argparse
import time

from jointcampaign.settings import Settings
from jointcampaign.translate.engines.argos import ArgosTranslator
from jointcampaign.translate.models.store import find_model
from jointcampaign.translate.training.builder import demo_tables, load_phrase_table

TARGETS = {"es": "es", "vi": "vi", "ar": "ar", "hi": "hi", "zh": "zh-Hans"}


def chrf(hypotheses: list[str], references: list[str]) -> float:
    import sacrebleu

    return float(sacrebleu.corpus_chrf(hypotheses, [references]).score)


def measure(settings: Settings, beam: int, code: str, repeat: int) -> tuple[float, float, float]:
    table = next(path for path in demo_tables() if path.stem == f"en-{code}")
    phrases = load_phrase_table(table)
    sources, references = [s for s, _ in phrases], [t for _, t in phrases]
    engine = ArgosTranslator(settings.model_shelf, threads=settings.threads, beam_size=beam)
    engine.translate_batch(sources[:4], "en", TARGETS[code])  # load the model outside the timings
    best = float("inf")
    texts: list[str] = []
    for _ in range(repeat):
        start = time.perf_counter()
        texts = engine.translate_batch(sources, "en", TARGETS[code]).texts
        best = min(best, time.perf_counter() - start)
    exact = sum(a == b for a, b in zip(texts, references, strict=True)) / len(references)
    return exact, chrf(texts, references), len(sources) / best


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--beams", default="1,2,4", help="comma-separated beam sizes (default: 1,2,4)")
    parser.add_argument("--repeat", type=int, default=3, help="time each case N times, keep the fastest")
    args = parser.parse_args()
    beams = [int(part) for part in args.beams.split(",")]
    settings = Settings.for_process()
    print(f"{settings.threads} threads, fastest of {args.repeat}")
    print(f"{'pair':7} {'beam':>4} {'exact':>7} {'chrF':>6} {'seg/s':>7} {'time vs beam 1':>15}")
    for code in TARGETS:
        if find_model(settings.model_shelf, "en", code) is None:
            print(f"en→{code}: no model installed (run `make demo-models`)")
            continue
        baseline = None
        for beam in beams:
            exact, score, speed = measure(settings, beam, code, args.repeat)
            baseline = baseline or speed
            print(f"en→{code:4} {beam:4} {exact:7.1%} {score:6.1f} {speed:7.0f} {baseline / speed:14.2f}×")


if __name__ == "__main__":
    main()
