"""read_subtitles: any SRT, WebVTT or SSA/ASS file a marketing lead drops in → SubtitleDocument.

The contract: a file either reads (repairs listed as warnings) or raises UserInputError naming
file, line and fix. No other exception escapes for bad content.
"""

from __future__ import annotations

from pathlib import Path

from jointcampaign.errors import UserInputError
from jointcampaign.subtitles.findings import Findings
from jointcampaign.subtitles.model import SubtitleDocument
from jointcampaign.subtitles.read.ass_parser import parse_ass
from jointcampaign.subtitles.read.sniff import ASS, SRT, SSA, VTT, Format, sniff_format
from jointcampaign.subtitles.read.srt_parser import parse_srt
from jointcampaign.subtitles.read.text_encoding import decode_subtitle_bytes
from jointcampaign.subtitles.read.vtt_parser import parse_vtt
from jointcampaign.subtitles.repair import finish_cues

MAX_BYTES = 50 * 1024 * 1024  # a feature film's subtitles are well under 1 MB
_EXPORT_FIX = "export the subtitles as SubRip (.srt, UTF-8) or WebVTT (.vtt) from your subtitle editor"


def read_subtitles(path: Path) -> SubtitleDocument:
    try:
        if path.stat().st_size > MAX_BYTES:
            raise UserInputError.single(
                path, f"the file is larger than {MAX_BYTES // 2**20} MB, too large for subtitles", _EXPORT_FIX
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise UserInputError.single(
            path, "subtitle file not found", "check the file name and folder"
        ) from None
    except IsADirectoryError:
        raise UserInputError.single(
            path, "this is a folder, not a subtitle file", "name the .srt file"
        ) from None
    except OSError as exc:
        raise UserInputError.single(
            path,
            f"the file cannot be read ({exc.strerror})",
            "check that the file exists and you may read it",
        ) from None
    return read_subtitles_bytes(data, path)


def read_subtitles_bytes(data: bytes, source: Path | None = None) -> SubtitleDocument:
    if not data.strip():
        raise UserInputError.single(
            source, "the file is empty", "choose the subtitle file that holds the cues"
        )
    decoded = decode_subtitle_bytes(data, source)
    if not decoded.text.strip():
        raise UserInputError.single(
            source, "the file holds no text", "choose the subtitle file that holds the cues"
        )
    subtitle_format = _readable_format(decoded.text, source)
    findings = Findings(source)
    parse = {VTT: parse_vtt, ASS: parse_ass, SSA: parse_ass}.get(subtitle_format, parse_srt)
    raw_cues = parse(decoded.text, findings)
    if subtitle_format == SRT and not raw_cues and not findings.has_errors:
        findings.error(None, "no subtitle cues found", "check that this is the subtitle file; " + _EXPORT_FIX)
    findings.raise_if_errors()
    cues = finish_cues(raw_cues, findings)
    return SubtitleDocument(
        cues=cues,
        encoding=decoded.encoding,
        format=subtitle_format.code,
        warnings=[*decoded.warnings, *findings.warnings()],
        path=source,
    )


def _readable_format(text: str, source: Path | None) -> Format:
    subtitle_format = sniff_format(text)
    if subtitle_format is None:
        raise UserInputError.single(
            source,
            "no subtitle cues found: no line has a timing such as 00:01:02,500 --> 00:01:04,000",
            "check that this is the subtitle file; " + _EXPORT_FIX,
            line=1,
        )
    if not subtitle_format.readable:
        raise UserInputError.single(
            source,
            f"unsupported format: this file is {subtitle_format.name}; "
            "jointcampaign reads SRT, WebVTT and SSA/ASS",
            _EXPORT_FIX,
            line=1,
        )
    return subtitle_format


def require_cue_text(document: SubtitleDocument) -> SubtitleDocument:
    """`document`, when at least one cue has text; else the user's mistake, with the read's
    first warnings: a header with no cues (or only empty ones) would translate into nothing."""
    if any(cue.text.strip() for cue in document.cues):
        return document
    warned = "; ".join(problem.message for problem in document.warnings[:3])
    raise UserInputError.single(
        document.path,
        "no cue has any text to show" + (f" ({warned})" if warned else ""),
        "give each cue a start before its end and a line of text, in your subtitle editor",
    )
