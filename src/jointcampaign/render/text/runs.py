"""Split one line of text into runs that each need one font and one direction, in display order.

No single installed font draws every script (Noto Sans Arabic has no Latin letters), yet an
Arabic subtitle keeps "Corner Café" in Latin. Each run is shaped by raqm on its own; this module
decides the runs and orders them the way the Unicode bidi algorithm orders whole runs: neutrals
between two runs of one direction take that direction, otherwise the paragraph's.
"""

from __future__ import annotations

import contextlib
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from jointcampaign.errors import ToolMissingError
from jointcampaign.render.text.direction import is_right_to_left
from jointcampaign.render.text.fonts import (
    FontChoice,
    Weight,
    describe_chars,
    fallback_font_for_char,
    font_for_script,
    font_for_text,
    missing_glyphs,
    package_for,
)
from jointcampaign.render.text.scripts import COMMON, INHERITED, SCRIPTS, is_rtl, needs_no_glyph, script_of

NUMBER = "Number"  # digits with their signs and separators ("10%", "3.50"): one left-to-right unit
_NUMBER_CLASSES = {"EN", "AN", "ET"}


@dataclass(frozen=True)
class TextRun:
    text: str
    font: FontChoice
    rtl: bool

    @property
    def direction(self) -> str:
        return "rtl" if self.rtl else "ltr"


@dataclass
class _Segment:
    text: str
    script: str  # a SCRIPTS key, or COMMON for digits, spaces and punctuation
    rtl: bool = False
    font_script: str | None = None  # whose font a COMMON segment tries first


def paragraph_is_rtl(text: str, language: str | None = None) -> bool:
    """Subtitles in an RTL language read right to left even when they start with a Latin name."""
    if language:
        return is_right_to_left(language)
    for char in text:
        script = script_of(char)
        if script in SCRIPTS:
            return is_rtl(script)
    return False


def text_runs(
    line: str,
    *,
    language: str | None = None,
    weight: Weight = "regular",
    search_dirs: Sequence[Path] | None = None,
) -> list[TextRun]:
    """Runs of `line` in visual order, left to right. Raises ToolMissingError for undrawable text."""
    text = unicodedata.normalize("NFC", line)
    if not text:
        return []
    rtl_paragraph = paragraph_is_rtl(text, language)
    whole = font_for_text(text, language=language, weight=weight, search_dirs=search_dirs)
    if not missing_glyphs(text, whole):
        # One font draws it all: raqm then applies the full bidi algorithm inside the line.
        return [TextRun(text, whole, rtl_paragraph)]
    segments = _resolve_neutrals(_segments(text), rtl_paragraph)
    runs = _assign_fonts(segments, language, weight, search_dirs)
    return _visual_order(_merge(runs), rtl_paragraph)


def _segments(text: str) -> list[_Segment]:
    segments: list[_Segment] = []
    for at, char in enumerate(text):
        script = script_of(char)
        if script == INHERITED:
            script = segments[-1].script if segments else COMMON
        elif script == COMMON and _in_number(text, at):
            script = NUMBER
        if segments and segments[-1].script == script:
            segments[-1].text += char
        else:
            segments.append(_Segment(char, script, is_rtl(script)))
    return segments


def _in_number(text: str, at: int) -> bool:
    """Digits, the signs that stick to them (%, currency), and a separator between two digits."""
    kind = unicodedata.bidirectional(text[at])
    if kind in _NUMBER_CLASSES:
        return kind != "ET" or _next_to_digit(text, at)
    if kind == "CS" and 0 < at < len(text) - 1:
        return unicodedata.bidirectional(text[at - 1]) in ("EN", "AN") and unicodedata.bidirectional(
            text[at + 1]
        ) in ("EN", "AN")
    return False


def _next_to_digit(text: str, at: int) -> bool:
    before = text[at - 1] if at > 0 else ""
    after = text[at + 1] if at + 1 < len(text) else ""
    return any(unicodedata.bidirectional(char) in ("EN", "AN") for char in before + after if char)


def _resolve_numbers(segments: list[_Segment], rtl_paragraph: bool) -> None:
    """A number after left-to-right text is part of it (bidi rule W7); otherwise it sits as R would."""
    previous_rtl = rtl_paragraph
    for segment in segments:
        if segment.script == NUMBER:
            segment.rtl = previous_rtl
        elif segment.script != COMMON:
            previous_rtl = segment.rtl


