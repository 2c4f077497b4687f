"""Translate the source subtitles into one language, sentence by sentence, and write SRT and WebVTT."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from jointcampaign.subtitles.fit.localize import LocalizedSubtitles, localize_cues
from jointcampaign.subtitles.model import Cue
from jointcampaign.subtitles.qc.readability import rules_for
from jointcampaign.subtitles.read.reader import read_subtitles
from jointcampaign.subtitles.write.writer import write_srt, write_vtt
from jointcampaign.translate.protocol import Translator
from jointcampaign.translate.status import UNCHECKED, TranslatedString


@dataclass(frozen=True)
class VideoTiming:
    """What the video the subtitles belong to sets: frames (the two-frame gap) and where it ends."""

    frame_rate: float | None = None  # None: the rules' default frame rate
    end: float | None = None  # seconds; no cue may run past it

    @classmethod
    def of(cls, video: Path) -> VideoTiming:
        from jointcampaign.media.probe import probe

        info = probe(video)
        return cls(frame_rate=info.fps, end=info.picture_duration_s)


@dataclass(frozen=True)
class SubtitleResult:
    language: str
    srt: Path
    vtt: Path
    localized: LocalizedSubtitles
    notes: tuple[str, ...]
    strings: tuple[TranslatedString, ...] = ()


def localize_with(
    cues: Sequence[Cue],
    translator: Translator,
    source: str,
    target: str,
    terms: Sequence[str] = (),
    timing: VideoTiming | None = None,
    rule_overrides: Mapping[str, float] | None = None,
) -> tuple[LocalizedSubtitles, list[str]]:
    """Whole sentences go to the translator in one batch; the result is re-timed and line-broken."""
    localized, notes, _ = localize_with_strings(cues, translator, source, target, terms, timing, rule_overrides)
    return localized, notes


def localize_with_strings(
    cues: Sequence[Cue],
    translator: Translator,
    source: str,
    target: str,
    terms: Sequence[str] = (),
    timing: VideoTiming | None = None,
    rule_overrides: Mapping[str, float] | None = None,
) -> tuple[LocalizedSubtitles, list[str], list[TranslatedString]]:
    """As `localize_with`, and each translated sentence with its status."""
    notes: list[str] = []
    strings: list[TranslatedString] = []

    def translate(texts: list[str]) -> list[str]:
        batch = translator.translate_batch(texts, source, target)
        notes.extend(batch.notes)
        statuses = batch.statuses if len(batch.statuses) == len(texts) else [UNCHECKED] * len(texts)
        strings.extend(
            TranslatedString("subtitles", text, out, verdict)
            for text, out, verdict in zip(texts, batch.texts, statuses, strict=True)
        )
        return batch.texts

    timing = timing or VideoTiming()
    rules = rules_for(target, frame_rate=timing.frame_rate, overrides=rule_overrides)
    localized = localize_cues(cues, translate, target, terms=terms, rules=rules, media_end=timing.end)
    return localized, [*localized.past_video_end, *notes], strings


def translate_subtitle_file(
    source_file: Path,
    translator: Translator,
    source: str,
    target: str,
    srt_out: Path,
    vtt_out: Path,
    terms: Sequence[str] = (),
    timing: VideoTiming | None = None,
    rule_overrides: Mapping[str, float] | None = None,
) -> SubtitleResult:
    """`rule_overrides`: the campaign's own readability rules for `target` (rules.yaml names)."""
    document = read_subtitles(source_file)
    localized, notes, strings = localize_with_strings(
        document.cues, translator, source, target, terms, timing, rule_overrides
    )
    write_srt(localized.cues, srt_out)
    write_vtt(localized.cues, vtt_out)
    return SubtitleResult(
        language=target, srt=srt_out, vtt=vtt_out, localized=localized, notes=tuple(dict.fromkeys(notes)),
        strings=tuple(strings),
    )  # fmt: skip
