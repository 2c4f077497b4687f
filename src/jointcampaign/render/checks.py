"""Every rendered file is probed before it replaces anything: length, size, codecs, sound, and
whether its text boxes and logos stay clear of the platforms' own interface."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from jointcampaign.errors import RepeatableStageError, StageFailedError, UserInputError
from jointcampaign.media.probe import MediaInfo
from jointcampaign.render.frame.safe_zones import platform_safe_box
from jointcampaign.render.geometry import Box

_REEXPORT = (
    "re-export the video as MP4 (H.264 video, AAC audio), check that it plays to the end, and run again"
)


def check_decoded_frames(source: Path, decoded: int, expected: int) -> None:
    """A source that stops well before its stated length is damaged (a copy that broke off)."""
    if decoded == 0:
        raise UserInputError.single(source, "no picture could be decoded from the video", _REEXPORT)
    if decoded < expected - 1:
        raise UserInputError.single(
            source,
            f"the video ends after {decoded} of its {expected} frames; the file is probably truncated or damaged",
            _REEXPORT,
        )


def check_cut(
    info: MediaInfo,
    *,
    expected_s: float,
    frame_s: float,
    size: tuple[int, int],
    wants_audio: bool,
    target: Path,
) -> None:
    problems = []
    if abs(info.duration_s - expected_s) > frame_s + 1e-3:
        problems.append(f"duration {info.duration_s:.3f} s, expected {expected_s:.3f} s")
    if (info.width, info.height) != size:
        problems.append(f"size {info.width}x{info.height}, expected {size[0]}x{size[1]}")
    if info.video_codec != "h264" or info.pix_fmt != "yuv420p":
        problems.append(f"video {info.video_codec}/{info.pix_fmt}, expected h264/yuv420p")
    if wants_audio and info.audio_codec != "aac":
        problems.append(f"audio {info.audio_codec or 'missing'}, expected aac")
    if problems:
        raise StageFailedError(f"the rendered cut {target.name} failed its checks: " + "; ".join(problems))


def check_inside_safe_zones(
    target: Path,
    aspect: str,
    size: tuple[int, int],
    platforms: Sequence[str],
    placed: Sequence[tuple[str, Box]],
    *,
    mirrored: bool = False,
) -> None:
    """Every text box and logo of a cut lies where none of `platforms`' own interface covers it."""
    wide, tall = (int(part) for part in aspect.split(":"))
    problems = []
    for platform in platforms:
        region = platform_safe_box(platform, size, (wide, tall), mirrored=mirrored)
        problems += [
            f"the {what} ({box.describe()}) leaves the {platform} safe region ({region.describe()})"
            for what, box in placed
            if not region.contains(box)
        ]
    if problems:
        raise RepeatableStageError(
            f"the cut {target.name} ({aspect}) would be partly hidden by the apps' buttons and captions: "
            + "; ".join(problems)
            + ". Shorten the text or use a smaller logo, or remove that platform from cuts.platforms"
        )
