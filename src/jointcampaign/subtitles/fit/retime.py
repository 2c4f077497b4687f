"""Lay a translated sentence over the time its source cues had.

The translation is cut into pieces at the best boundaries (clause ends first, never inside a
protected term), and each piece gets time in proportion to how long it takes to read. All
arithmetic is in whole milliseconds, the precision SRT and WebVTT store, so the guarantees
hold in the written file: pieces stay inside the span, in order, with at least `gap_ms`
between them and a positive duration each.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from jointcampaign.subtitles.fit.linebreak import candidate_breaks, protected_spans
from jointcampaign.subtitles.qc.textmetrics import reading_length

_CLAUSE_END = frozenset(",;:、，；：—–")
_SENTENCE_END = frozenset(".!?…。！？।؟")


def max_pieces(span_ms: int, gap_ms: int, min_ms: int) -> int:
    """How many cues of at least `min_ms` (or 1 ms, if even one does not fit) fit in the span."""
    return max(1, (span_ms + gap_ms) // (max(1, min_ms) + gap_ms))


def allocate_times(
    weights: Sequence[float],
    start_ms: int,
    end_ms: int,
    gap_ms: int,
    min_ms: int = 1,
    max_ms: int | None = None,
) -> list[tuple[int, int]]:
    """(start, end) per piece: durations in proportion to `weights`, each at least `min_ms` when
    the span allows it and at most `max_ms`; a capped piece keeps its place and ends early."""
    count = len(weights)
    available = end_ms - start_ms - (count - 1) * gap_ms
    if count == 0 or available < count:
        raise ValueError(f"{count} pieces do not fit in {end_ms - start_ms} ms with {gap_ms} ms gaps")
    floor_ms = max(1, min_ms) if count * max(1, min_ms) <= available else 1
    durations = _rounded(_water_fill([max(w, 1e-9) for w in weights], available, floor_ms), available)
    times = []
    cursor = start_ms
    for duration in durations:
        shown = duration if max_ms is None else min(duration, max_ms)
        times.append((cursor, cursor + shown))
        cursor += duration + gap_ms
    return times


def _water_fill(weights: list[float], total: float, floor: float) -> list[float]:
    """Proportional shares of `total`, raising any share below `floor` to it, at the others' cost."""
    fixed: set[int] = set()
    while True:
        free_weight = sum(w for i, w in enumerate(weights) if i not in fixed)
        free_total = total - floor * len(fixed)
        shares = [floor if i in fixed else free_total * w / free_weight for i, w in enumerate(weights)]
        short = {i for i, share in enumerate(shares) if i not in fixed and share < floor}
        if not short:
            return shares
        fixed |= short


def _rounded(shares: list[float], total: int) -> list[int]:
    """Whole milliseconds summing to `total`: round down, then hand the leftover milliseconds to
    the largest fractions. Rounding down never goes below a share's (integer) floor."""
    durations = [math.floor(share) for share in shares]
    by_fraction = sorted(range(len(shares)), key=lambda i: durations[i] - shares[i])
    for i in by_fraction[: max(0, total - sum(durations))]:
        durations[i] += 1
    return durations


def split_into_pieces(text: str, count: int, lang: str, terms: Sequence[str] = ()) -> list[str]:
    """`text` cut into at most `count` pieces of even reading length, at clause ends if possible.

    Each cut is chosen near its even share of the text (within half a piece either way), where
    a clause or sentence end may pull it; fewer pieces come back when there are fewer places to
    cut. Joining the pieces with the language's word separator gives back `text`.
    """
    text = text.strip()
    if count <= 1 or not text:
        return [text] if text else []
    points = candidate_breaks(text, lang, protected_spans(text, lang, terms))
    prefix = [0.0]
    for char in text:
        prefix.append(prefix[-1] + reading_length(char, lang))
    ideal = prefix[-1] / count
    pieces: list[str] = []
    begin = 0
    for k in range(1, count):
        target = k * ideal
        usable = [p for p in points if p.cut_start > begin and abs(prefix[p.cut_start] - target) <= ideal / 2]
        if not usable:
            continue
        best = min(
            usable,
            key=lambda p: _cut_cost(prefix[p.cut_start], text[p.cut_start - 1], target, ideal) + p.penalty,
        )
        pieces.append(text[begin : best.cut_start].strip())
        begin = best.cut_end
    pieces.append(text[begin:].strip())
    return [piece for piece in pieces if piece]


def _cut_cost(position: float, last_char: str, target: float, ideal: float) -> float:
    cost = ((position - target) / max(ideal, 1.0)) ** 2
    if last_char in _SENTENCE_END:
        cost -= 0.2
    elif last_char in _CLAUSE_END:
        cost -= 0.1
    return cost


def pieces_needed(text: str, lang: str, span_ms: int, source_cues: int, max_chars: float, max_ms: int) -> int:
    """Enough pieces that each fits on screen (characters) and none needs to stay too long."""
    by_length = math.ceil(reading_length(text, lang) / max_chars) if max_chars > 0 else 1
    by_duration = math.ceil(span_ms / max_ms) if max_ms > 0 else 1
    return max(1, by_length, min(source_cues, by_duration))
