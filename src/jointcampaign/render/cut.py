"""Render one co-branded cut: reframe the source, burn subtitles and both partners' logos, encode.

moviepy reads and reframes the source (ffmpeg scales while decoding); a per-frame function blends
pre-rendered subtitle and logo images into just the regions they cover. The result is written
beside the target, probed and checked, and only then renamed into place.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

import numpy as np
import numpy.typing as npt
from moviepy import VideoClip, VideoFileClip, vfx
from PIL import Image

from jointcampaign.errors import StageFailedError, UserInputError
from jointcampaign.fileio import atomic_path
from jointcampaign.media.probe import MediaInfo, probe
from jointcampaign.render.encode import EncodeSettings, H264Writer
from jointcampaign.render.layout import CutLayout, cut_layout, logo_alignment, place_logo, subtitle_position
from jointcampaign.render.overlay import Overlay, logo_image
from jointcampaign.render.text_image import SubtitleStyle, render_subtitle

Fit = Literal["crop", "pad"]
Frame = npt.NDArray[np.uint8]
PROGRESS_EVERY_FRAMES = 15


class CueLike(Protocol):
    """Anything with start/end in seconds and the text to show (the subtitles module's Cue fits)."""

    @property
    def start(self) -> float: ...

    @property
    def end(self) -> float: ...

    @property
    def text(self) -> str: ...


CueInput = CueLike | tuple[float, float, str]


@dataclass(frozen=True)
class CutRequest:
    source: Path
    cues: Sequence[CueInput]
    language: str
    out: Path
    aspect: str = "16:9"
    height: int = 1080
    logos: Sequence[Path] = ()  # leading partner first; every logo is shown for the whole cut
    brand_colour: str = "#000000"  # subtitle box
    text_colour: str | None = None  # None: white or near-black, whichever reads on the box
    fit: Fit = "crop"  # crop the source to fill the frame, or scale it whole and pad
    preset: str = "veryfast"
    crf: int = 21
    threads: int | None = None
    font_dirs: Sequence[Path] | None = None


@dataclass(frozen=True)
class CutResult:
    path: Path
    info: MediaInfo
    poster_path: Path


@dataclass(frozen=True)
class _TimedOverlay:
    start: float
    end: float
    overlay: Overlay


@dataclass
class _Burner:
    """The per-frame function: a copy of the frame with every visible overlay blended in."""

    logos: list[Overlay]
    subtitles: list[_TimedOverlay]
    starts: list[float] = field(init=False)

    def __post_init__(self) -> None:
        self.subtitles.sort(key=lambda item: item.start)
        self.starts = [item.start for item in self.subtitles]

    def __call__(self, get_frame: Callable[[float], Frame], t: float) -> Frame:
        frame = np.array(get_frame(t), dtype=np.uint8, copy=True)  # decoder buffers are read-only
        for logo in self.logos:
            logo.blend_into(frame)
        subtitle = self.subtitle_at(t)
        if subtitle is not None:
            subtitle.blend_into(frame)
        return frame

    def subtitle_at(self, t: float) -> Overlay | None:
        # The latest-starting cue wins when cues overlap, as in most players.
        shown = bisect.bisect_right(self.starts, t)
        for item in reversed(self.subtitles[:shown]):
            if t < item.end:
                return item.overlay
        return None


def render_cut(request: CutRequest, progress: Callable[[float], None] | None = None) -> CutResult:
    """Render, verify, then move the cut (and its poster JPEG beside it) into place."""
    source_info = probe(request.source)
    layout = cut_layout(request.aspect, request.height, logo_count=len(request.logos))
    cues = [_as_cue(cue) for cue in request.cues]
    burner = _Burner(_logo_overlays(request.logos, layout), _subtitle_overlays(cues, request, layout))
    clip = _reframed(request.source, source_info, layout, request.fit).transform(burner)
    frame_count = source_info.frame_count or round(source_info.duration_s * source_info.fps)
    # Ask moviepy for frame i at i / (its own fps): its reader maps times to frame numbers with
    # that rate, and a rate rounded differently (29.97 vs 30000/1001) would repeat frames.
    decoder_fps = float(getattr(clip, "fps", None) or source_info.fps)
    poster_index = _poster_frame_index(cues, source_info.fps, frame_count)
    settings = EncodeSettings(preset=request.preset, crf=request.crf, threads=request.threads)
    poster_path = request.out.with_suffix(".jpg")
    try:
        with atomic_path(request.out) as partial_video, atomic_path(poster_path) as partial_poster:
            with H264Writer(
                partial_video,
                layout.size,
                source_info.frame_rate,
                settings,
                audio_from=request.source if source_info.has_audio else None,
                audio_codec=source_info.audio_codec,
            ) as writer:
                for index in range(frame_count):
                    frame = clip.get_frame(index / decoder_fps)
                    writer.write(frame)
                    if index == poster_index:
                        Image.fromarray(frame).save(partial_poster, format="JPEG", quality=88)
                    if progress is not None and index % PROGRESS_EVERY_FRAMES == 0:
                        progress(index / frame_count)
            info = probe(partial_video)
            _check_output(info, source_info, layout, request.out)
    finally:
        clip.close()
    if progress is not None:
        progress(1.0)
    return CutResult(path=request.out, info=info, poster_path=poster_path)


def _as_cue(cue: CueInput) -> tuple[float, float, str]:
    if isinstance(cue, tuple):
        start, end, text = cue
        return float(start), float(end), str(text)
    return float(cue.start), float(cue.end), str(cue.text)


def _reframed(source: Path, info: MediaInfo, layout: CutLayout, fit: Fit) -> VideoClip:
    """Scale while decoding (fast), then crop the centre or pad, to exactly the layout's size."""
    width, height = layout.size
    cover = max(width / info.width, height / info.height)
    contain = min(width / info.width, height / info.height)
    scale = cover if fit == "crop" else contain
    scaled = (_even_at_least(info.width * scale, width if fit == "crop" else 2),
              _even_at_least(info.height * scale, height if fit == "crop" else 2))  # fmt: skip
    if fit == "pad":
        scaled = (min(scaled[0], width), min(scaled[1], height))
    target = None if scaled == (info.width, info.height) else scaled
    try:
        clip: VideoClip = VideoFileClip(str(source), audio=False, target_resolution=target)
    except (OSError, KeyError, IndexError) as exc:
        raise UserInputError.single(
            source,
            f"moviepy could not read the video ({exc})",
            "re-export it as MP4 (H.264 video, AAC audio)",
        ) from exc
    if fit == "crop":
        x1, y1 = (scaled[0] - width) // 2, (scaled[1] - height) // 2
        return clip.with_effects([vfx.Crop(x1=x1, y1=y1, width=width, height=height)])
    left, top = (width - scaled[0]) // 2, (height - scaled[1]) // 2

    def pad(frame: Frame) -> Frame:
        canvas = np.zeros((height, width, 3), dtype=np.uint8)
        canvas[top : top + frame.shape[0], left : left + frame.shape[1]] = frame[:, :, :3]
        return canvas

    return clip.image_transform(pad)


def _logo_overlays(logos: Sequence[Path], layout: CutLayout) -> list[Overlay]:
    overlays = []
    for slot, (path, box) in enumerate(zip(logos, layout.logo_boxes, strict=True)):
        image = logo_image(path, box)
        position = place_logo(box, (image.shape[1], image.shape[0]), align=logo_alignment(slot, len(logos)))
        overlays.append(Overlay.from_rgba(image, position, layout.size))
    return overlays


def _subtitle_overlays(
    cues: list[tuple[float, float, str]], request: CutRequest, layout: CutLayout
) -> list[_TimedOverlay]:
    """Every cue rendered up front: missing fonts or glyphs fail before any encoding starts."""
    style = SubtitleStyle(
        font_px=layout.font_px,
        max_width=layout.subtitle_area.width,
        box_colour=request.brand_colour,
        text_colour=request.text_colour,
    )
    rendered: dict[str, Overlay] = {}
    timed = []
    for start, end, text in cues:
        if not text.strip() or end <= start:
            continue
        if text not in rendered:
            image = render_subtitle(text, style, language=request.language, search_dirs=request.font_dirs)
            position = subtitle_position(layout.subtitle_area, (image.shape[1], image.shape[0]))
            rendered[text] = Overlay.from_rgba(image, position, layout.size)
        timed.append(_TimedOverlay(start, end, rendered[text]))
    return timed


def _poster_frame_index(cues: list[tuple[float, float, str]], fps: float, frame_count: int) -> int:
    """The middle of the first cue with text, so the poster shows a subtitle; else mid-video."""
    for start, end, text in sorted(cues):
        if text.strip() and end > start:
            return min(frame_count - 1, max(0, math.ceil(((start + end) / 2) * fps)))
    return frame_count // 2


def _check_output(info: MediaInfo, source: MediaInfo, layout: CutLayout, target: Path) -> None:
    problems = []
    if abs(info.duration_s - source.duration_s) > source.frame_duration_s + 1e-3:
        problems.append(f"duration {info.duration_s:.3f} s, source {source.duration_s:.3f} s")
    if (info.width, info.height) != layout.size:
        problems.append(f"size {info.width}x{info.height}, expected {layout.width}x{layout.height}")
    if info.video_codec != "h264" or info.pix_fmt != "yuv420p":
        problems.append(f"video {info.video_codec}/{info.pix_fmt}, expected h264/yuv420p")
    if source.has_audio and info.audio_codec != "aac":
        problems.append(f"audio {info.audio_codec or 'missing'}, expected aac")
    if problems:
        raise StageFailedError(f"the rendered cut {target.name} failed its checks: " + "; ".join(problems))


def _even_at_least(value: float, minimum: int) -> int:
    return max(minimum, math.ceil(value / 2) * 2)
