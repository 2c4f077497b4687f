"""The subtitle data every other module works on: cues with times in seconds and plain text."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from jointcampaign.errors import Problem


@dataclass(frozen=True)
class Cue:
    """One subtitle on screen from `start` to `end` (seconds).

    `text` is plain: lines joined by "\\n", formatting tags removed. `markup` keeps the source
    text with its tags, and `source_line` the line of the timing in the source file, so reports
    can point back at the file; neither takes part in equality.
    """

    index: int
    start: float
    end: float
    text: str
    markup: str = field(default="", compare=False)
    source_line: int | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        # Invalid timings are repaired (with a warning) while reading, so a Cue that breaks
        # these rules is a bug in the caller, not bad input.
        if not (math.isfinite(self.start) and math.isfinite(self.end)):
            raise ValueError(f"cue {self.index}: times must be finite, got {self.start}..{self.end}")
        if self.start < 0 or self.end < self.start:
            raise ValueError(f"cue {self.index}: need 0 <= start <= end, got {self.start}..{self.end}")

    @property
    def duration(self) -> float:
        return self.end - self.start

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n") if self.text else []


@dataclass
class SubtitleDocument:
    """What a subtitle file held, plus how it was read and what had to be repaired."""

    cues: list[Cue]
    encoding: str
    format: str  # "srt", "vtt", "ass" or "ssa"
    warnings: list[Problem] = field(default_factory=list)
    path: Path | None = None
