"""Parse and format subtitle timestamps (`HH:MM:SS,mmm` for SRT, `HH:MM:SS.mmm` for WebVTT).

Parsing is lenient about what real files get wrong and says what it forgave, so the reader can
warn once per kind of quirk; what cannot be a time raises TimestampError with the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TIMESTAMP = re.compile(r"(?:(?P<h>\d{1,3}):)?(?P<m>\d{1,2}):(?P<s>\d{1,2})(?:(?P<sep>[,.])(?P<f>\d{1,3}))?")
# A timing line: two timestamp-looking tokens around the arrow, then optional cue settings
# (WebVTT) or coordinates (old SRT players) after whitespace.
TIMING_LINE = re.compile(r"^\s*(?P<start>[^\s>-][^\s]*?)\s*-->\s*(?P<end>[^\s]+)(?:\s+(?P<rest>.*?))?\s*$")


class TimestampError(ValueError):
    """The text cannot be read as a time; the message says why in a user's words."""


@dataclass(frozen=True)
class ParsedTime:
    ms: int
    quirks: tuple[str, ...]  # forgiven deviations, e.g. "no milliseconds"


def parse_timestamp(token: str, fraction_separator: str) -> ParsedTime:
    match = _TIMESTAMP.fullmatch(token)
    if match is None:
        raise TimestampError(f"'{token}' is not a time (expected HH:MM:SS{fraction_separator}mmm)")
    hours = int(match["h"] or 0)
    minutes, seconds = int(match["m"]), int(match["s"])
    if minutes > 59 or seconds > 59:
        raise TimestampError(f"'{token}' has minutes or seconds above 59")
    quirks: list[str] = []
    if match["h"] is None:
        quirks.append("no hours")
    fraction = match["f"]
    if fraction is None:
        quirks.append("no milliseconds")
        millis = 0
    else:
        if match["sep"] != fraction_separator:
            quirks.append(f"'{match['sep']}' before the milliseconds instead of '{fraction_separator}'")
        if len(fraction) != 3:
            # A decimal fraction: ",04" is 40 ms, which is how the tools that write it mean it.
            quirks.append(f"{len(fraction)}-digit fraction of a second")
        millis = int(fraction.ljust(3, "0"))
    return ParsedTime((hours * 3600 + minutes * 60 + seconds) * 1000 + millis, tuple(quirks))


def format_timestamp(seconds: float, fraction_separator: str) -> str:
    total_ms = max(0, round(seconds * 1000))
    hours, rest = divmod(total_ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{fraction_separator}{millis:03d}"


def format_srt_time(seconds: float) -> str:
    return format_timestamp(seconds, ",")


def format_vtt_time(seconds: float) -> str:
    return format_timestamp(seconds, ".")
