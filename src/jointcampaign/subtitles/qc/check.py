"""QC of one subtitle file: what `jointcampaign subtitles check FILE --lang xx` prints.

Kept here, as data plus a plain-text rendering, so the CLI and the bundle's QC report show
the same thing from the same function.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from jointcampaign.subtitles.model import Cue, SubtitleDocument
from jointcampaign.subtitles.qc.readability import (
    CueIssue,
    ReadabilitySummary,
    check_cues,
    rules_for,
    summarize,
)
from jointcampaign.subtitles.read.reader import read_subtitles
from jointcampaign.subtitles.read.timecode import format_srt_time


@dataclass(frozen=True)
class SubtitleCheck:
    document: SubtitleDocument
    issues: list[CueIssue]
    summary: ReadabilitySummary

    def as_dict(self) -> dict[str, object]:
        return {
            "file": str(self.document.path) if self.document.path else None,
            "format": self.document.format,
            "encoding": self.document.encoding,
            "summary": self.summary.as_dict(),
            "issues": [issue.as_dict() for issue in self.issues],
            "warnings": [warning.as_dict() for warning in self.document.warnings],
        }

    def render(self) -> str:
        """One line per broken rule, then the summary; reading warnings first."""
        cues = {cue.index: cue for cue in self.document.cues}
        lines = [f"warning: {warning.render()}" for warning in self.document.warnings]
        for issue in self.issues:
            cue = cues[issue.index]
            where = f"line {issue.source_line}" if issue.source_line else f"cue {issue.index}"
            lines.append(f"cue {issue.index} ({where}, {format_srt_time(cue.start)}): {issue.message}")
        summary = self.summary
        lines.append(
            f"{summary.within_rules} of {summary.total} cues within the {summary.language} rules "
            f"({summary.percent_within:.1f}%)"
        )
        return "\n".join(lines)


def check_subtitle_file(
    path: Path, lang: str, frame_rate: float | None = None, media_end: float | None = None
) -> SubtitleCheck:
    """Raises UserInputError when the file cannot be read, like read_subtitles. `frame_rate`
    counts the minimum gap in the video's frames (default: the rules' frame rate); `media_end`
    (seconds, the video's end) flags the cues a run would cut there or leave out."""
    document = read_subtitles(path)
    issues = check_cues(document.cues, lang, rules_for(lang, frame_rate))
    if media_end is not None:
        issues = sorted([*issues, *_past_video_end(document.cues, media_end)], key=lambda issue: issue.index)
    return SubtitleCheck(document, issues, summarize(document.cues, issues, lang))


def _past_video_end(cues: Sequence[Cue], media_end: float) -> list[CueIssue]:
    return [
        CueIssue(
            cue.index,
            "video_end",
            f"runs past the end of the video ({media_end:.3f} s)",
            round(cue.end, 3),
            round(media_end, 3),
            cue.source_line,
        )
        for cue in cues
        if cue.end > media_end + 0.001
    ]
