"""Translate subtitles sentence by sentence and lay the translation over the original timing.

Cue-by-cue translation cuts sentences in half; here cues are merged into sentences, each
sentence is translated whole (one batch call), cut into pieces at clause ends, re-timed over
the sentence's original span in proportion to reading length, and broken into balanced lines.
Every output cue is then checked against the language's readability rules.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from jointcampaign.subtitles.fit.linebreak import break_lines
from jointcampaign.subtitles.fit.retime import allocate_times, max_pieces, pieces_needed, split_into_pieces
from jointcampaign.subtitles.fit.sentences import SentenceGroup, group_sentences, to_ms
from jointcampaign.subtitles.fit.window import Neighbours, TimeWindow, time_needed_ms, widen
from jointcampaign.subtitles.model import Cue
from jointcampaign.subtitles.qc.readability import (
    CueIssue,
    ReadabilitySummary,
    Rules,
    check_cues,
    rules_for,
    summarize,
)
from jointcampaign.subtitles.qc.textmetrics import reading_length

# Translates a batch of texts, one output per input in the same order. With the project's
# Translator: `lambda texts: translator.translate_batch(texts, "en", "es").texts`.
TranslateBatch = Callable[[list[str]], list[str]]
_FINER_TRIES = 3


@dataclass(frozen=True)
class LocalizedSubtitles:
    cues: list[Cue]
    groups: list[SentenceGroup]
    windows: list[TimeWindow]  # the time each group's cues were laid over, one per group
    issues: list[CueIssue]
    summary: ReadabilitySummary
    # Source cues cut at (or left out after) the end of the video, one line each, for QC.
    past_video_end: list[str] = field(default_factory=list)

    def borrowed_time(self) -> list[str]:
        """One line per sentence whose cues reach into the pauses around its speech, for QC."""
        lines = []
        for group, window in zip(self.groups, self.windows, strict=True):
            lead, lag = group.start_ms - window.start_ms, window.end_ms - group.end_ms
            if not (lead or lag):
                continue
            numbers = [cue.index for cue in self.cues if window.start_ms <= to_ms(cue.start) < window.end_ms]
            if not numbers:
                continue
            which = f"cue {numbers[0]}" if len(numbers) == 1 else f"cues {numbers[0]}–{numbers[-1]}"
            reach = [f"{lead / 1000:.2f} s before" if lead else "", f"{lag / 1000:.2f} s after" if lag else ""]
            lines.append(f"{which}: shown {' and '.join(part for part in reach if part)} the speech, to be read in time")
        return lines


def localize_cues(
    cues: Sequence[Cue],
    translate: TranslateBatch,
    lang: str,
    *,
    terms: Sequence[str] = (),
    rules: Rules | None = None,
    media_end: float | None = None,
) -> LocalizedSubtitles:
    """Cues in `lang`, in order, gapped by two frames, each inside its source sentence's span,
    which a translation that needs more time to read may widen into the silence around it
    (see window.py). `media_end` (seconds) keeps every cue inside the video."""
    rules = rules or rules_for(lang)
    past_end: list[str] = []
    if media_end is not None:
        cues, past_end = _inside_video(cues, media_end)
    groups = group_sentences(cues, lang, rules.min_gap_ms, to_ms(rules.min_duration))
    units = [line for group in groups for line in _translation_units(group)]
    translated = translate(units) if units else []
    if len(translated) != len(units):
        raise ValueError(f"the translator returned {len(translated)} texts for {len(units)}")
    out: list[Cue] = []
    windows: list[TimeWindow] = []
    position = 0
    for k, group in enumerate(groups):
        count = len(_translation_units(group))
        texts = [text.strip() for text in translated[position : position + count]]
        position += count
        around = Neighbours(
            previous_end_ms=windows[-1].end_ms if windows else None,
            next_start_ms=groups[k + 1].start_ms if k + 1 < len(groups) else None,
            media_end_ms=to_ms(media_end) if media_end is not None else None,
        )
        window, laid_out = _lay_out(group, texts, lang, terms, rules, around, first_index=len(out) + 1)
        windows.append(window)
        out.extend(laid_out)
    issues = check_cues(out, lang, rules)
    return LocalizedSubtitles(out, groups, windows, issues, summarize(out, issues, lang), past_end)


def _inside_video(cues: Sequence[Cue], media_end: float) -> tuple[list[Cue], list[str]]:
    """The cues as far as the video goes, and a line for each one cut or left out: a subtitle
    past the picture would ship in the SRT/VTT of a cut that never shows it."""
    kept: list[Cue] = []
    said: list[str] = []
    for cue in cues:
        span = f"source cue {cue.index} ({cue.start:.3f}–{cue.end:.3f} s)"
        if cue.start >= media_end:
            said.append(f"{span} starts after the end of the video ({media_end:.3f} s): left out")
        elif cue.end > media_end:
            said.append(f"{span} runs past the end of the video ({media_end:.3f} s): cut there")
            kept.append(replace(cue, end=media_end))
        else:
            kept.append(cue)
    return kept, said


def _translation_units(group: SentenceGroup) -> list[str]:
    # Dialogue lines are different speakers: translated one by one, they keep their dashes.
    return group.text.split("\n") if group.dialogue else [group.text]


def _lay_out(
    group: SentenceGroup,
    texts: list[str],
    lang: str,
    terms: Sequence[str],
    rules: Rules,
    around: Neighbours,
    first_index: int,
) -> tuple[TimeWindow, list[Cue]]:
    own = TimeWindow(group.start_ms, group.end_ms)
    if group.dialogue:
        joined = "\n".join(text for text in texts if text)
        window = widen(own, time_needed_ms([reading_length(joined, lang)], rules), around, rules)
        pieces = [joined] if joined else []
    else:
        text = " ".join(text for text in texts if text)
        window, pieces = own, _pieces(text, group, own, lang, terms, rules)
        # Pieces chosen for a wider window can differ (more of them fit), so size it twice.
        for _ in range(2):
            needed = time_needed_ms([reading_length(piece, lang) for piece in pieces], rules)
            wider = widen(own, needed, around, rules)
            if wider == window:
                break
            window, pieces = wider, _pieces(text, group, wider, lang, terms, rules)
    if not pieces:
        return window, []
    min_ms, max_ms = to_ms(rules.min_duration), to_ms(rules.max_duration)
    weights = [max(1.0, reading_length(piece, lang)) for piece in pieces]
    times = allocate_times(weights, window.start_ms, window.end_ms, rules.min_gap_ms, min_ms, max_ms)
    return window, [
        Cue(
            index=first_index + offset,
            start=start / 1000,
            end=end / 1000,
            text=piece if group.dialogue else _lines(piece, lang, terms, rules),
        )
        for offset, (piece, (start, end)) in enumerate(zip(pieces, times, strict=True))
    ]


def _pieces(
    text: str, group: SentenceGroup, window: TimeWindow, lang: str, terms: Sequence[str], rules: Rules
) -> list[str]:
    """`text` cut into as many pieces as it needs to fit on screen and as the window has room for."""
    min_ms, max_ms = to_ms(rules.min_duration), to_ms(rules.max_duration)
    wanted = pieces_needed(text, lang, window.span_ms, len(group.cues), rules.max_chars_per_cue, max_ms)
    most = max_pieces(window.span_ms, rules.min_gap_ms, min_ms)
    count = min(wanted, most)
    pieces = split_into_pieces(text, count, lang, terms)
    # A piece shorter than two full lines may still not break into two lines that fit
    # (word lengths); cut a little finer while the window leaves each piece its minimum time.
    for finer in range(count + 1, min(most, count + _FINER_TRIES) + 1):
        if all(_fits(piece, lang, terms, rules) for piece in pieces):
            break
        pieces = split_into_pieces(text, finer, lang, terms)
    return [piece for piece in pieces if piece]


def _lines(piece: str, lang: str, terms: Sequence[str], rules: Rules) -> str:
    return break_lines(piece, lang, rules.max_chars_per_line, terms)


def _fits(piece: str, lang: str, terms: Sequence[str], rules: Rules) -> bool:
    lines = _lines(piece, lang, terms, rules).split("\n")
    return len(lines) <= rules.max_lines and all(
        reading_length(line, lang) <= rules.max_chars_per_line for line in lines
    )
