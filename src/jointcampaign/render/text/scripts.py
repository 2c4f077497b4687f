"""Which writing system each character belongs to, and what that means for drawing it.

Python's unicodedata has no Script property, so this keeps the blocks campaigns actually use.
Characters outside every block here (digits, punctuation, spaces, symbols) are COMMON and take
the script of the text around them; combining marks are INHERITED and stay with their base.
"""

from __future__ import annotations

import bisect
import unicodedata
from dataclasses import dataclass

COMMON = "Common"
INHERITED = "Inherited"


@dataclass(frozen=True)
class Script:
    name: str
    rtl: bool = False
    needs_shaping: bool = False  # contextual forms, reordering or conjuncts: needs raqm/HarfBuzz


SCRIPTS: dict[str, Script] = {
    script.name: script
    for script in [
        Script("Latin"),
        Script("Greek"),
        Script("Cyrillic"),
        Script("Armenian"),
        Script("Georgian"),
        Script("Hebrew", rtl=True, needs_shaping=True),
        Script("Arabic", rtl=True, needs_shaping=True),
        Script("Devanagari", needs_shaping=True),
        Script("Bengali", needs_shaping=True),
        Script("Gurmukhi", needs_shaping=True),
        Script("Gujarati", needs_shaping=True),
        Script("Oriya", needs_shaping=True),
        Script("Tamil", needs_shaping=True),
        Script("Telugu", needs_shaping=True),
        Script("Kannada", needs_shaping=True),
        Script("Malayalam", needs_shaping=True),
        Script("Sinhala", needs_shaping=True),
        Script("Thai", needs_shaping=True),
        Script("Lao", needs_shaping=True),
        Script("Khmer", needs_shaping=True),
        Script("Myanmar", needs_shaping=True),
        Script("Ethiopic"),
        Script("CJK"),  # Han, kana, hangul and CJK punctuation: one font family draws them all
    ]
}

_BLOCKS: list[tuple[int, int, str]] = sorted(
    [
        (0x0041, 0x005A, "Latin"),
        (0x0061, 0x007A, "Latin"),
        (0x00AA, 0x00AA, "Latin"),
        (0x00BA, 0x00BA, "Latin"),
        (0x00C0, 0x00D6, "Latin"),
        (0x00D8, 0x00F6, "Latin"),
        (0x00F8, 0x02AF, "Latin"),
        (0x0300, 0x036F, INHERITED),
        (0x0370, 0x03FF, "Greek"),
        (0x0400, 0x052F, "Cyrillic"),
        (0x0530, 0x058F, "Armenian"),
        (0x0590, 0x05FF, "Hebrew"),
        (0x0600, 0x06FF, "Arabic"),
        (0x0750, 0x077F, "Arabic"),
        (0x0870, 0x08FF, "Arabic"),
        (0x0900, 0x097F, "Devanagari"),
        (0x0980, 0x09FF, "Bengali"),
        (0x0A00, 0x0A7F, "Gurmukhi"),
        (0x0A80, 0x0AFF, "Gujarati"),
        (0x0B00, 0x0B7F, "Oriya"),
        (0x0B80, 0x0BFF, "Tamil"),
        (0x0C00, 0x0C7F, "Telugu"),
        (0x0C80, 0x0CFF, "Kannada"),
        (0x0D00, 0x0D7F, "Malayalam"),
        (0x0D80, 0x0DFF, "Sinhala"),
        (0x0E00, 0x0E7F, "Thai"),
        (0x0E80, 0x0EFF, "Lao"),
        (0x1000, 0x109F, "Myanmar"),
        (0x10A0, 0x10FF, "Georgian"),
        (0x1100, 0x11FF, "CJK"),
        (0x1200, 0x139F, "Ethiopic"),
        (0x1780, 0x17FF, "Khmer"),
        (0x1AB0, 0x1AFF, INHERITED),
        (0x1C80, 0x1C8F, "Cyrillic"),
        (0x1C90, 0x1CBF, "Georgian"),
        (0x1DC0, 0x1DFF, INHERITED),
        (0x1E00, 0x1EFF, "Latin"),
        (0x1F00, 0x1FFF, "Greek"),
        (0x20D0, 0x20FF, INHERITED),
        (0x2C60, 0x2C7F, "Latin"),
        (0x2D00, 0x2D2F, "Georgian"),
        (0x2DE0, 0x2DFF, "Cyrillic"),
        (0x2E80, 0x2FDF, "CJK"),
        (0x3000, 0x30FF, "CJK"),
        (0x3100, 0x31FF, "CJK"),
        (0x3200, 0x4DBF, "CJK"),
        (0x4E00, 0x9FFF, "CJK"),
        (0xA640, 0xA69F, "Cyrillic"),
        (0xA720, 0xA7FF, "Latin"),
        (0xA8E0, 0xA8FF, "Devanagari"),
        (0xAB30, 0xAB6F, "Latin"),
        (0xAC00, 0xD7AF, "CJK"),
        (0xF900, 0xFAFF, "CJK"),
        (0xFB00, 0xFB06, "Latin"),
        (0xFB1D, 0xFB4F, "Hebrew"),
        (0xFB50, 0xFDFF, "Arabic"),
        (0xFE00, 0xFE0F, INHERITED),
        (0xFE30, 0xFE4F, "CJK"),
        (0xFE70, 0xFEFF, "Arabic"),
        (0xFF00, 0xFFEF, "CJK"),
        (0x20000, 0x3FFFF, "CJK"),
    ]
)
_STARTS = [start for start, _, _ in _BLOCKS]


def script_of(char: str) -> str:
    """The script name of one character: a key of SCRIPTS, or COMMON / INHERITED."""
    code = ord(char)
    at = bisect.bisect_right(_STARTS, code) - 1
    if at >= 0:
        start, end, name = _BLOCKS[at]
        if start <= code <= end:
            return name
    if unicodedata.category(char) in ("Mn", "Me"):
        return INHERITED
    return COMMON


def scripts_in(text: str) -> list[str]:
    """The real scripts used by `text`, most used first (ties: first appearance first)."""
    counts: dict[str, int] = {}
    for char in text:
        name = script_of(char)
        if name in SCRIPTS:
            counts[name] = counts.get(name, 0) + 1
    return sorted(counts, key=lambda name: -counts[name])


def is_rtl(script: str) -> bool:
    found = SCRIPTS.get(script)
    return found is not None and found.rtl


def needs_shaping(text: str) -> bool:
    return any(SCRIPTS[name].needs_shaping for name in scripts_in(text))


def needs_no_glyph(char: str) -> bool:
    """Control and format characters (newline, ZWJ, direction marks) are never drawn themselves."""
    return unicodedata.category(char) in ("Cc", "Cf")
