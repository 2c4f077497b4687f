"""A frame of a cut with each platform's interface drawn over it, for people to check by eye.

The bands a platform's buttons and captions cover are shaded in that platform's colour, its
overlay-free region is outlined and named, and the boxes the layout filled (logos, subtitles,
the DRAFT mark) are outlined in white. The QC report and `validate --frames` show these images;
the figures come from render.safe_zones, the same data the placement and the checks use.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from jointcampaign.fileio import atomic_path
from jointcampaign.render.frame.layout import parse_aspect
from jointcampaign.render.frame.safe_zones import known_platforms, platform_safe_box
from jointcampaign.render.geometry import Box

# Distinct, colour-blind-friendly hues (Okabe–Ito), one per platform in the data file's order.
_PALETTE = ((230, 159, 0), (86, 180, 233), (0, 158, 115), (240, 228, 66), (204, 121, 167), (213, 94, 0))
_SHADE_ALPHA = 90  # the frame stays readable under two or three overlapping bands
_BOX_COLOUR = (255, 255, 255)


def platform_colour(platform: str) -> tuple[int, int, int]:
    names = known_platforms()
    return _PALETTE[names.index(platform) % len(_PALETTE)] if platform in names else _PALETTE[-1]


def draw_zone_mask(
    frame: Image.Image,
    aspect: str,
    platforms: Sequence[str],
    *,
    mirrored: bool = False,
    boxes: Sequence[tuple[str, Box]] = (),
    safe: Box | None = None,
) -> Image.Image:
    """`frame` (the cut's size) with every platform's covered bands shaded and its safe region outlined.

    `safe` is the area the layout itself keeps to (the cut's margins within every platform's
    region); it is outlined dashed, so a cut with no platform still shows where text may go.
    """
    picture = frame.convert("RGBA")
    width, height = picture.size
    line = max(1, round(min(width, height) / 240))
    font_px = max(10, round(min(width, height) / 30))
    font = ImageFont.load_default(size=font_px)
    shade = Image.new("RGBA", picture.size, (0, 0, 0, 0))
    shading = ImageDraw.Draw(shade)
    regions = [(name, platform_safe_box(name, (width, height), parse_aspect(aspect), mirrored=mirrored))
               for name in platforms]  # fmt: skip
    for name, region in regions:
        shaded = (*platform_colour(name), _SHADE_ALPHA)
        for band in _bands_outside(region, width, height):
            shading.rectangle(band, fill=shaded)
    picture = Image.alpha_composite(picture, shade)
    draw = ImageDraw.Draw(picture)
    for name, region in regions:
        draw.rectangle((region.x, region.y, region.right - 1, region.bottom - 1), outline=platform_colour(name),
                       width=line)  # fmt: skip
    if safe is not None:
        _dashed_rectangle(draw, safe, _BOX_COLOUR, line, dash=6 * line)
    for what, box in boxes:
        # A dark edge outside the white one: the box reads on light and dark video alike.
        draw.rectangle((box.x - line, box.y - line, box.right - 1 + line, box.bottom - 1 + line), outline=(0, 0, 0),
                       width=line)  # fmt: skip
        draw.rectangle((box.x, box.y, box.right - 1, box.bottom - 1), outline=_BOX_COLOUR, width=line)
        draw.text((box.x + line, box.bottom + line), what, fill=_BOX_COLOUR, font=font, stroke_width=line,
                  stroke_fill=(0, 0, 0))  # fmt: skip
    _legend(draw, [name for name, _ in regions], font, font_px, line)
    return picture.convert("RGB")


def _legend(draw: ImageDraw.ImageDraw, names: Sequence[str], font: ImageFont.FreeTypeFont | ImageFont.ImageFont,
            font_px: int, line: int) -> None:  # fmt: skip
    """Platform names in their colours, top left: a key, since several outlines may coincide."""
    x = y = 2 * line
    for name in names:
        draw.rectangle((x, y, x + font_px - 1, y + font_px - 1), fill=platform_colour(name), outline=(0, 0, 0))
        draw.text((x + font_px + 2 * line, y), name, fill=platform_colour(name), font=font, stroke_width=line,
                  stroke_fill=(0, 0, 0))  # fmt: skip
        y += font_px + 2 * line


def save_png(image: Image.Image, target: Path) -> Path:
    """Written beside the target and renamed into place: a reader never sees half an image."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(target) as temp:
        image.save(temp, format="PNG", optimize=True)
    return target


def _bands_outside(region: Box, width: int, height: int) -> list[tuple[int, int, int, int]]:
    """The parts of the frame outside `region`, as non-overlapping rectangles (inclusive corners)."""
    bands = []
    if region.y > 0:
        bands.append((0, 0, width - 1, region.y - 1))
    if region.bottom < height:
        bands.append((0, region.bottom, width - 1, height - 1))
    if region.x > 0 and region.height:
        bands.append((0, region.y, region.x - 1, region.bottom - 1))
    if region.right < width and region.height:
        bands.append((region.right, region.y, width - 1, region.bottom - 1))
    return bands


def _dashed_rectangle(draw: ImageDraw.ImageDraw, box: Box, colour: tuple[int, int, int], line: int,
                      dash: int) -> None:  # fmt: skip
    corners = [(box.x, box.y), (box.right - 1, box.y), (box.right - 1, box.bottom - 1), (box.x, box.bottom - 1)]
    for (x0, y0), (x1, y1) in zip(corners, corners[1:] + corners[:1], strict=True):
        length = max(abs(x1 - x0), abs(y1 - y0))
        for start in range(0, length, 2 * dash):
            end = min(start + dash, length)
            sx, sy = _along(x0, y0, x1, y1, start, length), _along(x0, y0, x1, y1, end, length)
            draw.line((sx, sy), fill=colour, width=line)


def _along(x0: int, y0: int, x1: int, y1: int, at: int, length: int) -> tuple[int, int]:
    if length == 0:
        return x0, y0
    return x0 + (x1 - x0) * at // length, y0 + (y1 - y0) * at // length
