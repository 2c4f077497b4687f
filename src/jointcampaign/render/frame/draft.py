"""The mark on a cut whose subtitles or end card hold a translation nobody has reviewed yet.

Burned into every frame, end card included, at the top centre below the logos, so a draft
cannot be posted by mistake: it is unmistakable on screen and in the poster.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from jointcampaign.render.frame.layout import CutLayout
from jointcampaign.render.geometry import Box
from jointcampaign.render.text.text_image import SubtitleStyle, render_subtitle
from jointcampaign.render.video.yuv import YuvFrame, YuvOverlay

DRAFT_MARK = "DRAFT – translation not reviewed"
DRAFT_COLOUR = "#C8102E"  # signal red, white text: reads over any footage
_FONT_SCALE = 0.8  # of the subtitle font size
_GAP_OF_FONT = 0.4


def draft_overlay(
    text: str,
    layout: CutLayout,
    matrix: str,
    font_dirs: Sequence[Path] | None = None,
    placed: list[tuple[str, Box]] | None = None,
) -> YuvOverlay:
    """The mark as an overlay: centred across the safe area, just under the logos."""
    font_px = max(8, round(layout.font_px * _FONT_SCALE))
    style = SubtitleStyle(font_px=font_px, max_width=layout.safe.width, box_colour=DRAFT_COLOUR,
                          box_opacity=0.92, text_colour="#FFFFFF", max_lines=2)  # fmt: skip
    image = render_subtitle(text, style, language="en", search_dirs=font_dirs)
    height, width = image.shape[0], image.shape[1]
    below_logos = max((box.bottom for box in layout.logo_boxes), default=layout.safe.y)
    y = below_logos + round(font_px * _GAP_OF_FONT)
    if y + height > layout.safe.bottom:  # a very short frame: over the top of the safe area instead
        y = layout.safe.y
    x = layout.safe.x + max(0, (layout.safe.width - width) // 2)
    if placed is not None:
        placed.append(("DRAFT mark", Box(x, y, width, height)))
    return YuvOverlay.from_rgba(image, (x, y), layout.size, matrix)


def mark_still(frame: bytes, size: tuple[int, int], overlay: YuvOverlay) -> bytes:
    """A yuv420p still (the end card) with the mark blended in."""
    buffer = bytearray(frame)
    overlay.blend_into(YuvFrame.over(buffer, size))
    return bytes(buffer)
