"""Frames with the platforms' interface drawn over them: one per aspect (and reading direction).

For a run they are drawn over each cut's poster with the boxes the renderer actually placed, and
go into the partner's bundle beside the QC report; for `validate` they are drawn over a frame of
the source video, reframed as the cut will be, with the boxes the layout reserves, before
anything is rendered.
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from jointcampaign.campaign.load import LoadedCampaign
from jointcampaign.errors import UserInputError
from jointcampaign.pipeline.output_paths import aspect_slug
from jointcampaign.pipeline.results import CutOutcome
from jointcampaign.render.frame.layout import cut_layout, frame_size
from jointcampaign.render.frame.zone_preview import draw_zone_mask, save_png
from jointcampaign.render.geometry import Box
from jointcampaign.render.request import Focus
from jointcampaign.render.text.direction import is_right_to_left
from jointcampaign.render.video.encode import ffmpeg_exe
from jointcampaign.render.video.reframe import filter_chain, reframe

ZONE_DIR = "qc"  # inside a partner's payload, beside qc.html
_NEUTRAL = (96, 96, 96)  # the frame when there is no video to take one from yet


@dataclass(frozen=True)
class ZoneFrame:
    aspect: str
    right_to_left: bool
    path: Path
    language: str | None = None  # the cut it was drawn from (None: from the source, in validate)

    @property
    def label(self) -> str:
        direction = "right to left" if self.right_to_left else "left to right"
        return f"{self.aspect} ({direction}{f', {self.language}' if self.language else ''})"


def zone_file_name(aspect: str, right_to_left: bool) -> str:
    return f"safe-zones-{aspect_slug(aspect)}{'-rtl' if right_to_left else ''}.png"


def cut_zone_frames(loaded: LoadedCampaign, cuts: Sequence[CutOutcome], folder: Path) -> list[ZoneFrame]:
    """Per aspect and reading direction, the first of `cuts`' posters with the platforms' mask drawn."""
    platforms = tuple(loaded.campaign.cuts.platforms)
    chosen: dict[tuple[str, bool], CutOutcome] = {}
    for cut in cuts:
        chosen.setdefault((cut.aspect, is_right_to_left(cut.language)), cut)
    frames = []
    for (aspect, rtl), cut in chosen.items():
        with Image.open(cut.poster) as poster:
            picture = poster.convert("RGB")
        layout = cut_layout(aspect, min(picture.size), logo_count=len(loaded.campaign.partner_ids),
                            language=cut.language, platforms=platforms)  # fmt: skip
        shown = _boxes_on_video(cut.placed)
        image = draw_zone_mask(picture, aspect, platforms, mirrored=layout.mirrored, boxes=shown, safe=layout.safe)
        target = save_png(image, folder / zone_file_name(aspect, rtl))
        frames.append(ZoneFrame(aspect, rtl, target, cut.language))
    return frames


def source_zone_frames(loaded: LoadedCampaign, folder: Path, height: int) -> list[ZoneFrame]:
    """Per aspect (and per direction the languages need), a source frame with the layout and the mask."""
    campaign = loaded.campaign
    platforms = tuple(campaign.cuts.platforms)
    video = next((d for d in campaign.deliverables if d.kind == "video" and d.source), None)
    source = loaded.folder / video.source if video is not None and video.source else None
    focus = Focus(**video.focus.model_dump()) if video is not None and video.focus else Focus()
    rtl_language = next((lang for lang in campaign.languages if is_right_to_left(lang)), None)
    directions = [(False, None), *([(True, rtl_language)] if rtl_language else [])]
    frames = []
    for aspect in campaign.cuts.aspects:
        size = frame_size(aspect, height)
        picture = _source_frame(source, size, focus) if source is not None and source.is_file() else None
        for rtl, language in directions:
            layout = cut_layout(aspect, height, logo_count=len(campaign.partner_ids), language=language,
                                platforms=platforms)  # fmt: skip
            reserved = [(f"logo {slot + 1}", box) for slot, box in enumerate(layout.logo_boxes)]
            reserved.append(("subtitles", layout.subtitle_area))
            base = picture if picture is not None else Image.new("RGB", size, _NEUTRAL)
            image = draw_zone_mask(base, aspect, platforms, mirrored=layout.mirrored, boxes=reserved,
                                   safe=layout.safe)  # fmt: skip
            target = save_png(image, folder / zone_file_name(aspect, rtl))
            frames.append(ZoneFrame(aspect, rtl, target))
    return frames


def _boxes_on_video(placed: Sequence[tuple[str, Box]]) -> list[tuple[str, Box]]:
    """What the poster shows: logos and the DRAFT mark, and every subtitle as one extent.

    The end card's boxes are drawn on other frames; all the subtitles over one another would be a
    blur, so the box that holds them all shows how far subtitles ever reach.
    """
    shown = [(what, box) for what, box in placed if not what.startswith(("end card", "subtitle"))]
    subtitles = [box for what, box in placed if what.startswith("subtitle")]
    if subtitles:
        x, y = min(b.x for b in subtitles), min(b.y for b in subtitles)
        right, bottom = max(b.right for b in subtitles), max(b.bottom for b in subtitles)
        shown.append((f"subtitles ({len(subtitles)})", Box(x, y, right - x, bottom - y)))
    return shown


def _source_frame(source: Path, size: tuple[int, int], focus: Focus) -> Image.Image:
    """A frame from a third of the way into the source, reframed exactly as the cut will be."""
    from jointcampaign.media.probe import probe

    info = probe(source)
    chain = filter_chain(reframe((info.width, info.height), size, focus), "0:v", "out")
    command = [ffmpeg_exe(), "-v", "error", "-ss", f"{info.duration_s / 3:.3f}", "-i", str(source),
               "-filter_complex", chain, "-map", "[out]", "-frames:v", "1", "-f", "rawvideo",
               "-pix_fmt", "rgb24", "pipe:1"]  # fmt: skip
    done = subprocess.run(command, capture_output=True, check=False)
    expected = size[0] * size[1] * 3
    if done.returncode != 0 or len(done.stdout) < expected:
        raise UserInputError.single(
            source,
            "no picture could be decoded from the video to draw the safe zones over",
            "re-export the video as MP4 (H.264 video, AAC audio), check that it plays, and run again",
        )
    pixels = np.frombuffer(done.stdout[:expected], dtype=np.uint8).reshape(size[1], size[0], 3)
    return Image.fromarray(pixels)
