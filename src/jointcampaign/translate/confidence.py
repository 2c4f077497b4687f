"""How far to trust one machine translation: a confidence from cheap, offline signals, and a status.

confidence = engine × repetition × length × repair × untranslated × round trip, each factor in 0..1:

- engine: Argos (CTranslate2) scores each sentence with its length-normalised log-probability;
  the factor is exp(score) of the text's weakest sentence, its mean token probability. The
  project's demo models score about 0.99 on their own phrases and 0.5-0.9 on anything else.
  Apertium gives no score (factor 1): its other signals decide.
- repetition: a word or short unit repeated 3-4+ times in a row that the source does not repeat
  ("y y y y") is degenerate output: factor 0.
- length: for sources of 20+ characters, output length / source length (without spaces) against
  the usual ratio for the target script; outside 0.45x-2.2x of it, factor 0.5.
- repair: which rung of the protected-span ladder (`repair`) the text needed: none 1, substituted
  0.9, masked 0.85, fragments 0.6; a span still wrong after every rung, 0.
- untranslated: the share of the source's own words (3+ letters, outside protected spans) left
  in the output as they were; factor 1 - share, counted from 2 words (1 when the scripts differ).
- round trip: where a direct reverse model is installed, the output is translated back and
  compared with the source (word F1); factor min(1, F1 / 0.6).

A string is `confident` when its confidence reaches its engine's threshold (`THRESHOLDS`), else
`needs_review`, with the reasons that pulled it down.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from jointcampaign.translate.spans.protect import Span
from jointcampaign.translate.status import StringStatus

# Bump when the formula or a threshold changes: remembered verdicts made by another formula are not reused.
SCORING_VERSION = "1"

# Per engine, the confidence a string needs to ship without review. Argos: any repair, or a mean
# token probability under 0.95, means review; Apertium output is rule-made, not sampled, so a
# masked repair (its normal way to keep URLs) is fine, but unknown words or a bad round trip are not.
THRESHOLDS: dict[str, float] = {"argos": 0.95, "apertium": 0.8}
DEFAULT_THRESHOLD = 0.95

ENGINE_SURE = 0.95  # a token probability from which the engine's own score is not worth a mention
REPAIR_FACTORS = {"none": 1.0, "substituted": 0.9, "masked": 0.85, "fragments": 0.6}
LENGTH_MIN_SOURCE = 20
LENGTH_BAND = (0.45, 2.2)
ROUND_TRIP_GOOD = 0.6
ROUND_TRIP_MIN_WORDS = 3  # fewer words than this (outside protected spans) say too little
# Output characters per source character (spaces left out), from the demo phrase tables and
# common knowledge of the scripts; other languages use 1.0.
EXPECTED_LENGTH_RATIO = {"es": 1.15, "fr": 1.2, "pt": 1.15, "it": 1.15, "de": 1.2, "vi": 1.1, "ar": 0.9,
                         "hi": 1.05, "zh": 0.45, "ja": 0.5, "ko": 0.55, "th": 1.0, "ru": 1.1}  # fmt: skip

_WORD = re.compile(r"[^\W\d_]{3,}")
_TOKEN = re.compile(r"\w+")
_REPEATED_WORD = re.compile(r"(?<!\w)(\w+)(?:\W{1,3}\1(?!\w)){2,}", re.IGNORECASE)
_REPEATED_UNIT = re.compile(r"(\S{1,12}?)\1{3,}")


@dataclass(frozen=True)
class Evidence:
    """What is known about one machine translation when it is judged."""

    source: str
    output: str
    source_lang: str
    target_lang: str
    engine: str
    score: float | None = None  # the engine's own (log-probability) score, if it has one
    spans: Sequence[Span] = ()  # the source's protected spans
    repair: str = "none"
    remaining: Sequence[str] = ()  # protected-span problems no repair fixed
    back_translation: str | None = None


@dataclass(frozen=True)
class Signal:
    name: str
    factor: float
    reason: str | None = None


def signals(evidence: Evidence) -> list[Signal]:
    return [
        engine_signal(evidence.engine, evidence.score),
        repetition_signal(evidence.source, evidence.output),
        length_signal(
            _outside(evidence.source, evidence.spans), _without_kept(evidence.output, evidence.spans),
            evidence.target_lang,
        ),
        repair_signal(evidence.repair, evidence.remaining),
        untranslated_signal(evidence.source, evidence.output, evidence.spans, evidence.target_lang),
        round_trip_signal(evidence.source, evidence.back_translation, evidence.spans),
    ]


def assess(evidence: Evidence) -> StringStatus:
    found = signals(evidence)
    # Rounded here, not when stored: a verdict read back from the memory must equal the one made.
    confidence = round(math.prod(signal.factor for signal in found), 4)
    threshold = THRESHOLDS.get(evidence.engine, DEFAULT_THRESHOLD)
    reasons = tuple(signal.reason for signal in found if signal.reason and signal.factor < 1.0)
    if confidence >= threshold:
        return StringStatus("confident", confidence, evidence.engine, reasons)
    if not reasons:  # every factor is close to 1 but together they fall short
        reasons = (f"confidence {confidence:.2f} is under {evidence.engine}'s threshold {threshold:.2f}",)
    return StringStatus("needs_review", confidence, evidence.engine, reasons)


def engine_signal(engine: str, score: float | None) -> Signal:
    if score is None:
        return Signal("engine", 1.0)
    probability = math.exp(min(0.0, score))
    if probability >= ENGINE_SURE:
        return Signal("engine", probability)
    return Signal("engine", probability, f"the {engine} model is unsure (token probability {probability:.2f})")


def repetition_signal(source: str, output: str) -> Signal:
    for pattern in (_REPEATED_WORD, _REPEATED_UNIT):
        match = pattern.search(output)
        if match and not pattern.search(source):
            return Signal("repetition", 0.0, f"repeats itself («{_clip(match.group(0))}»)")
    return Signal("repetition", 1.0)


def length_signal(source: str, output: str, target: str) -> Signal:
    source_chars, output_chars = _visible(source), _visible(output)
    if source_chars < LENGTH_MIN_SOURCE:
        return Signal("length", 1.0)
    expected = EXPECTED_LENGTH_RATIO.get(_language(target), 1.0)
    ratio = output_chars / source_chars / expected
    low, high = LENGTH_BAND
    if ratio < low:
        return Signal("length", 0.5, f"much shorter than its source ({output_chars} vs {source_chars} characters)")
    if ratio > high:
        return Signal("length", 0.5, f"much longer than its source ({output_chars} vs {source_chars} characters)")
    return Signal("length", 1.0)


def repair_signal(repair: str, remaining: Sequence[str]) -> Signal:
    if remaining:
        return Signal("repair", 0.0, "protected text still wrong: " + "; ".join(remaining))
    factor = REPAIR_FACTORS.get(repair, 0.6)
    reason = None if repair == "none" else f"protected names or codes had to be repaired ({repair})"
    return Signal("repair", factor, reason)


def untranslated_signal(source: str, output: str, spans: Sequence[Span], target: str) -> Signal:
    words = [word.casefold() for word in _WORD.findall(_outside(source, spans))]
    if not words:
        return Signal("untranslated", 1.0)
    own = _without_kept(output, spans)
    present = {word.casefold() for word in _WORD.findall(own)}
    kept = [word for word in dict.fromkeys(words) if word in present]
    share = len(kept) / len(set(words))
    other_script = _script(_outside(source, spans)) != _script(own)
    if not kept or (len(kept) < 2 and not other_script):
        return Signal("untranslated", 1.0)
    return Signal("untranslated", 1.0 - share, f"source words left untranslated: {', '.join(kept[:5])}")


def round_trip_signal(source: str, back: str | None, spans: Sequence[Span]) -> Signal:
    plain = _outside(source, spans)
    if back is None or len(_TOKEN.findall(plain)) < ROUND_TRIP_MIN_WORDS:
        return Signal("round_trip", 1.0)
    similarity = word_f1(plain, _without_kept(back, spans))
    factor = min(1.0, similarity / ROUND_TRIP_GOOD)
    return Signal("round_trip", factor, f"translated back, it reads «{_clip(back)}»")


def word_f1(reference: str, candidate: str) -> float:
    """Overlap of the two texts' words (case folded), as an F1 score: 1 is the same words."""
    ref = Counter(token.casefold() for token in _TOKEN.findall(reference))
    cand = Counter(token.casefold() for token in _TOKEN.findall(candidate))
    if not ref and not cand:
        return 1.0
    common = sum((ref & cand).values())
    if not common:
        return 0.0
    precision, recall = common / sum(cand.values()), common / sum(ref.values())
    return 2 * precision * recall / (precision + recall)


def _outside(text: str, spans: Sequence[Span]) -> str:
    """The text with its protected spans blanked out."""
    pieces, position = [], 0
    for span in spans:
        pieces += [text[position : span.start], " "]
        position = span.end
    return "".join([*pieces, text[position:]])


def _without_kept(output: str, spans: Sequence[Span]) -> str:
    """The output without the protected text it had to keep (names are the same length everywhere)."""
    for replacement in sorted({span.replacement for span in spans}, key=len, reverse=True):
        output = output.replace(replacement, " ")
    return output


def _visible(text: str) -> int:
    return sum(1 for char in text if not char.isspace())


def _language(tag: str) -> str:
    return tag.split("-")[0].casefold()


def _script(text: str) -> str:
    """The script most of the text's letters are in (LATIN, ARABIC, CJK, DEVANAGARI...)."""
    scripts = Counter(unicodedata.name(char, "?").split(" ")[0] for char in text if char.isalpha())
    return scripts.most_common(1)[0][0] if scripts else ""


def _clip(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
