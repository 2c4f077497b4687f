"""What SRT and WebVTT share: blocks of lines separated by blank lines, and timing lines."""

from __future__ import annotations

import re
from dataclasses import dataclass

from jointcampaign.subtitles.findings import Findings
from jointcampaign.subtitles.read.timecode import TIMING_LINE, TimestampError, parse_timestamp

ARROW = "-->"
_NUMBER = re.compile(r"\d+")


@dataclass(frozen=True)
class Block:
    first_line: int  # 1-based line number of lines[0] in the file
    lines: list[str]

    def line_no(self, position: int) -> int:
        return self.first_line + position

    def timing_positions(self) -> list[int]:
        return [position for position, line in enumerate(self.lines) if ARROW in line]


@dataclass(frozen=True)
class Timing:
    start_ms: int
    end_ms: int
    trailer: str  # WebVTT cue settings, or the coordinates some SRT writers append


def is_number(line: str) -> bool:
    return _NUMBER.fullmatch(line.strip()) is not None


def split_blocks(lines: list[str], first_line: int = 1) -> list[Block]:
    """Group lines between blank lines; a line of only spaces counts as blank, as players treat it."""
    blocks: list[Block] = []
    current: list[str] = []
    start = first_line
    for offset, line in enumerate(lines):
        if line.strip():
            if not current:
                start = first_line + offset
            current.append(line)
        elif current:
            blocks.append(Block(start, current))
            current = []
    if current:
        blocks.append(Block(start, current))
    return blocks


def read_timing(line: str, line_no: int, separator: str, findings: Findings) -> Timing | None:
    """The cue's times, or None after recording why the line cannot be read."""
    example = f"00:01:02{separator}500 --> 00:01:04{separator}000"
    fix = f"write the timing as {example} (hours:minutes:seconds{separator}milliseconds)"
    match = TIMING_LINE.match(line)
    if match is None:
        findings.error(line_no, f"cannot read the timing line '{line.strip()}'", fix)
        return None
    try:
        start = parse_timestamp(match["start"], separator)
        end = parse_timestamp(match["end"], separator)
    except TimestampError as exc:
        findings.error(line_no, f"cannot read the timing line '{line.strip()}': {exc}", fix)
        return None
    for quirk in dict.fromkeys(start.quirks + end.quirks):
        if quirk == "no hours" and separator == ".":
            continue  # WebVTT allows MM:SS.mmm
        findings.warn(
            f"timestamp:{quirk}",
            line_no,
            f"timestamp with {quirk} in '{line.strip()}' was read leniently",
            f"write times as {example}",
        )
    return Timing(start.ms, end.ms, match["rest"] or "")