def _resolve_neutrals(segments: list[_Segment], rtl_paragraph: bool) -> list[_Segment]:
    """Give each COMMON segment a direction and the script whose font should try it first."""
    _resolve_numbers(segments, rtl_paragraph)
    strong = [index for index, segment in enumerate(segments) if segment.script != COMMON]
    if not strong:
        for segment in segments:
            segment.rtl = rtl_paragraph
        return segments
    for index, segment in enumerate(segments):
        if segment.script == NUMBER:
            # Numbers borrow the font of a neighbouring script, like other neutral characters.
            beside = [i for i in (index - 1, index + 1) if 0 <= i < len(segments)]
            scripts = [segments[i].script for i in beside if segments[i].script in SCRIPTS]
            segment.font_script = scripts[0] if scripts else None
            continue
        if segment.script != COMMON:
            continue
        before = max((i for i in strong if i < index), default=None)
        after = min((i for i in strong if i > index), default=None)
        before_rtl = segments[before].rtl if before is not None else rtl_paragraph
        after_rtl = segments[after].rtl if after is not None else rtl_paragraph
        segment.rtl = before_rtl if before_rtl == after_rtl else rtl_paragraph
        neighbours = [i for i in (before, after) if i is not None and segments[i].rtl == segment.rtl]
        if neighbours:
            segment.font_script = segments[neighbours[0]].script
    return segments


def _assign_fonts(
    segments: list[_Segment],
    language: str | None,
    weight: Weight,
    search_dirs: Sequence[Path] | None,
) -> list[TextRun]:
    runs: list[TextRun] = []
    missing: set[str] = set()
    for segment in segments:
        script = segment.script if segment.script in SCRIPTS else segment.font_script
        preferred = None
        if script is not None:
            with contextlib.suppress(ToolMissingError):  # per-character fallback below, then a clear error
                preferred = font_for_script(script, language=language, weight=weight, search_dirs=search_dirs)
        neutral = segment.script in (COMMON, NUMBER)
        if neutral and (preferred is None or missing_glyphs(segment.text, preferred)):
            # Keep a number with its sign ("10%") in one font so raqm orders it as one unit.
            whole = _fallback_for_all(segment.text, weight, search_dirs)
            preferred = whole or preferred
        for char in segment.text:
            font = preferred
            if font is None or not (font.covers(char) or needs_no_glyph(char)):
                font = _fallback(char, weight, search_dirs)
            if font is None:
                missing.add(char)
                continue
            runs.append(TextRun(char, font, segment.rtl))
    if missing:
        raise ToolMissingError(
            f"no installed font can draw {describe_chars(missing)}. Install fonts with: "
            f"sudo apt-get install {package_for(missing)} (or remove these characters from the text)"
        )
    return runs


def _fallback_for_all(text: str, weight: Weight, search_dirs: Sequence[Path] | None) -> FontChoice | None:
    drawn = [char for char in text if not needs_no_glyph(char)]
    if not drawn:
        return None
    font = fallback_font_for_char(drawn[0], weight=weight, search_dirs=search_dirs)
    return font if font is not None and not missing_glyphs(text, font) else None


def _fallback(char: str, weight: Weight, search_dirs: Sequence[Path] | None) -> FontChoice | None:
    if char.isspace():
        # Every text font has a space; borrowing Noto Sans keeps word gaps even when a script font lacks it.
        return fallback_font_for_char(" ", weight=weight, search_dirs=search_dirs)
    return fallback_font_for_char(char, weight=weight, search_dirs=search_dirs)


def _merge(runs: list[TextRun]) -> list[TextRun]:
    merged: list[TextRun] = []
    for run in runs:
        if merged and merged[-1].font == run.font and merged[-1].rtl == run.rtl:
            merged[-1] = TextRun(merged[-1].text + run.text, run.font, run.rtl)
        else:
            merged.append(run)
    return merged


def _visual_order(runs: list[TextRun], rtl_paragraph: bool) -> list[TextRun]:
    """Bidi rule L2 on whole runs: reverse every maximal sequence at or above each level."""
    ltr_level = 2 if rtl_paragraph else 0
    levels = [1 if run.rtl else ltr_level for run in runs]
    ordered = list(runs)
    for level in range(max(levels, default=0), 0, -1):
        index = 0
        while index < len(ordered):
            if levels[index] >= level:
                end = index
                while end < len(ordered) and levels[end] >= level:
                    end += 1
                ordered[index:end] = ordered[index:end][::-1]
                levels[index:end] = levels[index:end][::-1]
                index = end
            else:
                index += 1
    return ordered
