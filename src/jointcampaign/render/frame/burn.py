"""What is burned into each frame of a cut: both logos always, and the subtitle of the moment."""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from jointcampaign.render.frame.layout import CutLayout, place_logo, subtitle_position
from jointcampaign.render.frame.overlay import logo_image
from jointcampaign.render.geometry import Box
from jointcampaign.render.text.text_image import SubtitleStyle, fit_subtitle
from jointcampaign.render.video.yuv import YuvOverlay

Cue = tuple[float, float, str]


@dataclass(frozen=True)
class TimedOverlay:
    start: float
    end: float
    overlay: YuvOverlay


@dataclass
class SubtitleTrack:
    items: list[TimedOverlay]
    boxes: list[tuple[str, Box]] = field(default_factory=list)  # (what, where) per distinct subtitle
    fitting: list[str] = field(default_factory=list)  # subtitles that needed smaller type or a broken word
    starts: list[float] = field(init=False)

    def __post_init__(self) -> None:
        self.items.sort(key=lambda item: item.start)
        self.starts = [item.start for item in self.items]

    def at(self, t: float) -> YuvOverlay | None:
        # The latest-starting cue wins when cues overlap, as in most players.
        shown = bisect.bisect_right(self.starts, t)
        for item in reversed(self.items[:shown]):
            if t < item.end:
                return item.overlay
        return None


def logo_overlays(
    logos: Sequence[Path], layout: CutLayout, matrix: str, placed: list[tuple[str, Box]] | None = None
) -> list[YuvOverlay]:
    """Each logo on its plate, in its box; `placed` gets (what, where) of each, for the checks."""
    overlays = []
    for slot, (path, box, align) in enumerate(zip(logos, layout.logo_boxes, layout.logo_aligns, strict=True)):
        image = logo_image(path, box)
        position = place_logo(box, (image.shape[1], image.shape[0]), align=align)
        overlays.append(YuvOverlay.from_rgba(image, position, layout.size, matrix))
        if placed is not None:
            placed.append((f"logo {slot + 1}", Box(*position, image.shape[1], image.shape[0])))
    return overlays


def subtitle_track(
    cues: Sequence[Cue],
    layout: CutLayout,
    *,
    language: str,
    box_colour: str,
    text_colour: str | None,
    matrix: str,
    font_dirs: Sequence[Path] | None,
) -> SubtitleTrack:
    """Every cue rendered up front: missing fonts or glyphs fail before any encoding starts."""
    style = SubtitleStyle(
        font_px=layout.font_px,
        max_width=layout.subtitle_area.width,
        box_colour=box_colour,
        text_colour=text_colour,
    )
    rendered: dict[str, YuvOverlay] = {}
    timed = []
    boxes: list[tuple[str, Box]] = []
    fitting: list[str] = []
    for start, end, text in cues:
        if not text.strip() or end <= start:
            continue
        if text not in rendered:
            fitted = fit_subtitle(text, style, language=language, search_dirs=font_dirs)
            image = fitted.image
            position = subtitle_position(layout.subtitle_area, (image.shape[1], image.shape[0]))
            rendered[text] = YuvOverlay.from_rgba(image, position, layout.size, matrix)
            boxes.append((f"subtitle at {start:.2f} s", Box(*position, image.shape[1], image.shape[0])))
            if fitted.adjustments:
                fitting.append(f"subtitle at {start:.2f} s ({_snippet(text)}): " + "; ".join(fitted.adjustments))
        timed.append(TimedOverlay(start, end, rendered[text]))
    return SubtitleTrack(timed, boxes, fitting)


def _snippet(text: str, length: int = 24) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= length else flat[: length - 1] + "…"


def poster_frame_index(cues: Sequence[Cue], fps: float, frame_count: int) -> int:
    """The middle of the first cue with text, so the poster shows a subtitle; else mid-video."""
    for start, end, text in sorted(cues):
        if text.strip() and end > start:
            return min(frame_count - 1, max(0, math.ceil(((start + end) / 2) * fps)))
    return frame_count // 2
