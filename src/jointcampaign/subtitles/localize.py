"""Translate subtitles sentence by sentence and lay the translation over the original timing.

Cue-by-cue translation cuts sentences in half; here cues are merged into sentences, each
sentence is translated whole (one batch call), cut into pieces at clause ends, re-timed over
the sentence's original span in proportion to reading length, and broken into balanced lines.
Every output cue is then checked against the language's readability rules.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from jointcampaign.subtitles.linebreak import break_lines
from jointcampaign.subtitles.model import Cue
from jointcampaign.subtitles.readability import (
    CueIssue,
    ReadabilitySummary,
    Rules,
    check_cues,
    rules_for,
    summarize,
)
from jointcampaign.subtitles.retime import allocate_times, max_pieces, pieces_needed, split_into_pieces
from jointcampaign.subtitles.sentences import SentenceGroup, group_sentences, to_ms
from jointcampaign.subtitles.textmetrics import reading_length

# Translates a batch of texts, one output per input in the same order. With the project's
# Translator: `lambda texts: translator.translate_batch(texts, "en", "es").texts`.
TranslateBatch = Callable[[list[str]], list[str]]
_FINER_TRIES = 3


@dataclass(frozen=True)
class LocalizedSubtitles:
    cues: list[Cue]
    groups: list[SentenceGroup]
    issues: list[CueIssue]
    summary: ReadabilitySummary


def localize_cues(
    cues: Sequence[Cue],
    translate: TranslateBatch,
    lang: str,
    *,
    terms: Sequence[str] = (),
    rules: Rules | None = None,
) -> LocalizedSubtitles:
    """Cues in `lang`, each inside its source sentence's span, in order, gapped by two frames."""
    rules = rules or rules_for(lang)
    groups = group_sentences(cues, lang, rules.min_gap_ms, to_ms(rules.min_duration))
    units = [line for group in groups for line in _translation_units(group)]
    translated = translate(units) if units else []
    if len(translated) != len(units):
        raise ValueError(f"the translator returned {len(translated)} texts for {len(units)}")
    out: list[Cue] = []
    position = 0
    for group in groups:
        count = len(_translation_units(group))
        texts = [text.strip() for text in translated[position : position + count]]
        position += count
        out.extend(_lay_out(group, texts, lang, terms, rules, first_index=len(out) + 1))
    issues = check_cues(out, lang, rules)
    return LocalizedSubtitles(out, groups, issues, summarize(out, issues, lang))


def _translation_units(group: SentenceGroup) -> list[str]:
    # Dialogue lines are different speakers: translated one by one, they keep their dashes.
    return group.text.split("\n") if group.dialogue else [group.text]


def _lay_out(
    group: SentenceGroup, texts: list[str], lang: str, terms: Sequence[str], rules: Rules, first_index: int
) -> list[Cue]:
    min_ms, max_ms = to_ms(rules.min_duration), to_ms(rules.max_duration)
    if group.dialogue:
        pieces = ["\n".join(text for text in texts if text)]
    else:
        text = " ".join(text for text in texts if text)
        wanted = pieces_needed(text, lang, group.span_ms, len(group.cues), rules.max_chars_per_cue, max_ms)
        most = max_pieces(group.span_ms, rules.min_gap_ms, min_ms)
        count = min(wanted, most)
        pieces = split_into_pieces(text, count, lang, terms)
        # A piece shorter than two full lines may still not break into two lines that fit
        # (word lengths); cut a little finer while the span leaves each piece its minimum time.
        for finer in range(count + 1, min(most, count + _FINER_TRIES) + 1):
            if all(_fits(piece, lang, terms, rules) for piece in pieces):
                break
            pieces = split_into_pieces(text, finer, lang, terms)
    pieces = [piece for piece in pieces if piece]
    if not pieces:
        return []
    weights = [max(1.0, reading_length(piece, lang)) for piece in pieces]
    times = allocate_times(weights, group.start_ms, group.end_ms, rules.min_gap_ms, min_ms, max_ms)
    return [
        Cue(
            index=first_index + offset,
            start=start / 1000,
            end=end / 1000,
            text=piece if group.dialogue else _lines(piece, lang, terms, rules),
        )
        for offset, (piece, (start, end)) in enumerate(zip(pieces, times, strict=True))
    ]


def _lines(piece: str, lang: str, terms: Sequence[str], rules: Rules) -> str:
    return break_lines(piece, lang, rules.max_chars_per_line, terms)


def _fits(piece: str, lang: str, terms: Sequence[str], rules: Rules) -> bool:
    lines = _lines(piece, lang, terms, rules).split("\n")
    return len(lines) <= rules.max_lines and all(
        reading_length(line, lang) <= rules.max_chars_per_line for line in lines
    )
