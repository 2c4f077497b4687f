"""Break a subtitle's text into at most two lines that read well.

One line when it fits; otherwise the two-line break with the most even lines, preferring a
longer bottom line (the "pyramid" viewers read fastest) and a break after a clause. A glossary
term, brand or a number with its unit is never split; a run of capitalised words (a name) only
if nothing else fits. Scripts written without spaces break only where ICU's line breaker
allows (boundaries.py), which keeps Latin words, numbers and emoji sequences whole: Thai, Lao,
Khmer and Burmese only between the words of ICU's dictionaries; Chinese and Japanese between
characters where their punctuation rules (kinsoku) also allow, preferring the word boundaries of
ICU's dictionary. Arabic and Hebrew keep logical order (rendering handles direction).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from jointcampaign.subtitles.fit.boundaries import boundaries
from jointcampaign.subtitles.qc.textmetrics import is_unspaced, join_lines, primary_subtag, reading_length

_UNIT = (
    r"%|‰|€|\$|£|¥|₹|km/h|km|kg|cm|mm|ml|cl|mg|min|h|g|l|m|s|°C|°F|°|am|pm|a\.m\.|p\.m\."
    r"|euros?|dollars?|pounds?|yuan|yen|rupees?|dirhams?|pesos?"
)
_NUMBER_WITH_UNIT = re.compile(
    rf"(?:[€$£¥₹]\s?)?\d+(?:[.,:]\d+)*(?:\s?(?:{_UNIT})(?![^\W\d_]))?(?:\s?[–-]\s?\d+(?:[.,:]\d+)*)?",
    re.IGNORECASE,
)
# In Chinese and Japanese the unit or counter follows the number directly: 100元, 5公里, 3点.
_NUMBER_WITH_CJK_UNIT = re.compile(
    r"(?:[€$£¥₹]\s?)?\d+(?:[.,:]\d+)*(?:[%‰]|[\u3040-\u30ff\u3400-\u9fff]{1,2})"
)
_CLAUSE_END = frozenset(",;:.!?…、，。！？；：—–")
# Characters that may not start a line (closing marks, small kana) or end one (opening marks),
# following the Japanese/Chinese line-breaking rules (kinsoku).
_NO_LINE_START = frozenset(
    ")]}）」』】〕〉》”’、。，．！？：；・…‥ーぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ々"
)
_NO_LINE_END = frozenset("([{（「『【〔〈《“‘")
# Thai and Lao vowels written after their consonant (ะ า ำ ๅ), the repetition mark ๆ and the
# vowels written before it (เ แ โ ใ ไ) belong to that syllable. ICU keeps them with it in the
# words its dictionary knows, not always in words it does not (names, typos, odd spellings).
_SYLLABLE_FOLLOWERS = frozenset("\u0e30\u0e32\u0e33\u0e45\u0e46\u0eb0\u0eb2\u0eb3\u0ec6")
_SYLLABLE_LEADERS = frozenset("\u0e40\u0e41\u0e42\u0e43\u0e44\u0ec0\u0ec1\u0ec2\u0ec3\u0ec4")
_NAME_SPLIT_PENALTY = 50.0
# Chinese and Japanese may break between any two characters, but a line that ends inside a
# word (咖|啡) reads worse than a less balanced one. Moving a cut one character costs 2 in
# `_cost` (3 towards a longer top line), so a word boundary one character away beats a cut
# inside a word rather than tying with it.
_INSIDE_WORD_PENALTY = 2.5
# Languages whose words ICU finds with a dictionary of Chinese and Japanese words.
_WORD_AWARE_CJK = frozenset({"zh", "ja", "yue", "wuu"})


@dataclass(frozen=True)
class BreakPoint:
    cut_start: int  # the first line is text[:cut_start]
    cut_end: int  # the second line is text[cut_end:]
    penalty: float = 0.0


def protected_spans(text: str, lang: str, terms: Sequence[str] = ()) -> list[tuple[int, int]]:
    """Spans that must stay on one line: the given terms and numbers with their units."""
    spans = [match.span() for match in _NUMBER_WITH_UNIT.finditer(text) if " " in match.group().strip()]
    if is_unspaced(lang):
        spans += [match.span() for match in _NUMBER_WITH_CJK_UNIT.finditer(text)]
    folded = text.casefold()
    for term in terms:
        needle = term.strip().casefold()
        start = folded.find(needle) if needle else -1
        while start >= 0:
            spans.append((start, start + len(needle)))
            start = folded.find(needle, start + 1)
    return spans


def name_spans(text: str) -> list[tuple[int, int]]:
    """Runs of two or more capitalised words, the likely names ("Rosa Flores", "Corner Café")."""
    spans: list[tuple[int, int]] = []
    run: list[re.Match[str]] = []
    for word in [*re.finditer(r"\S+", text), None]:
        if word is not None and word.group()[0].isupper() and not run_breaks(run, word):
            run.append(word)
            continue
        if len(run) >= 2:
            spans.append((run[0].start(), run[-1].end()))
        run = [word] if word is not None and word.group()[0].isupper() else []
    return spans


def run_breaks(run: list[re.Match[str]], word: re.Match[str]) -> bool:
    return bool(run) and run[-1].group()[-1] in _CLAUSE_END


def candidate_breaks(text: str, lang: str, protected: Sequence[tuple[int, int]] = ()) -> list[BreakPoint]:
    """Every place `text` may be split into two lines, with a penalty for the doubtful ones."""
    unspaced = is_unspaced(lang)
    allowed = boundaries(text, lang, "line") if unspaced else None
    words = boundaries(text, lang, "word") if primary_subtag(lang) in _WORD_AWARE_CJK else None
    blocked = _inside(protected)
    in_name = _inside(name_spans(text) if not unspaced else [])
    points: list[BreakPoint] = []
    for position in range(1, len(text)):
        if position in blocked:
            continue
        point = _break_at(text, position, unspaced, allowed)
        if point is None:
            continue
        penalty = point.penalty
        if position in in_name:
            penalty += _NAME_SPLIT_PENALTY
        if words is not None and point.cut_start == point.cut_end and position not in words:
            penalty += _INSIDE_WORD_PENALTY
        points.append(BreakPoint(point.cut_start, point.cut_end, penalty))
    return points


def _inside(spans: Sequence[tuple[int, int]]) -> set[int]:
    """The positions strictly inside any of `spans`, where a cut would split one."""
    return {position for start, end in spans for position in range(start + 1, end)}


def _break_at(text: str, position: int, unspaced: bool, allowed: frozenset[int] | None) -> BreakPoint | None:
    """A break between text[position-1] and text[position]; `allowed`: ICU's line-break positions,
    the only ones between two non-space characters where an unspaced script may break."""
    before, after = text[position - 1], text[position]
    if after == " " and before != " ":
        end = position
        while end < len(text) and text[end] == " ":
            end += 1
        return BreakPoint(position, end) if end < len(text) else None
    if not unspaced or before == " " or after == " " or unicodedata.category(after) in ("Mn", "Mc", "Me"):
        return None
    if before.isascii() and after.isascii() and (before.isalnum() or after.isalnum()):
        return None  # inside a Latin word or a number
    if after in _NO_LINE_START or before in _NO_LINE_END:
        return None
    if after in _SYLLABLE_FOLLOWERS or before in _SYLLABLE_LEADERS:
        return None
    if allowed is not None and position not in allowed:
        return None
    return BreakPoint(position, position)


def break_lines(text: str, lang: str, max_chars: float, terms: Sequence[str] = ()) -> str:
    """`text` as one line, or two balanced lines joined by "\\n"."""
    flat = re.sub(r"[ \t]+", " ", join_lines(text.split("\n"), lang)).strip()
    if reading_length(flat, lang) <= max_chars:
        return flat
    best: tuple[float, str] | None = None
    for point in candidate_breaks(flat, lang, protected_spans(flat, lang, terms)):
        top, bottom = flat[: point.cut_start].rstrip(), flat[point.cut_end :].lstrip()
        cost = _cost(top, bottom, lang, max_chars) + point.penalty
        if best is None or cost < best[0]:
            best = (cost, f"{top}\n{bottom}")
    return flat if best is None else best[1]


def _cost(top: str, bottom: str, lang: str, max_chars: float) -> float:
    top_length, bottom_length = reading_length(top, lang), reading_length(bottom, lang)
    overflow = max(0.0, top_length - max_chars) + max(0.0, bottom_length - max_chars)
    cost = 100.0 * overflow + abs(top_length - bottom_length)
    if top_length > bottom_length:
        cost += 0.5 * (top_length - bottom_length)  # bottom-heavy reads faster than top-heavy
    if top and top[-1] in _CLAUSE_END:
        cost -= min(8.0, 0.2 * max_chars)
    return cost
