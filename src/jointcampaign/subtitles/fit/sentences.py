"""Merge cues into the sentences they were cut from, so whole sentences get translated.

A sentence ends at sentence-final punctuation, at a pause, or when it grows too long to be
one translation unit. Each group's time ends the minimum gap before the next group starts;
a group that this would squeeze to nothing merges into the next one instead. That is what
lets the re-timer promise disjoint, gapped output without leaving a group's own time span.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from jointcampaign.subtitles.model import Cue
from jointcampaign.subtitles.qc.textmetrics import join_lines

_SENTENCE_END = re.compile(r"[.!?…。！？｡।॥؟۔]+[\"'”’»)\]」』）]*$")
_DIALOGUE_LINE = re.compile(r"^\s*[-–—]\s*\S")
MAX_PAUSE_MS = 1500  # a longer silence between cues ends the sentence even without a full stop
MAX_GROUP_MS = 20_000  # keep translation units short enough to re-time sensibly


@dataclass(frozen=True)
class SentenceGroup:
    cues: tuple[Cue, ...]
    text: str
    start_ms: int
    end_ms: int  # already pulled back to leave the minimum gap before the next group
    dialogue: bool = False  # lines are separate speakers ("- Hi." / "- Hello."): keep them apart

    @property
    def span_ms(self) -> int:
        return self.end_ms - self.start_ms


def to_ms(seconds: float) -> int:
    return round(seconds * 1000)


def ends_sentence(text: str) -> bool:
    return _SENTENCE_END.search(text.rstrip()) is not None


def is_dialogue(cue: Cue) -> bool:
    lines = cue.lines
    return len(lines) > 1 and all(_DIALOGUE_LINE.match(line) for line in lines)


def group_sentences(
    cues: Sequence[Cue], lang: str, min_gap_ms: int, min_duration_ms: int
) -> list[SentenceGroup]:
    """Groups in time order. Cues without text or without duration are left out: there is
    nothing to translate, or it was never on screen."""
    shown = (cue for cue in cues if cue.text.strip() and to_ms(cue.end) > to_ms(cue.start))
    spoken = sorted(shown, key=lambda cue: (cue.start, cue.end))
    runs: list[list[Cue]] = []
    for cue in spoken:
        if runs and _continues(runs[-1], cue):
            runs[-1].append(cue)
        else:
            runs.append([cue])
    runs = _merge_crowded(runs, min_gap_ms, min_duration_ms)
    groups = []
    for position, run in enumerate(runs):
        end_ms = max(to_ms(cue.end) for cue in run)
        if position + 1 < len(runs):
            end_ms = min(end_ms, to_ms(runs[position + 1][0].start) - min_gap_ms)
        dialogue = len(run) == 1 and is_dialogue(run[0])
        text = "\n".join(run[0].lines) if dialogue else join_lines([cue.text for cue in run], lang)
        groups.append(SentenceGroup(tuple(run), text, to_ms(run[0].start), end_ms, dialogue))
    return groups


def _continues(run: list[Cue], cue: Cue) -> bool:
    run_end_ms = max(to_ms(member.end) for member in run)
    if is_dialogue(cue) or is_dialogue(run[-1]) or ends_sentence(run[-1].text):
        return False
    if to_ms(cue.start) - run_end_ms > MAX_PAUSE_MS:
        return False
    return to_ms(cue.end) - to_ms(run[0].start) <= MAX_GROUP_MS


def _merge_crowded(runs: list[list[Cue]], min_gap_ms: int, min_duration_ms: int) -> list[list[Cue]]:
    """Merge a run into the next when leaving the gap would squeeze it to under half its length
    (or half the minimum duration, for runs that were short anyway)."""
    merged: list[list[Cue]] = []
    for run in runs:
        if merged:
            previous = merged[-1]
            usable = to_ms(run[0].start) - min_gap_ms - to_ms(previous[0].start)
            if usable < 0.5 * min(min_duration_ms, _natural_span(previous)):
                previous.extend(run)
                continue
        merged.append(run)
    return merged


def _natural_span(run: list[Cue]) -> int:
    return max(1, max(to_ms(cue.end) for cue in run) - to_ms(run[0].start))
