"""WebVTT following the W3C parsing rules where they are lenient, and forgiving the common
deviations (SRT-style commas, missing milliseconds) with a warning where they are not."""

from __future__ import annotations

import re

from jointcampaign.subtitles.findings import Findings
from jointcampaign.subtitles.read.cueblocks import ARROW, read_timing, split_blocks
from jointcampaign.subtitles.read.markup import vtt_plain_text
from jointcampaign.subtitles.repair import RawCue

SIGNATURE = re.compile(r"WEBVTT(?=$|[ \t])")
_SKIPPED_BLOCK = re.compile(r"(?:NOTE(?:$|[ \t])|STYLE[ \t]*$|REGION[ \t]*$)")
# Old drafts of WebVTT (and tools that follow them) put "Region: ..." settings after the header.
_HEADER_SETTING = re.compile(r"[A-Za-z][\w-]*:[ \t]*\S")


def parse_vtt(text: str, findings: Findings) -> list[RawCue]:
    lines = text.split("\n")
    body_start = _skip_header(lines, findings)
    cues: list[RawCue] = []
    for block in split_blocks(lines[body_start:], first_line=body_start + 1):
        positions = block.timing_positions()
        if _SKIPPED_BLOCK.match(block.lines[0]) and not positions:
            continue  # comments and style sheets: nothing to translate
        if not positions and not cues and all(_HEADER_SETTING.match(line) for line in block.lines):
            continue
        if not positions:
            findings.warn(
                "orphan",
                block.first_line,
                "text without a timing line was ignored",
                "add a timing line such as 00:01:02.500 --> 00:01:04.000 above it, or delete it",
            )
            continue
        if positions[0] > 1:
            findings.warn(
                "identifier",
                block.first_line,
                "a cue has more than one line before its timing; only the last was taken as its identifier",
                "keep at most one identifier line above each timing line",
            )
        for k, at in enumerate(positions):
            # A timing line inside cue text starts a new cue, as the WebVTT parsing rules say.
            text_end = positions[k + 1] if k + 1 < len(positions) else len(block.lines)
            timing = read_timing(block.lines[at], block.line_no(at), ".", findings)
            if timing is None:
                continue
            cue_lines = block.lines[at + 1 : text_end]
            markup = "\n".join(line.strip() for line in cue_lines)
            cues.append(
                RawCue(timing.start_ms, timing.end_ms, vtt_plain_text(cue_lines), markup, block.line_no(at))
            )
    return cues


def _skip_header(lines: list[str], findings: Findings) -> int:
    """Index of the first line after the header (signature line plus metadata up to a blank line)."""
    signature_at = next(position for position, line in enumerate(lines) if line.strip())
    signature = lines[signature_at].strip()
    if signature_at > 0:
        findings.warn(
            "signature-late",
            signature_at + 1,
            "blank lines before 'WEBVTT' were ignored",
            "start the file with WEBVTT",
        )
    if not SIGNATURE.match(signature):
        findings.warn(
            "signature",
            signature_at + 1,
            f"the first line '{signature[:40]}' should be 'WEBVTT' alone or followed by a space",
            "make the first line WEBVTT",
        )
    position = signature_at + 1
    while position < len(lines) and lines[position].strip():
        if ARROW in lines[position]:
            findings.warn(
                "header-cue",
                position + 1,
                "a cue follows the WEBVTT header without a blank line between them",
                "put a blank line after the header",
            )
            return position
        position += 1
    return position
