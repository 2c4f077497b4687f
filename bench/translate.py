"""Benchmark: translating a 500-segment campaign per language pair with the demo models, cold and warm.

Segments are the demo phrase table's sentences, then pairs of them (every segment distinct, as in
real copy where sentences recur across pieces). Per pair it prints:
  - the bare engine's segments/second (ArgosTranslator alone, one batch);
  - the campaign translator's segments/second on a cold translation memory (protected-span
    checks, repairs and memory writes included);
  - the same on a warm memory (a rerun of the unchanged campaign: no machine translation) and the
    speed-up over cold.
With --repeat N each measurement runs N times and the fastest counts.

Then, whether the verdicts can be trusted (skip the speed part with --trust-only):
  - the demo campaign's own copy, subtitles and end cards (exactly the segments a run sends):
    goal ≥ 95 % `confident`;
  - bench/data/heldout_copy.txt, 60 realistic sentences that are not in the demo phrase tables:
    goal ≥ 95 % `needs_review`;
  - the confusion table (expected vs status) per language and in total;
  - the cost of judging: the localizing translator (no memory) against the same engine and
    protected-span ladder without the verdicts, fastest of --repeat; goal ≤ 20 % overhead.
Needs the demo models (`make demo-models`). Run: .venv/bin/python bench/translate.py
Exit code 1 when a goal is missed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from jointcampaign.campaign.models import Glossary
from jointcampaign.settings import Settings
from jointcampaign.translate.engines.argos import ArgosTranslator
from jointcampaign.translate.localizing import LocalizingTranslator
from jointcampaign.translate.memory import TranslationMemory
from jointcampaign.translate.models.shelf import ModelShelf
from jointcampaign.translate.models.store import find_model
from jointcampaign.translate.sentences import split_sentences
from jointcampaign.translate.status import STATUSES
from jointcampaign.translate.training.builder import demo_tables, load_phrase_table

TARGETS = {"es": "es", "vi": "vi", "ar": "ar", "hi": "hi", "zh": "zh-Hans"}
GLOSSARY = Glossary(keep=["Corner Café", "Rosa's Flowers", "Maple Street"])
CODES = ["CAFE10", "BLOOM10"]
HELDOUT = Path(__file__).parent / "data" / "heldout_copy.txt"
DEMO_CAMPAIGN = Path(__file__).resolve().parents[1] / "campaigns" / "demo-cafe-florist"


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


def heldout_copy() -> list[str]:
    """Realistic sentences the demo models never saw (checked against their tables by the tests)."""
    lines = HELDOUT.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def demo_campaign_segments(tag: str) -> list[str]:
    from jointcampaign.pipeline.review_export import campaign_segments as pipeline_segments
    from jointcampaign.pipeline.validate import validate_campaign

    loaded = validate_campaign(DEMO_CAMPAIGN, lambda s, t: True).require_ok()
    return list(dict.fromkeys(segment.text for segment in pipeline_segments(loaded, tag)))


def judge(engine: ArgosTranslator, tag: str, repeat: int) -> tuple[Counter[tuple[str, str]], float, float]:
    """Verdicts on the demo copy (expected confident) and the held-out copy (expected needs_review),
    and the time of the localizing translator with and without the verdicts."""
    from jointcampaign.pipeline.translator import protection_rules
    from jointcampaign.pipeline.validate import validate_campaign
    from jointcampaign.translate.spans.repair import translate_protected

    loaded = validate_campaign(DEMO_CAMPAIGN, lambda s, t: True).require_ok()
    translator = LocalizingTranslator(
        engine, glossary=loaded.campaign.glossary, brand_terms=GLOSSARY.keep, offer_codes=CODES
    )
    rules = protection_rules(loaded, tag)
    seen, unseen = demo_campaign_segments(tag), heldout_copy()
    confusion: Counter[tuple[str, str]] = Counter()
    for expected, texts in (("confident", seen), ("needs_review", unseen)):
        for status in translator.translate_detailed(texts, "en", tag).statuses:
            confusion[expected, status.status] += 1
    everything = seen + unseen
    without = fastest(repeat, lambda: translate_protected(engine, everything, "en", tag, rules))
    with_verdicts = fastest(repeat, lambda: translator.translate_detailed(everything, "en", tag))
    return confusion, without, with_verdicts


def confusion_table(confusion: Counter[tuple[str, str]], label: str) -> list[str]:
    lines = [f"{label:10} {'expected':13} " + " ".join(f"{status:>12}" for status in STATUSES) + "   share right"]
    for expected in ("confident", "needs_review"):
        row = [confusion[expected, status] for status in STATUSES]
        total = sum(row) or 1
        right = confusion[expected, expected] / total
        lines.append(f"{'':10} {expected:13} " + " ".join(f"{n:12d}" for n in row) + f"   {right:10.1%}")
    return lines


def trust(engine: ArgosTranslator, repeat: int, models_dir: Path | ModelShelf) -> bool:
    print("\nVerdicts on the demo campaign's copy (goal ≥ 95 % confident) and on held-out copy "
          "(goal ≥ 95 % needs_review):")  # fmt: skip
    total: Counter[tuple[str, str]] = Counter()
    timings = []
    for code, tag in TARGETS.items():
        if find_model(models_dir, "en", code) is None:
            print(f"en→{code}: no model installed (run `make demo-models`)")
            continue
        engine.translate_batch(["Coffee"], "en", tag)  # load the model outside the timings
        confusion, without, with_verdicts = judge(engine, tag, repeat)
        total.update(confusion)
        timings.append((code, without, with_verdicts))
        print("\n".join(confusion_table(confusion, f"en→{code}")))
    print("\n".join(confusion_table(total, "all")))
    seen = sum(total["confident", s] for s in STATUSES) or 1
    unseen = sum(total["needs_review", s] for s in STATUSES) or 1
    confident_share = total["confident", "confident"] / seen
    review_share = total["needs_review", "needs_review"] / unseen
    print("\nCost of the verdicts (same engine and protected-span ladder, without → with verdicts):")
    for code, without, with_verdicts in timings:
        print(f"en→{code:5} {without:7.3f} s → {with_verdicts:7.3f} s   overhead {with_verdicts / without - 1:6.1%}")
    overhead = sum(w for _, _, w in timings) / max(1e-9, sum(b for _, b, _ in timings)) - 1
    goals = [
        (f"demo copy confident {confident_share:.1%} (goal ≥ 95 %)", confident_share >= 0.95),
        (f"held-out copy needs_review {review_share:.1%} (goal ≥ 95 %)", review_share >= 0.95),
        (f"overhead of the verdicts {overhead:.1%} (goal ≤ 20 %)", overhead <= 0.20),
    ]
    for text, ok in goals:
        print(("✓ " if ok else "✗ ") + text)
    return all(ok for _, ok in goals)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--trust-only", action="store_true", help="only the verdicts and their cost")
    args = parser.parse_args()
    settings = Settings.for_process()
    engine = ArgosTranslator(settings.model_shelf, threads=settings.threads, beam_size=1)
    if not args.trust_only:
        print(f"{args.segments} segments per pair, {settings.threads} threads, fastest of {args.repeat}")
        print(f"{'pair':8} {'engine seg/s':>13} {'cold seg/s':>11} {'warm seg/s':>11} {'warm/cold':>10}")
        with tempfile.TemporaryDirectory() as scratch:
            for code, tag in TARGETS.items():
                if find_model(settings.model_shelf, "en", code) is None:
                    print(f"en→{code}: no model installed (run `make demo-models`)")
                    continue
                segments = campaign_segments(code, args.segments)
                print(f"en→{code:5} " + measure(engine, segments, tag, Path(scratch), args.repeat))
    if not trust(engine, args.repeat, settings.model_shelf):
        sys.exit(1)


if __name__ == "__main__":
    main()
