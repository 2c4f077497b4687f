"""Turn parsed cues into valid Cues, repairing what real files get wrong and saying so."""

from __future__ import annotations

from dataclasses import dataclass

from jointcampaign.subtitles.findings import Findings
from jointcampaign.subtitles.model import Cue


@dataclass
class RawCue:
    """A cue as found in the file, before its timing is checked."""

    start_ms: int
    end_ms: int
    text: str
    markup: str
    line: int  # the line of the timing, 1-based


def finish_cues(raw_cues: list[RawCue], findings: Findings) -> list[Cue]:
    for raw in raw_cues:
        _check_timing(raw, findings)
        if not raw.text:
            findings.warn(
                "empty",
                raw.line,
                "cue has no text; it is kept as an empty cue",
                "delete the cue or give it text in your subtitle editor",
            )
    ordered = sorted(raw_cues, key=lambda raw: raw.start_ms)  # stable: simultaneous cues keep order
    moved = [new for old, new in zip(raw_cues, ordered, strict=True) if old is not new]
    if moved:
        first_moved = moved[0]
        findings.warn(
            "order",
            first_moved.line,
            "cues are not in time order; they were sorted by start time",
            "sort the cues by start time in your subtitle editor",
        )
    _warn_overlaps(ordered, findings)
    return [
        Cue(index=position, start=raw.start_ms / 1000, end=raw.end_ms / 1000, text=raw.text,
            markup=raw.markup, source_line=raw.line)
        for position, raw in enumerate(ordered, start=1)
    ]  # fmt: skip


def _check_timing(raw: RawCue, findings: Findings) -> None:
    if raw.end_ms < raw.start_ms:
        findings.warn(
            "negative",
            raw.line,
            "cue ends before it starts; its end was set to its start (zero duration)",
            "correct the end time of the cue",
        )
        raw.end_ms = raw.start_ms
    elif raw.end_ms == raw.start_ms:
        findings.warn(
            "zero",
            raw.line,
            "cue starts and ends at the same time, so it is never shown",
            "give the cue a duration or delete it",
        )


def _warn_overlaps(ordered: list[RawCue], findings: Findings) -> None:
    latest_end = -1
    for raw in ordered:
        if raw.start_ms < latest_end:
            findings.warn(
                "overlap",
                raw.line,
                "cue starts before the previous cue ends; both are kept and shown together",
                "if they are not meant to be on screen together, move the start after the previous end",
            )
        latest_end = max(latest_end, raw.end_ms)
