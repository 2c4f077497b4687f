"""Render one subtitle (any script, 1–2 lines) to an RGBA image on a brand-coloured box.

Text is shaped by raqm per font run (Arabic joined and right to left, Devanagari conjuncts),
and every line is measured from font metrics and the real ink box, so descenders (g, j, p, y)
and stacked Vietnamese diacritics are never clipped.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import icu
import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw

from jointcampaign.errors import ToolMissingError
from jointcampaign.render.text.colour import RGB, parse_hex_colour, readable_text_colour
from jointcampaign.render.text.fonts import SHAPING_PACKAGE, Weight, shaping_available
from jointcampaign.render.text.runs import TextRun, text_runs
from jointcampaign.render.text.scripts import needs_shaping, script_of

MIN_FONT_SCALE = 0.7
LINE_ASCENT = 0.95
LINE_DESCENT = 0.28
_NO_LINE_START = set("，。、！？：；）」』】》〉,.!?:;)]}%")
_NO_LINE_END = set("（「『【《〈([{")


@dataclass(frozen=True)
class SubtitleStyle:
    font_px: int
    max_width: int  # of the whole box, padding included
    box_colour: str = "#000000"
    box_opacity: float = 0.85
    text_colour: str | None = None  # None: white, or near-black where white would not read
    weight: Weight = "bold"
    max_lines: int = 2

    @property
    def padding(self) -> tuple[int, int]:
        return padding_for(self.font_px)


def padding_for(font_px: int) -> tuple[int, int]:
    """Box padding (x, y) around text of this size."""
    return round(font_px * 0.6), round(font_px * 0.28)


@dataclass(frozen=True)
class _PlacedRun:
    run: TextRun
    x: float  # pen position of the run's left edge, relative to the line's ink left


@dataclass(frozen=True)
class _LineLayout:
    runs: tuple[_PlacedRun, ...]
    width: int
    ascent: int  # baseline to top of the line box
    descent: int  # baseline to bottom of the line box
    font_px: int
    shaped: bool


RGBAImage = npt.NDArray[np.uint8]


@dataclass(frozen=True)
class FittedText:
    """A rendered text box and what fitting it into its width took (empty when nothing did)."""

    image: RGBAImage
    adjustments: tuple[str, ...] = ()


def render_subtitle(
    text: str,
    style: SubtitleStyle,
    *,
    language: str | None = None,
    search_dirs: Sequence[Path] | None = None,
) -> RGBAImage:
    """An (h, w, 4) uint8 RGBA image: the text centred on a rounded, semi-opaque box."""
    return fit_subtitle(text, style, language=language, search_dirs=search_dirs).image


def fit_subtitle(
    text: str,
    style: SubtitleStyle,
    *,
    language: str | None = None,
    search_dirs: Sequence[Path] | None = None,
) -> FittedText:
    """The text box, never wider than `style.max_width` as measured with the real font and shaping.

    Lines wrap at word (or CJK character) breaks; if they still do not fit, the type shrinks to
    MIN_FONT_SCALE; a word wider than the box even then is broken between grapheme clusters.
    Each of those steps is named in `adjustments`, for the QC report.
    """
    box_rgb = parse_hex_colour(style.box_colour, field="colours.primary")
    text_rgb = parse_hex_colour(style.text_colour) if style.text_colour else readable_text_colour(box_rgb)
    layouts, adjustments = _fit_lines(text, style, language, search_dirs)
    font_px = layouts[0].font_px  # may be smaller than asked, to fit the lines
    pad_x, pad_y = padding_for(font_px)
    mask, width, height = _draw_lines(layouts, language, pad_x, pad_y, round(font_px * 0.12))
    image = _compose(mask, width, height, box_rgb, text_rgb, style.box_opacity, round(font_px * 0.3))
    return FittedText(image, adjustments)


def text_mask(
    line: str,
    font_px: int,
    *,
    language: str | None = None,
    weight: Weight = "bold",
    shaped: bool = True,
    search_dirs: Sequence[Path] | None = None,
) -> npt.NDArray[np.uint8]:
    """The coverage mask (h, w) of one line with no box; `shaped=False` draws glyphs one by one."""
    layout = _layout_line(line, font_px, language, weight, search_dirs, shaped=shaped)
    mask, _, _ = _draw_lines([layout], language, 0, 0, 0)
    return np.asarray(mask, dtype=np.uint8)


def _fit_lines(
    text: str, style: SubtitleStyle, language: str | None, search_dirs: Sequence[Path] | None
) -> tuple[list[_LineLayout], tuple[str, ...]]:
    """Wrap to the box width; shrink the font a little rather than exceed `max_lines`."""
    _require_shaping_if_needed(text)
    smallest = round(style.font_px * MIN_FONT_SCALE)
    font_px = style.font_px
    while True:
        text_width = style.max_width - 2 * padding_for(font_px)[0]
        layouts = _wrapped(text, font_px, text_width, language, style.weight, search_dirs)
        too_wide = any(item.width > text_width for item in layouts)
        if (len(layouts) <= style.max_lines and not too_wide) or font_px <= smallest:
            break
        # At least a pixel a step: at 6 px and under, rounding 8 % away gives the same size forever.
        font_px = max(smallest, min(font_px - 1, round(font_px * 0.92)))
    adjustments = []
    if font_px < style.font_px:
        adjustments.append(f"type shrunk from {style.font_px} to {font_px} px to fit {style.max_width} px")
    if too_wide:  # a word wider than the box at the smallest size: break it inside
        layouts = _wrapped(text, font_px, text_width, language, style.weight, search_dirs, break_words=True)
        adjustments.append(f"a word wider than {style.max_width} px was broken across lines")
    if len(layouts) > style.max_lines:
        adjustments.append(f"{len(layouts)} lines where {style.max_lines} are wanted")
    return layouts, tuple(adjustments)


def _wrapped(
    text: str,
    font_px: int,
    text_width: int,
    language: str | None,
    weight: Weight,
    search_dirs: Sequence[Path] | None,
    *,
    break_words: bool = False,
) -> list[_LineLayout]:
    def layout(line: str) -> _LineLayout:
        return _layout_line(line, font_px, language, weight, search_dirs)

    def fits(candidate: str) -> bool:
        return layout(candidate).width <= text_width

    lines = [
        wrapped
        for paragraph in text.strip().splitlines()
        if paragraph.strip()
        for wrapped in _wrap(paragraph.strip(), fits, break_words=break_words)
    ] or [""]
    return [layout(line) for line in lines]


def _layout_line(
    line: str,
    font_px: int,
    language: str | None,
    weight: Weight,
    search_dirs: Sequence[Path] | None,
    *,
    shaped: bool = True,
) -> _LineLayout:
    runs = text_runs(line, language=language, weight=weight, search_dirs=search_dirs)
    placed: list[_PlacedRun] = []
    pen = 0.0
    ink_left, ink_right = 0.0, 0.0
    # A typographic line box the same for every script, grown only by ink that reaches further
    # (fonts' own metrics differ a lot: Noto Sans Arabic's would double the box height).
    ascent, descent = round(font_px * LINE_ASCENT), round(font_px * LINE_DESCENT)
    for run in runs:
        font = run.font.load(font_px, shaped=shaped)
        direction, lang = _shaping_options(run, language, shaped)
        left, top, right, bottom = font.getbbox(run.text, anchor="ls", direction=direction, language=lang)
        placed.append(_PlacedRun(run, pen))
        ink_left = min(ink_left, pen + left)
        ink_right = max(ink_right, pen + right)
        pen += font.getlength(run.text, direction=direction, language=lang)
        ascent = max(ascent, math.ceil(-top))
        descent = max(descent, math.ceil(bottom))
    ink_right = max(ink_right, pen)
    shifted = tuple(_PlacedRun(item.run, item.x - ink_left) for item in placed)
    return _LineLayout(shifted, int(np.ceil(ink_right - ink_left)), ascent, descent, font_px, shaped)


def _draw_lines(
    layouts: Sequence[_LineLayout], language: str | None, pad_x: int, pad_y: int, line_gap: int
) -> tuple[Image.Image, int, int]:
    width = max((layout.width for layout in layouts), default=0) + 2 * pad_x
    height = sum(layout.ascent + layout.descent for layout in layouts) + line_gap * (len(layouts) - 1)
    height += 2 * pad_y
    mask = Image.new("L", (max(width, 1), max(height, 1)), 0)
    draw = ImageDraw.Draw(mask)
    top = pad_y
    for layout in layouts:
        baseline = top + layout.ascent
        left = (width - layout.width) / 2
        for item in layout.runs:
            font = item.run.font.load(layout.font_px, shaped=layout.shaped)
            direction, lang = _shaping_options(item.run, language, layout.shaped)
            draw.text(
                (left + item.x, baseline),
                item.run.text,
                font=font,
                fill=255,
                anchor="ls",
                direction=direction,
                language=lang,
            )
        top = baseline + layout.descent + line_gap
    return mask, max(width, 1), max(height, 1)


def _compose(
    mask: Image.Image, width: int, height: int, box: RGB, text: RGB, opacity: float, radius: int
) -> RGBAImage:
    alpha = round(255 * min(max(opacity, 0.0), 1.0))
    card = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    ImageDraw.Draw(card).rounded_rectangle((0, 0, width - 1, height - 1), radius=radius, fill=(*box, alpha))
    ink = Image.new("RGBA", (width, height), (*text, 0))
    ink.putalpha(mask)
    return np.array(Image.alpha_composite(card, ink), dtype=np.uint8)


def _shaping_options(run: TextRun, language: str | None, shaped: bool) -> tuple[str | None, str | None]:
    """(direction, language) for raqm; the basic layout accepts neither."""
    if not shaped or not shaping_available():
        return None, None
    return run.direction, language or None


def _require_shaping_if_needed(text: str) -> None:
    if needs_shaping(text) and not shaping_available():
        raise ToolMissingError(
            "Pillow cannot shape this text (Arabic, Hebrew or Indic scripts need raqm, which loads "
            f"the system FriBiDi library). Install it with: sudo apt-get install {SHAPING_PACKAGE}"
        )


def _wrap(paragraph: str, fits: Callable[[str], bool], *, break_words: bool = False) -> list[str]:
    lines: list[str] = []
    current = ""
    tokens = _tokens(paragraph)
    if break_words:
        tokens = [piece for token in tokens for piece in _split_to_fit(token, fits)]
    for token in tokens:
        candidate = current + token
        if current and not fits(candidate.rstrip()):
            lines.append(current.rstrip())
            current = token.lstrip()
        else:
            current = candidate
    if current.strip():
        lines.append(current.rstrip())
    return lines


def _split_to_fit(token: str, fits: Callable[[str], bool]) -> list[str]:
    """A token too wide for a line, cut between grapheme clusters (ICU) into pieces that fit."""
    if fits(token.rstrip()):
        return [token]
    pieces: list[str] = []
    current = ""
    for cluster in _graphemes(token):
        if current and not fits((current + cluster).rstrip()):
            pieces.append(current)
            current = ""
        current += cluster
    return [*pieces, current] if current else pieces


def _graphemes(text: str) -> list[str]:
    """User-perceived characters: a letter with its diacritics, a conjunct's parts, an emoji sequence."""
    breaks = icu.BreakIterator.createCharacterInstance(icu.Locale.getRoot())
    breaks.setText(text)
    # ICU counts UTF-16 code units; convert through an icu string to cut the Python str correctly.
    unicode = icu.UnicodeString(text)
    start, clusters = 0, []
    for end in breaks:
        clusters.append(str(unicode[start:end]))
        start = end
    return clusters


def _tokens(paragraph: str) -> list[str]:
    """Pieces a line may break between: words with their trailing spaces, or single CJK characters."""
    tokens: list[str] = []
    for word in re.findall(r"\S+\s*", paragraph):
        current = ""
        for char in word:
            breakable = script_of(char) == "CJK" and char not in _NO_LINE_START
            if current and breakable and current[-1] not in _NO_LINE_END:
                tokens.append(current)
                current = ""
            current += char
        tokens.append(current)
    return tokens
