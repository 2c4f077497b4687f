"""Fit a source frame into a cut's frame: crop around the focus point, or pad over a blurred copy.

The geometry is computed here in whole, even pixels (4:2:0 chroma needs even offsets and sizes)
and turned into an ffmpeg filter chain, so scaling runs inside the decoder, once per cut.
"""

from __future__ import annotations

from dataclasses import dataclass

from jointcampaign.render.geometry import Box
from jointcampaign.render.request import Fit, Focus

# A crop that keeps less than this share of the source's height cuts people and products in
# half (a portrait video in a landscape cut keeps 32 %); such cuts are padded instead.
MIN_KEPT_HEIGHT = 0.5
BLUR_DOWNSCALE = 16  # the background is blurred at 1/16 size: cheap, and smooth when scaled up
BACKGROUND_DIMMING = 0.65  # luma factor that sets the blurred background behind the picture


@dataclass(frozen=True)
class Reframe:
    fit: Fit  # what is actually done (a crop may have become a pad)
    source: tuple[int, int]
    size: tuple[int, int]  # the cut's frame
    window: Box  # the part of the source that is shown
    placed: Box  # where that part lands in the cut (the whole frame when cropping)
    background: Box | None = None  # pad only: the part of the source blurred behind it

    @property
    def kept_height(self) -> float:
        return self.window.height / self.source[1]


CENTRE = Focus()


def reframe(source: tuple[int, int], size: tuple[int, int], focus: Focus = CENTRE) -> Reframe:
    cover = _crop_window(source, size, focus)
    if focus.fit == "crop" and cover.height / source[1] >= MIN_KEPT_HEIGHT:
        return Reframe("crop", source, size, cover, Box(0, 0, *size))
    width, height = size
    scale = min(width / source[0], height / source[1])
    shown_w = min(width, _even(source[0] * scale))
    shown_h = min(height, _even(source[1] * scale))
    placed = Box(_even_floor((width - shown_w) / 2), _even_floor((height - shown_h) / 2), shown_w, shown_h)
    whole = Box(0, 0, _even_floor(source[0]), _even_floor(source[1]))
    return Reframe("pad", source, size, whole, placed, background=cover)


def filter_chain(frame: Reframe, start: str, end: str, *, full_range: bool = False) -> str:
    """ffmpeg filtergraph text from pad `start` to pad `end`, producing yuv420p at the cut's size."""
    width, height = frame.size
    to_tv = ":out_range=tv" if full_range else ""
    if frame.fit == "crop":
        return f"[{start}]{_crop(frame.window)},{_scale(width, height)}{to_tv},setsar=1,format=yuv420p[{end}]"
    assert frame.background is not None
    small_w, small_h = max(2, _even(width / BLUR_DOWNSCALE)), max(2, _even(height / BLUR_DOWNSCALE))
    placed = frame.placed
    return (
        f"[{start}]split=2[{end}_bg_in][{end}_fg_in];"
        f"[{end}_bg_in]{_crop(frame.background)},scale={small_w}:{small_h}:flags=area{to_tv},"
        f"boxblur=2:2,lutyuv=y=16+(val-16)*{BACKGROUND_DIMMING},"
        f"scale={width}:{height}:flags=bilinear,setsar=1,format=yuv420p[{end}_bg];"
        f"[{end}_fg_in]{_crop(frame.window)},{_scale(placed.width, placed.height)}{to_tv},"
        f"setsar=1,format=yuv420p[{end}_fg];"
        f"[{end}_bg][{end}_fg]overlay={placed.x}:{placed.y}:format=yuv420,format=yuv420p[{end}]"
    )


def _crop_window(source: tuple[int, int], size: tuple[int, int], focus: Focus) -> Box:
    """The largest window of the cut's shape inside the source, centred on the focus if it can be."""
    source_w, source_h = source
    width, height = size
    window_w = min(source_w, source_h * width / height)
    window_h = min(source_h, source_w * height / width)
    window_w, window_h = max(2, _even_floor(window_w)), max(2, _even_floor(window_h))
    x = _even_floor(min(max(focus.x * source_w - window_w / 2, 0), source_w - window_w))
    y = _even_floor(min(max(focus.y * source_h - window_h / 2, 0), source_h - window_h))
    return Box(x, y, window_w, window_h)


def _crop(window: Box) -> str:
    return f"crop={window.width}:{window.height}:{window.x}:{window.y}"


def _scale(width: int, height: int) -> str:
    return f"scale={width}:{height}:flags=bicubic"


def _even(value: float) -> int:
    return max(2, round(value / 2) * 2)


def _even_floor(value: float) -> int:
    return int(value // 2) * 2
