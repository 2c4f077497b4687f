"""How much time a translated sentence may use: its own span, widened only when reading needs it.

A translation is often longer than its source (Spanish and Vietnamese run a fifth to a third
longer than English), and a short source cue may not leave enough time to read it. Subtitlers
then let the subtitle linger after the speech (lag-out) and, failing that, appear a moment
before it (lead-in). Both come out of the silence between sentences, never out of another
sentence's time, and only as much as reading at the language's speed requires.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from jointcampaign.subtitles.qc.readability import Rules


@dataclass(frozen=True)
class TimeWindow:
    start_ms: int
    end_ms: int

    @property
    def span_ms(self) -> int:
        return self.end_ms - self.start_ms


@dataclass(frozen=True)
class Neighbours:
    """The limits set by what is around a sentence, in milliseconds (None: nothing there)."""

    previous_end_ms: int | None  # where the time of the sentence before ends, widened or not
    next_start_ms: int | None  # where the next sentence's own time begins
    media_end_ms: int | None = None  # the end of the video, when known


def time_needed_ms(reading_lengths: Sequence[float], rules: Rules) -> int:
    """Milliseconds that cues of these reading lengths need, gaps included, to meet the rules."""
    if not reading_lengths:
        return 0
    min_ms = math.ceil(rules.min_duration * 1000)
    # One millisecond of headroom per cue: durations are whole milliseconds, rounded down.
    shown = sum(max(min_ms, math.ceil(1000 * length / rules.max_cps) + 1) for length in reading_lengths)
    return shown + (len(reading_lengths) - 1) * rules.min_gap_ms


def widen(own: TimeWindow, needed_ms: int, around: Neighbours, rules: Rules) -> TimeWindow:
    """`own`, unchanged if it is long enough; else extended after it, then before it, within limits."""
    shortfall = needed_ms - own.span_ms
    if shortfall <= 0:
        return own
    latest = own.end_ms + round(rules.max_lag_out * 1000)
    if around.next_start_ms is not None:
        latest = min(latest, around.next_start_ms - rules.min_gap_ms)
    if around.media_end_ms is not None:
        latest = min(latest, around.media_end_ms)
    end_ms = max(own.end_ms, min(latest, own.end_ms + shortfall))
    shortfall -= end_ms - own.end_ms
    earliest = max(0, own.start_ms - round(rules.max_lead_in * 1000))
    if around.previous_end_ms is not None:
        earliest = max(earliest, around.previous_end_ms + rules.min_gap_ms)
    start_ms = min(own.start_ms, max(earliest, own.start_ms - max(0, shortfall)))
    return TimeWindow(start_ms, end_ms)
