"""SubRip (.srt) as real files write it: numbers missing or wrong, blank lines in odd places,
coordinates after the timing, tags from three different players, junk before and after."""

from __future__ import annotations

from dataclasses import dataclass, field

from jointcampaign.subtitles.findings import Findings
from jointcampaign.subtitles.read.cueblocks import Block, is_number, read_timing, split_blocks
from jointcampaign.subtitles.read.markup import srt_plain_text
from jointcampaign.subtitles.repair import RawCue

_FIX_TIMING = (
    "add a timing line such as 00:01:02,500 --> 00:01:04,000 under the cue number, or delete the cue"
)


@dataclass
class _State:
    findings: Findings
    cues: list[RawCue] = field(default_factory=list)
    numbers: list[int | None] = field(default_factory=list)
    text_lines: list[list[str]] = field(default_factory=list)
    # Whether the block just read ended in a cue we could keep; text glued after a cue
    # we rejected must not be attached to the cue before it.
    last_cue_ok: bool = False


def parse_srt(text: str, findings: Findings) -> list[RawCue]:
    blocks = split_blocks(text.split("\n"))
    timed = [position for position, block in enumerate(blocks) if block.timing_positions()]
    state = _State(findings)
    for position, block in enumerate(blocks):
        where = (
            "before" if not timed or position < timed[0] else "after" if position > timed[-1] else "inside"
        )
        if position in timed:
            _read_timed_block(block, state)
        else:
            _read_untimed_lines(block, 0, len(block.lines), where, state)
    for cue, lines in zip(state.cues, state.text_lines, strict=True):
        cue.markup = "\n".join(line.strip() for line in lines)
        cue.text = srt_plain_text(lines)
    _check_numbers(state)
    return state.cues


def _read_timed_block(block: Block, state: _State) -> None:
    positions = block.timing_positions()
    head_end = positions[0]
    number: int | None = None
    if head_end:
        number = _read_number_slot(block, head_end - 1, state)
        _read_untimed_lines(block, 0, head_end - 1, "inside" if state.cues else "before", state)
    for k, at in enumerate(positions):
        text_end = positions[k + 1] if k + 1 < len(positions) else len(block.lines)
        next_number: int | None = None
        if text_end < len(block.lines) and text_end - 1 > at and is_number(block.lines[text_end - 1]):
            # No blank line before the next cue: its number sits at the end of this cue's text.
            next_number = int(block.lines[text_end - 1])
            text_end -= 1
        timing = read_timing(block.lines[at], block.line_no(at), ",", state.findings)
        if timing is None:
            state.last_cue_ok = False
        else:
            if timing.trailer:
                state.findings.warn(
                    "trailer",
                    block.line_no(at),
                    f"text after the timing ('{timing.trailer}') was ignored",
                    "remove anything after the end time on timing lines",
                )
            state.cues.append(RawCue(timing.start_ms, timing.end_ms, "", "", block.line_no(at)))
            state.numbers.append(number)
            state.text_lines.append(block.lines[at + 1 : text_end])
            state.last_cue_ok = True
        number = next_number


def _read_number_slot(block: Block, at: int, state: _State) -> int | None:
    line = block.lines[at].strip()
    if is_number(line):
        return int(line)
    state.findings.warn(
        "bad-number",
        block.line_no(at),
        f"'{line}' stands where the cue number belongs; it was ignored",
        "put the cue number (1, 2, 3…) alone on the line above each timing line",
    )
    return None


def _read_untimed_lines(block: Block, begin: int, end: int, where: str, state: _State) -> None:
    """Lines that belong to no timing: junk around the cues, or text cut off by a stray blank line."""
    if begin >= end:
        return
    line_no = block.line_no(begin)
    lines = block.lines[begin:end]
    if where == "inside" and is_number(lines[0]) and len(lines) > 1:
        state.findings.error(line_no, f"cue {lines[0].strip()} has no timing line", _FIX_TIMING)
        return
    if where == "inside" and is_number(lines[0]):
        state.findings.warn(
            "lone-number", line_no, "a cue number with no cue after it was ignored", "delete the stray number"
        )
        return
    if where == "inside" and state.last_cue_ok:
        state.findings.warn(
            "split-text",
            line_no,
            "a blank line splits this cue's text; the text after it was kept in the same cue",
            "remove blank lines inside cue text (a blank line ends a cue in SRT)",
        )
        state.text_lines[-1] = [*state.text_lines[-1], *lines]
        return
    if where != "inside":
        state.findings.warn(
            f"junk-{where}",
            line_no,
            f"text {where} the cues that belongs to no cue was ignored",
            "delete it, or give it a cue number and timing line if it is dialogue",
        )


def _check_numbers(state: _State) -> None:
    numbered = [n for n in state.numbers if n is not None]
    if not numbered:
        if state.cues:
            state.findings.warn(
                "no-numbers",
                state.cues[0].line,
                "cues have no numbers; they were numbered 1, 2, 3…",
                "nothing to do, or save the file from a subtitle editor to add numbers",
            )
        return
    for expected, (number, cue) in enumerate(zip(state.numbers, state.cues, strict=True), start=1):
        if number is None:
            state.findings.warn(
                "missing-number",
                cue.line,
                "cue has no number; cues were numbered 1, 2, 3…",
                "put the cue number alone on the line above each timing line",
            )
        elif number != expected:
            state.findings.warn(
                "wrong-number",
                cue.line,
                f"cue number {number} where {expected} was expected; cues were renumbered 1, 2, 3…",
                "renumber the cues in your subtitle editor (most have a Renumber command)",
            )
