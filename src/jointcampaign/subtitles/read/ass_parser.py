"""SubStation Alpha (.ssa) and Advanced SubStation Alpha (.ass): the events, as plain cues.

Only the [Events] section matters for translation; styles, fonts and graphics are skipped
(their UU-encoded lines can look like anything, so only a well-formed header ends them).
"""

from __future__ import annotations

import re

from jointcampaign.subtitles.findings import Findings
from jointcampaign.subtitles.read.markup import decode_entities
from jointcampaign.subtitles.read.timecode import TimestampError, parse_timestamp
from jointcampaign.subtitles.repair import RawCue

_SECTION = re.compile(r"^\[([A-Za-z][A-Za-z0-9 +]*)\]\s*$")
_EVENT = re.compile(r"^(Dialogue|Comment|Picture|Sound|Movie|Command|Format)\s*:\s*(.*)$", re.IGNORECASE)
_DEFAULT_FORMAT = [
    "layer",
    "start",
    "end",
    "style",
    "name",
    "marginl",
    "marginr",
    "marginv",
    "effect",
    "text",
]
_OVERRIDE = re.compile(r"\{[^}]*\}")
_FIX_TIME = (
    "write event times as H:MM:SS.cc, e.g. 0:01:02.50, or re-export the file from your subtitle editor"
)


def parse_ass(text: str, findings: Findings) -> list[RawCue]:
    cues: list[RawCue] = []
    section = ""
    columns = _DEFAULT_FORMAT
    for line_no, line in enumerate(text.split("\n"), start=1):
        header = _SECTION.match(line.strip())
        if header:
            section = header.group(1).strip().lower()
            continue
        if section != "events" or not line.strip() or line.lstrip().startswith(";"):
            continue
        event = _EVENT.match(line.strip())
        if event is None:
            findings.warn(
                "ass-junk", line_no, "a line in [Events] that is not an event was ignored", "delete it"
            )
            continue
        kind, body = event.group(1).lower(), event.group(2)
        if kind == "format":
            columns = [column.strip().lower() for column in body.split(",")]
        elif kind == "dialogue":
            cue = _dialogue(body, columns, line_no, findings)
            if cue is not None:
                cues.append(cue)
    return cues


def _dialogue(body: str, columns: list[str], line_no: int, findings: Findings) -> RawCue | None:
    values = [value.strip() for value in body.split(",", len(columns) - 1)]
    if len(values) < len(columns) or not {"start", "end", "text"} <= set(columns):
        findings.error(
            line_no,
            f"the event has {len(values)} fields where the Format line names {len(columns)}",
            _FIX_TIME,
        )
        return None
    fields = dict(zip(columns, values, strict=True))
    try:
        start = parse_timestamp(fields["start"], ".").ms
        end = parse_timestamp(fields["end"], ".").ms
    except TimestampError as exc:
        findings.error(line_no, f"cannot read the event times: {exc}", _FIX_TIME)
        return None
    markup = fields["text"]
    return RawCue(start, end, ass_plain_text(markup), markup, line_no)


_BRACE_OPEN, _BRACE_CLOSE = "\ue000", "\ue001"  # private-use stand-ins while override blocks go


def ass_plain_text(markup: str) -> str:
    # libass draws "\{" and "\}" as braces; a word joiner after a backslash stops it starting
    # "\N", "\n" or "\h" (our writer's escapes). \N is a hard line break; \n a soft one, which
    # only wrap style 2 honours, so a space.
    text = markup.replace("\\{", _BRACE_OPEN).replace("\\}", _BRACE_CLOSE)
    text = _OVERRIDE.sub("", text).replace("\\N", "\n").replace("\\n", " ").replace("\\h", "\u00a0")
    text = text.replace("\\\u2060", "\\").replace(_BRACE_OPEN, "{").replace(_BRACE_CLOSE, "}")
    lines = (re.sub(r"[ \t]+", " ", line).strip(" \t") for line in text.split("\n"))
    return decode_entities("\n".join(line for line in lines if line.strip()))
