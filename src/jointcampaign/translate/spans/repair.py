"""Translate segments so their protected spans survive: verify first, repair only what failed.

Small or phrase-trained models reproduce brand names inside whole memorised sentences and fall
apart when names are swapped for tokens, so each segment is first translated as it is. Only a
segment whose output misses a span goes down the repair ladder, each rung one engine batch for
all segments still failing:

1. swap identifiable mistranslations (another code, another price, an untranslated glossary term);
2. translate again with the spans masked as `⟦n⟧` tokens, then put them back;
3. translate the text between the spans piece by piece and join it around the untouched spans.

The best candidate wins (fewest missing, then fewest unexpected spans, then the earliest rung),
and every segment that needed a repair becomes a finding for the QC report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from jointcampaign.translate.protocol import Translator
from jointcampaign.translate.spans.protect import (
    ProtectionRules,
    Span,
    can_mask,
    find_spans,
    fragments,
    join_glued,
    mask,
    needs_translation,
    unmask,
)
from jointcampaign.translate.spans.verify import Verdict, substitute, verify

Repair = Literal["none", "substituted", "masked", "fragments"]
_CLIP = 70
_REPAIRS = {
    "none": "nothing",
    "substituted": "swapping in the right term",
    "masked": "translating again with the terms masked",
    "fragments": "translating the text around the terms",
}


@dataclass(frozen=True)
class SpanFinding:
    """A segment whose machine output did not keep every protected span at first."""

    segment: str
    output: str
    problems: tuple[str, ...]  # what the first translation got wrong: "missing CAFE10", "unexpected 15%"
    repair: Repair  # what fixed it, or "none"
    remaining: tuple[str, ...] = ()  # still wrong in `output`; empty means repaired

    @property
    def repaired(self) -> bool:
        return not self.remaining

    def note(self) -> str:
        if self.repaired:
            return (
                f"repaired «{_clip(self.segment)}» ({'; '.join(self.problems)}) by "
                f"{_REPAIRS[self.repair]}: check the wording"
            )
        return f"NOT REPAIRED: «{_clip(self.segment)}» → «{_clip(self.output)}»: {'; '.join(self.remaining)}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "segment": self.segment,
            "output": self.output,
            "problems": list(self.problems),
            "repair": self.repair,
            "remaining": list(self.remaining),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SpanFinding:
        return cls(
            segment=str(data["segment"]),
            output=str(data["output"]),
            problems=tuple(data["problems"]),
            repair=data["repair"],
            remaining=tuple(data["remaining"]),
        )


@dataclass
class ProtectedResult:
    text: str
    finding: SpanFinding | None = None
    score: float | None = None  # the engine's score for the pass the text came from (None: unknown)

    @property
    def repair(self) -> Repair:
        return self.finding.repair if self.finding is not None else "none"

    @property
    def remaining(self) -> tuple[str, ...]:
        return self.finding.remaining if self.finding is not None else ()


@dataclass
class ProtectedBatch:
    results: list[ProtectedResult]
    notes: list[str] = field(default_factory=list)  # the engine's own notes (pivots...)
    engine_calls: int = 0


@dataclass
class _Work:
    source: str
    spans: list[Span]
    first: Verdict
    best: str
    best_verdict: Verdict
    repair: Repair = "none"
    score: float | None = None

    def offer(self, candidate: str, verdict: Verdict, repair: Repair, score: float | None = None) -> None:
        if verdict.badness < self.best_verdict.badness:
            self.best, self.best_verdict, self.repair, self.score = candidate, verdict, repair, score


def translate_protected(
    engine: Translator, texts: Sequence[str], source: str, target: str, rules: ProtectionRules
) -> ProtectedBatch:
    """One output per text, with the ladder above applied to the segments that need it."""
    if not texts:
        return ProtectedBatch(results=[])
    all_spans = [find_spans(text, rules) for text in texts]
    # Rule-based engines (Apertium) translate every word they know, names and links included,
    # and keep `⟦n⟧` tokens as they are: for them masking is the first pass, not a repair.
    pick = getattr(engine, "engine_for_pair", None)  # a router: ask the engine it picks for the pair
    masked_first = bool(getattr(pick(source, target) if pick else engine, "prefers_masks", False))
    asked = [
        mask(text, spans) if masked_first and spans and can_mask(text) else text
        for text, spans in zip(texts, all_spans, strict=True)
    ]
    first = engine.translate_batch(asked, source, target)
    notes, calls = list(first.notes), 1
    work: list[_Work] = []
    for text, spans, output, score in zip(texts, all_spans, first.texts, _scores(first.scores, len(texts)), strict=True):
        output = unmask(output, spans) if masked_first and spans and can_mask(text) else output
        verdict = verify(spans, output, rules)
        work.append(_Work(text, spans, verdict, output, verdict, score=score))
    _try_substitution(work, rules, "none")
    failing = [item for item in work if not item.best_verdict.ok and item.spans and can_mask(item.source)]
    if failing:
        masked = engine.translate_batch([mask(item.source, item.spans) for item in failing], source, target)
        calls += 1
        for item, output, score in zip(failing, masked.texts, _scores(masked.scores, len(failing)), strict=True):
            candidate = unmask(output, item.spans)
            item.offer(candidate, verify(item.spans, candidate, rules), "masked", score)
        _try_substitution(failing, rules, "masked")
    failing = [item for item in work if item.best_verdict.missing]
    if failing:
        calls += _translate_around_spans(engine, failing, source, target, rules)
    return ProtectedBatch(results=[_result(item) for item in work], notes=notes, engine_calls=calls)


def _try_substitution(work: Sequence[_Work], rules: ProtectionRules, after: Repair) -> None:
    for item in work:
        if item.best_verdict.ok:
            continue
        swapped = substitute(item.spans, item.best, rules)
        if swapped is not None:
            repair: Repair = "substituted" if after == "none" else after
            item.offer(swapped, verify(item.spans, swapped, rules), repair, item.score)


def _translate_around_spans(
    engine: Translator, work: Sequence[_Work], source: str, target: str, rules: ProtectionRules
) -> int:
    layouts = [fragments(item.source, item.spans) for item in work]
    pieces = list(
        dict.fromkeys(
            piece.strip()
            for layout in layouts
            for piece in layout
            if isinstance(piece, str) and needs_translation(piece)
        )
    )
    translated: dict[str, str] = {}
    scores: dict[str, float | None] = {}
    if pieces:
        batch = engine.translate_batch(pieces, source, target)
        translated = dict(zip(pieces, batch.texts, strict=True))
        scores = dict(zip(pieces, _scores(batch.scores, len(pieces)), strict=True))
    for item, layout in zip(work, layouts, strict=True):
        joined: list[str] = []
        for index, piece in enumerate(layout):
            if isinstance(piece, Span):
                text = piece.replacement
            elif needs_translation(piece):
                core = piece.strip()
                lead, trail = piece[: len(piece) - len(piece.lstrip())], piece[len(piece.rstrip()) :]
                text = lead + translated[core].strip() + trail
            else:
                text = piece
            # A span touching translated letters would read as one longer tag, handle or word
            # (`#MapleBloomsخصم`), whatever the scripts: keep them apart.
            touching = index > 0 and isinstance(piece, Span) != isinstance(layout[index - 1], Span)
            if touching and joined and joined[-1] and text and joined[-1][-1].isalnum() and text[0].isalnum():
                text = " " + text
            joined.append(text)
        candidate = join_glued(joined)
        own = [scores[p.strip()] for p in layout if isinstance(p, str) and needs_translation(p)]
        known = [score for score in own if score is not None]
        item.offer(candidate, verify(item.spans, candidate, rules), "fragments", min(known) if known else None)
    return 1 if pieces else 0


def _scores(scores: Sequence[float | None], count: int) -> list[float | None]:
    """An engine's scores, or None for each text when it gives none."""
    return list(scores) if len(scores) == count else [None] * count


def _result(item: _Work) -> ProtectedResult:
    if item.first.ok:
        return ProtectedResult(item.best, score=item.score)
    finding = SpanFinding(
        segment=item.source,
        output=item.best,
        problems=item.first.describe(),
        repair=item.repair,
        remaining=item.best_verdict.describe(),
    )
    return ProtectedResult(item.best, finding, item.score)


def _clip(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _CLIP else flat[: _CLIP - 1] + "…"
