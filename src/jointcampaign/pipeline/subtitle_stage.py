"""Translate the source subtitles into one language and write SRT and WebVTT."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from jointcampaign.subtitles.model import Cue
from jointcampaign.subtitles.reader import read_subtitles
from jointcampaign.subtitles.writer import write_srt, write_vtt
from jointcampaign.translate.protocol import Translator


@dataclass(frozen=True)
class SubtitleResult:
    language: str
    srt: Path
    vtt: Path
    cues: tuple[Cue, ...]
    notes: tuple[str, ...]


def translate_cues(
    cues: list[Cue], translator: Translator, source: str, target: str
) -> tuple[list[Cue], list[str]]:
    """Cue by cue, in one batch; each cue keeps its timing."""
    texts = [cue.text.replace("\n", " ") for cue in cues]
    batch = translator.translate_batch(texts, source, target)
    return [replace(cue, text=text) for cue, text in zip(cues, batch.texts, strict=True)], list(batch.notes)


def translate_subtitle_file(
    source_file: Path, translator: Translator, source: str, target: str, srt_out: Path, vtt_out: Path
) -> SubtitleResult:
    document = read_subtitles(source_file)
    cues, notes = translate_cues(document.cues, translator, source, target)
    write_srt(cues, srt_out)
    write_vtt(cues, vtt_out)
    return SubtitleResult(language=target, srt=srt_out, vtt=vtt_out, cues=tuple(cues), notes=tuple(notes))
