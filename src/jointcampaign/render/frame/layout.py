"""Where things go in a cut: frame size per aspect ratio, safe zones, logo boxes, subtitle area.

The safe area is the frame's own margins, narrowed by the interface of each platform the
campaign posts to (`cuts.platforms`, render.safe_zones); logos, subtitles, the end card and the
DRAFT mark are all placed inside it.

Sizes are defined at 1080 on the short side and scaled to the `height` setting, which names the
quality class like "720p": 16:9 at 720 is 1280×720 and 9:16 at 720 is 720×1280.

A cut in a right-to-left language (from CLDR/ICU, see render.direction) is mirrored, and
`cut_layout` is the one place that decides it: the leading partner's logo sits top right, and the
end card puts its QR code on the left and its words on the right. Everything that draws follows
the layout (`mirrored`, `logo_aligns`) instead of asking about the language again.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from jointcampaign.errors import UserInputError
from jointcampaign.render.frame.safe_zones import clear_of_platforms
from jointcampaign.render.geometry import Box as Box  # re-exported: callers place boxes from the layout
from jointcampaign.render.geometry import Insets
from jointcampaign.render.text.direction import is_right_to_left

REFERENCE_SHORT_SIDE = 1080
ASPECT_SIZES: dict[str, tuple[int, int]] = {
    "16:9": (1920, 1080),
    "9:16": (1080, 1920),
    "1:1": (1080, 1080),
    "4:5": (1080, 1350),
}
MIN_HEIGHT = 144


# Vertical video is watched inside apps whose buttons and captions cover the top and bottom.
_SAFE_INSETS: dict[str, Insets] = {
    "16:9": Insets(0.05, 0.05, 0.05, 0.05),
    "9:16": Insets(0.10, 0.08, 0.20, 0.08),
    "1:1": Insets(0.05, 0.05, 0.06, 0.05),
    "4:5": Insets(0.05, 0.05, 0.07, 0.05),
}
_DEFAULT_INSETS = Insets(0.05, 0.05, 0.06, 0.05)
LOGO_HEIGHT_OF_SHORT_SIDE = 0.12
LOGO_MAX_WIDTH_OF_WIDTH = 0.26
SUBTITLE_FONT_OF_SHORT_SIDE = 0.05
SUBTITLE_AREA_OF_HEIGHT = 0.30


@dataclass(frozen=True)
class CutLayout:
    width: int
    height: int
    safe: Box
    logo_boxes: tuple[Box, ...]  # leading partner first (rightmost when mirrored)
    subtitle_area: Box  # subtitles are centred in it horizontally and sit on its bottom edge
    font_px: int
    mirrored: bool = False  # right-to-left language: the layout reads from the right
    logo_aligns: tuple[str, ...] = ()  # per logo box: the edge its logo hugs (left, right, centre)
    platforms: tuple[str, ...] = ()  # whose interface `safe` keeps clear of

    @property
    def size(self) -> tuple[int, int]:
        return self.width, self.height


def parse_aspect(aspect: str) -> tuple[int, int]:
    found = re.fullmatch(r"\s*(\d{1,3})\s*:\s*(\d{1,3})\s*", aspect)
    if found is None or int(found[1]) == 0 or int(found[2]) == 0:
        raise UserInputError.single(
            None,
            f"aspect ratio {aspect!r} is not of the form W:H",
            f'use one of {", ".join(ASPECT_SIZES)} (quoted in YAML, e.g. "16:9")',
            field="cuts.aspects",
        )
    return int(found[1]), int(found[2])


def frame_size(aspect: str, height: int = REFERENCE_SHORT_SIDE) -> tuple[int, int]:
    """Output width and height (both even, as H.264 with 4:2:0 chroma requires)."""
    if height < MIN_HEIGHT:
        raise UserInputError.single(
            None, f"render height {height} is too small", f"use {MIN_HEIGHT} or more, e.g. 720 or 1080"
        )
    wide, tall = parse_aspect(aspect)
    base = ASPECT_SIZES.get(f"{wide}:{tall}")
    if base is None:
        short = REFERENCE_SHORT_SIDE
        base = (short * wide // tall, short) if wide >= tall else (short, short * tall // wide)
    scale = height / REFERENCE_SHORT_SIDE
    return _even(base[0] * scale), _even(base[1] * scale)


def cut_layout(
    aspect: str,
    height: int = REFERENCE_SHORT_SIDE,
    logo_count: int = 2,
    *,
    language: str | None = None,
    platforms: Sequence[str] = (),
) -> CutLayout:
    """The layout of one cut; `language` mirrors it when the language is written right to left.

    Everything is placed inside `safe`: the frame's own margins, narrowed to stay clear of the
    interface of every platform in `platforms` (render.safe_zones) for this aspect.
    """
    mirrored = bool(language) and is_right_to_left(language or "")
    width, frame_height = frame_size(aspect, height)
    short = min(width, frame_height)
    base = _SAFE_INSETS.get(_normal(aspect), _DEFAULT_INSETS)
    insets = clear_of_platforms(base, tuple(platforms), parse_aspect(aspect), mirrored=mirrored)
    safe = insets.box_in(width, frame_height)
    boxes = logo_boxes(safe, width, short, logo_count)
    aligns = tuple(logo_alignment(slot, len(boxes)) for slot in range(len(boxes)))
    # The subtitles take the lower part of the safe area, never reaching up into the logos.
    below_logos = max((box.bottom for box in boxes), default=safe.y) + round(short * 0.02)
    area_height = max(0, min(round(frame_height * SUBTITLE_AREA_OF_HEIGHT), safe.bottom - below_logos))
    subtitle_area = Box(safe.x, safe.bottom - area_height, safe.width, area_height)
    if mirrored:  # the leading partner takes the slot a reader meets first: the right
        boxes, aligns = boxes[::-1], aligns[::-1]
    return CutLayout(
        width=width,
        height=frame_height,
        safe=safe,
        logo_boxes=boxes,
        subtitle_area=subtitle_area,
        font_px=max(12, round(short * SUBTITLE_FONT_OF_SHORT_SIDE)),
        mirrored=mirrored,
        logo_aligns=aligns,
        platforms=tuple(platforms),
    )


def logo_boxes(safe: Box, frame_width: int, short_side: int, count: int) -> tuple[Box, ...]:
    """Equal boxes along the top of the safe area: first at the left edge, last at the right."""
    if count <= 0:
        return ()
    box_height = round(short_side * LOGO_HEIGHT_OF_SHORT_SIDE)
    gap = round(short_side * 0.02)
    box_width = min(round(frame_width * LOGO_MAX_WIDTH_OF_WIDTH), (safe.width - gap * (count - 1)) // count)
    if count == 1:
        return (Box(safe.x, safe.y, box_width, box_height),)
    step = (safe.width - box_width) / (count - 1)
    return tuple(Box(safe.x + round(step * slot), safe.y, box_width, box_height) for slot in range(count))


def place_logo(box: Box, logo_size: tuple[int, int], *, align: str) -> tuple[int, int]:
    """Top-left corner for a logo already scaled to fit `box`, hugging the box's outer edge."""
    logo_width, logo_height = logo_size
    y = box.y + (box.height - logo_height) // 2
    if align == "left":
        return box.x, y
    if align == "right":
        return box.right - logo_width, y
    return box.x + (box.width - logo_width) // 2, y


def logo_alignment(slot: int, count: int) -> str:
    """The edge a logo hugs in its box, for slots numbered from the left."""
    if slot == 0:
        return "left"
    return "right" if slot == count - 1 else "centre"


def subtitle_position(area: Box, image_size: tuple[int, int]) -> tuple[int, int]:
    """Top-left corner of a subtitle image: centred, resting on the bottom of the subtitle area."""
    image_width, image_height = image_size
    return area.x + (area.width - image_width) // 2, max(0, area.bottom - image_height)


def _normal(aspect: str) -> str:
    wide, tall = parse_aspect(aspect)
    return f"{wide}:{tall}"


def _even(value: float) -> int:
    return max(2, int(value / 2 + 0.5) * 2)
