"""Write cues as SubRip or WebVTT that any player (and our own reader) reads back unchanged.

Cue text is written line by line with its edge spaces trimmed and empty lines dropped: in both
formats a blank line ends a cue, so an empty line inside text would split it in two.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from jointcampaign.errors import UserInputError
from jointcampaign.fileio import write_bytes_atomic
from jointcampaign.subtitles.model import Cue
from jointcampaign.subtitles.read.timecode import format_srt_time, format_vtt_time

_LINE_EDGE_SPACE = " \t"


def _text_lines(text: str) -> list[str]:
    stripped = (line.strip(_LINE_EDGE_SPACE) for line in text.replace("\r", "\n").split("\n"))
    # A line of only (Unicode) spaces would read back as the blank line that ends the cue.
    return [line for line in stripped if line.strip()]


def _srt_line(line: str) -> str:
    # SRT has no escaping; an arrow in the text would make the line read as a timing.
    return line.replace("-->", "->")


def _vtt_escape(line: str) -> str:
    return line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_srt(cues: Iterable[Cue]) -> str:
    """SubRip text with LF line endings; cues are numbered by position from 1."""
    blocks = []
    for number, cue in enumerate(cues, start=1):
        timing = f"{format_srt_time(cue.start)} --> {format_srt_time(cue.end)}"
        blocks.append("\n".join([str(number), timing, *map(_srt_line, _text_lines(cue.text))]) + "\n")
    return "\n".join(blocks)


def to_vtt(cues: Iterable[Cue]) -> str:
    """WebVTT text: the signature, then one block per cue with `HH:MM:SS.mmm` timings."""
    blocks = ["WEBVTT\n"]
    for cue in cues:
        timing = f"{format_vtt_time(cue.start)} --> {format_vtt_time(cue.end)}"
        blocks.append("\n".join([timing, *map(_vtt_escape, _text_lines(cue.text))]) + "\n")
    return "\n".join(blocks)


def write_srt(cues: Iterable[Cue], path: Path, crlf: bool = False) -> None:
    """UTF-8 without a byte-order mark (some players show a BOM as a stray character)."""
    text = to_srt(cues)
    if crlf:
        text = text.replace("\n", "\r\n")
    write_bytes_atomic(path, text.encode("utf-8"))


def write_vtt(cues: Iterable[Cue], path: Path) -> None:
    write_bytes_atomic(path, to_vtt(cues).encode("utf-8"))


OUTPUT_FORMATS = {".srt": "SubRip", ".vtt": "WebVTT", ".ass": "Advanced SubStation Alpha"}


def check_output_format(path: Path) -> None:
    """Raises UserInputError unless the file name says a format we write."""
    if path.suffix.lower() not in OUTPUT_FORMATS:
        known = ", ".join(OUTPUT_FORMATS)
        raise UserInputError.single(
            path,
            f"cannot write subtitles as '{path.suffix or '(no extension)'}'",
            f"name the output file with one of {known}",
        )


def write_subtitles(cues: Iterable[Cue], path: Path, crlf: bool = False, lang: str | None = None) -> None:
    """Write in the format the file name says (see OUTPUT_FORMATS); CRLF applies to SRT, and
    `lang` picks the ASS style's font for the language's script."""
    check_output_format(path)
    suffix = path.suffix.lower()
    if suffix == ".vtt":
        write_vtt(cues, path)
    elif suffix == ".ass":
        from jointcampaign.subtitles.write.ass_writer import AssStyle, write_ass

        write_ass(cues, path, AssStyle.for_language(lang) if lang else None)
    else:
        write_srt(cues, path, crlf=crlf)
