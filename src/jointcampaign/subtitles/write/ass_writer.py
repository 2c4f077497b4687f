"""Write cues as Advanced SubStation Alpha (v4+), for players, editors and renderers that want styles.

The text comes out literally as libass draws it: a brace would open an override block, so it is
written `\\{` / `\\}` (libass's escapes); a backslash that would start `\\N`, `\\n` or `\\h` gets
a word joiner (U+2060, zero width) after it; a no-break space is written `\\h`. Times are
centiseconds, the format's precision: starts round up and ends round down, so rounding never
makes two cues overlap.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from jointcampaign.fileio import write_bytes_atomic
from jointcampaign.subtitles.model import Cue
from jointcampaign.subtitles.qc.textmetrics import primary_subtag

WORD_JOINER = "\u2060"
_ESCAPABLE_AFTER_BACKSLASH = re.compile(r"\\(?=[Nnh{}])")
_FAMILIES = {
    "ar": "Noto Sans Arabic",
    "fa": "Noto Sans Arabic",
    "ur": "Noto Sans Arabic",
    "he": "Noto Sans Hebrew",
    "hi": "Noto Sans Devanagari",
    "mr": "Noto Sans Devanagari",
    "ne": "Noto Sans Devanagari",
    "th": "Noto Sans Thai",
    "ja": "Noto Sans CJK JP",
    "ko": "Noto Sans CJK KR",
    "zh": "Noto Sans CJK SC",
    "yue": "Noto Sans CJK TC",
}
_TRADITIONAL = frozenset({"hant", "tw", "hk", "mo"})
_STYLE_FIELDS = (
    "Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, "
    "Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, "
    "MarginL, MarginR, MarginV, Encoding"
)
_EVENT_FIELDS = "Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text"


@dataclass(frozen=True)
class AssStyle:
    """One style for every cue. Colours are #RRGGBB; sizes and margins are in PlayRes pixels."""

    font: str = "Noto Sans"
    size: int = 54
    text_colour: str = "#FFFFFF"
    outline_colour: str = "#000000"
    box_colour: str = "#000000"
    box_opacity: float = 0.6  # of the box (box=True) or of the shadow
    box: bool = False  # an opaque box behind the text instead of an outline
    bold: bool = False
    outline: float = 3.0
    shadow: float = 1.0
    alignment: int = 2  # numpad layout: 2 = bottom centre, 8 = top centre
    margin_h: int = 96
    margin_v: int = 64
    width: int = 1920
    height: int = 1080

    @classmethod
    def for_language(cls, lang: str) -> AssStyle:
        """The Noto family that writes `lang`'s script (libass falls back per glyph for the rest);
        change other fields with dataclasses.replace."""
        primary = primary_subtag(lang)
        family = _FAMILIES.get(primary, "Noto Sans")
        subtags = lang.lower().replace("_", "-").split("-")[1:]
        if primary == "zh" and _TRADITIONAL & set(subtags):
            family = "Noto Sans CJK TC"
        return cls(font=family)

    def line(self) -> str:
        back_alpha = round((1 - self.box_opacity) * 255)
        fields = [
            "Default",
            self.font,
            str(self.size),
            ass_colour(self.text_colour),
            ass_colour(self.text_colour),
            ass_colour(self.outline_colour),
            ass_colour(self.box_colour, back_alpha),
            "-1" if self.bold else "0",
            "0",
            "0",
            "0",
            "100",
            "100",
            "0",
            "0",
            "3" if self.box else "1",
            f"{self.outline:g}",
            f"{self.shadow:g}",
            str(self.alignment),
            str(self.margin_h),
            str(self.margin_h),
            str(self.margin_v),
            "1",
        ]
        return "Style: " + ",".join(fields)


def ass_colour(hex_colour: str, alpha: int = 0) -> str:
    """#RRGGBB as ASS's &HAABBGGRR, where alpha 0 is opaque and 255 transparent."""
    digits = hex_colour.lstrip("#")
    if len(digits) != 6:
        raise ValueError(f"colour {hex_colour!r} is not #RRGGBB")
    red, green, blue = digits[0:2], digits[2:4], digits[4:6]
    return f"&H{alpha:02X}{blue}{green}{red}".upper()


def format_ass_time(centiseconds: int) -> str:
    hours, rest = divmod(centiseconds, 360_000)
    minutes, rest = divmod(rest, 6000)
    seconds, hundredths = divmod(rest, 100)
    return f"{hours}:{minutes:02d}:{seconds:02d}.{hundredths:02d}"


def ass_times(cue: Cue) -> tuple[int, int]:
    """(start, end) in centiseconds: start rounded up, end down. A cue under 10 ms may come out
    with no duration: it was never on screen for a frame anyway."""
    start = math.ceil(round(cue.start * 1000) / 10)
    end = math.floor(round(cue.end * 1000) / 10)
    return start, max(start, end)


def escape_ass_text(text: str) -> str:
    lines = [line.strip(" \t") for line in text.replace("\r", "\n").split("\n")]
    escaped = []
    for line in (line for line in lines if line.strip()):
        line = _ESCAPABLE_AFTER_BACKSLASH.sub("\\\\" + WORD_JOINER, line)
        line = line.replace("{", "\\{").replace("}", "\\}")
        escaped.append(line.replace("\u00a0", "\\h"))  # ASS's own hard space, kept at line edges
    return "\\N".join(escaped)


def to_ass(cues: Iterable[Cue], style: AssStyle | None = None, title: str = "") -> str:
    style = style or AssStyle()
    lines = [
        "[Script Info]",
        f"Title: {title.replace(chr(10), ' ')}" if title else "; written by jointcampaign",
        "ScriptType: v4.00+",
        f"PlayResX: {style.width}",
        f"PlayResY: {style.height}",
        "WrapStyle: 0",
        "ScaledBorderAndShadow: yes",
        "",
        "[V4+ Styles]",
        f"Format: {_STYLE_FIELDS}",
        style.line(),
        "",
        "[Events]",
        f"Format: {_EVENT_FIELDS}",
    ]
    for cue in cues:
        start, end = ass_times(cue)
        timing = f"{format_ass_time(start)},{format_ass_time(end)}"
        lines.append(f"Dialogue: 0,{timing},Default,,0,0,0,,{escape_ass_text(cue.text)}")
    return "\n".join(lines) + "\n"


def write_ass(cues: Iterable[Cue], path: Path, style: AssStyle | None = None, title: str = "") -> None:
    """UTF-8 with a byte-order mark: Aegisub writes one and some Windows players need it to
    see UTF-8; libass, pysubs2 and our reader all accept it."""
    write_bytes_atomic(path, b"\xef\xbb\xbf" + to_ass(cues, style, title).encode("utf-8"))
