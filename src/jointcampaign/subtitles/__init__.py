"""Subtitles: read any SRT/WebVTT/SSA a marketing lead drops in, translate sentence by sentence,
re-time, check readability per language, and write clean SRT/WebVTT (and styled ASS).

Reading never lets a raw exception escape for a bad file: everything unreadable becomes a
:class:`~jointcampaign.errors.UserInputError` naming the file, the line and the fix.
"""

from jointcampaign.subtitles.fit.linebreak import break_lines
from jointcampaign.subtitles.fit.localize import LocalizedSubtitles, localize_cues
from jointcampaign.subtitles.model import Cue, SubtitleDocument
from jointcampaign.subtitles.qc.check import SubtitleCheck, check_subtitle_file
from jointcampaign.subtitles.qc.readability import (
    CueIssue,
    ReadabilitySummary,
    Rules,
    check_cues,
    rules_for,
    summarize,
)
from jointcampaign.subtitles.read.reader import read_subtitles, read_subtitles_bytes
from jointcampaign.subtitles.write.ass_writer import AssStyle, to_ass, write_ass
from jointcampaign.subtitles.write.writer import to_srt, to_vtt, write_srt, write_subtitles, write_vtt

__all__ = [
    "AssStyle",
    "Cue",
    "CueIssue",
    "LocalizedSubtitles",
    "ReadabilitySummary",
    "Rules",
    "SubtitleCheck",
    "SubtitleDocument",
    "break_lines",
    "check_cues",
    "check_subtitle_file",
    "localize_cues",
    "read_subtitles",
    "read_subtitles_bytes",
    "rules_for",
    "summarize",
    "to_ass",
    "to_srt",
    "to_vtt",
    "write_ass",
    "write_srt",
    "write_subtitles",
    "write_vtt",
]
