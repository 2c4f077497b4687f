"""Read what a media file really contains (duration, size, codecs) with ffprobe."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from jointcampaign.errors import StageFailedError, ToolMissingError, UserInputError

PROBE_TIMEOUT_S = 60
_REEXPORT_FIX = (
    "re-export the video as MP4 (H.264 video, AAC audio) from your editor or phone, "
    "copy it into the campaign folder again, and check that it plays"
)


@dataclass(frozen=True)
class MediaInfo:
    """What ffprobe reports about a file, as displayed (rotation already applied to width/height)."""

    duration_s: float
    width: int
    height: int
    fps: float
    video_codec: str
    audio_codec: str | None
    pix_fmt: str
    has_audio: bool
    size_bytes: int
    frame_count: int
    video_duration_s: float = 0.0  # the picture alone; the container may run longer (audio tail)
    rate: str = ""  # the frame rate exactly as the stream states it, e.g. "30000/1001"
    color_space: str | None = None  # e.g. bt709, smpte170m; None when the stream does not say
    color_range: str | None = None  # tv (limited) or pc (full)

    @property
    def frame_duration_s(self) -> float:
        return 1.0 / self.fps if self.fps > 0 else 0.0

    @property
    def frame_rate(self) -> Fraction:
        """The frame rate as a fraction an encoder accepts exactly (29.97 becomes 30000/1001)."""
        stated = _fraction(self.rate)
        return stated if stated > 0 else Fraction(self.fps).limit_denominator(1001)

    @property
    def picture_duration_s(self) -> float:
        return self.video_duration_s or self.duration_s


def ffprobe_exe() -> str:
    found = shutil.which("ffprobe")
    if found is None:
        raise ToolMissingError(
            "ffprobe is not installed; it is needed to check videos. "
            "Install it with: sudo apt-get install ffmpeg"
        )
    return found


def probe(path: Path) -> MediaInfo:
    """Describe the first video stream (and first audio stream, if any) of `path`.

    Raises UserInputError when the file is missing, empty or not a readable video, because the
    fix is always on the user's side: supply a playable file.
    """
    if not path.is_file():
        raise UserInputError.single(path, "the video file does not exist", _REEXPORT_FIX)
    size = path.stat().st_size
    if size == 0:
        raise UserInputError.single(path, "the video file is empty (0 bytes)", _REEXPORT_FIX)
    report = _run_ffprobe(path)
    video = _first_stream(report, "video")
    if video is None:
        raise UserInputError.single(path, "the file contains no video stream", _REEXPORT_FIX)
    audio = _first_stream(report, "audio")
    width, height = _displayed_size(video)
    rate = _stated_rate(video)
    fps = float(rate)
    duration = _duration(report, video)
    if width <= 0 or height <= 0 or fps <= 0 or duration <= 0:
        raise UserInputError.single(
            path,
            f"the video stream is unreadable (size {width}x{height}, {fps:g} fps, {duration:g} s)",
            _REEXPORT_FIX,
        )
    frames = _frame_count(video, fps) or _count_video_packets(path) or round(duration * fps)
    return MediaInfo(
        duration_s=duration,
        width=width,
        height=height,
        fps=fps,
        video_codec=str(video.get("codec_name", "unknown")),
        audio_codec=str(audio["codec_name"]) if audio is not None and "codec_name" in audio else None,
        pix_fmt=str(video.get("pix_fmt", "unknown")),
        has_audio=audio is not None,
        size_bytes=size,
        frame_count=frames,
        video_duration_s=_number(video.get("duration")) or frames / fps,
        rate=f"{rate.numerator}/{rate.denominator}",
        color_space=_known(video.get("color_space")),
        color_range=_known(video.get("color_range")),
    )


def _run_ffprobe(path: Path) -> dict[str, Any]:
    command = [
        ffprobe_exe(),
        "-v", "error",
        "-print_format", "json",
        "-show_format", "-show_streams",
        str(path),
    ]  # fmt: skip
    try:
        done = subprocess.run(command, capture_output=True, timeout=PROBE_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired as exc:
        raise StageFailedError(f"ffprobe took longer than {PROBE_TIMEOUT_S} s on {path}") from exc
    detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
    if done.returncode != 0:
        reason = detail[-1] if detail else f"ffprobe exit code {done.returncode}"
        raise UserInputError.single(path, f"the file is not a readable video ({reason})", _REEXPORT_FIX)
    try:
        report: dict[str, Any] = json.loads(done.stdout or b"{}")
    except json.JSONDecodeError as exc:
        raise StageFailedError(f"ffprobe printed something that is not JSON for {path}") from exc
    return report


def _first_stream(report: dict[str, Any], kind: str) -> dict[str, Any] | None:
    for stream in report.get("streams", []):
        # Cover art in MP4/MP3 is a "video" stream with one frame; it is not the video.
        if stream.get("codec_type") == kind and not stream.get("disposition", {}).get("attached_pic"):
            return dict(stream)
    return None


def _displayed_size(video: dict[str, Any]) -> tuple[int, int]:
    width, height = int(video.get("width", 0)), int(video.get("height", 0))
    if abs(_rotation(video)) % 180 == 90:
        return height, width
    return width, height


def _rotation(video: dict[str, Any]) -> int:
    for side in video.get("side_data_list", []):
        if "rotation" in side:
            return int(float(side["rotation"]))
    return int(float(video.get("tags", {}).get("rotate", 0)))


def _stated_rate(video: dict[str, Any]) -> Fraction:
    for key in ("avg_frame_rate", "r_frame_rate"):
        rate = _fraction(video.get(key))
        if rate > 0:
            # Variable-rate phone videos state averages like 1798000/59971; encoders want 30000/1001.
            return rate if rate.denominator <= 1001 else rate.limit_denominator(1001)
    return Fraction(0)


def _known(raw: object) -> str | None:
    text = str(raw) if raw is not None else ""
    return text if text and text not in ("unknown", "reserved") else None


def _fraction(raw: object) -> Fraction:
    try:
        return Fraction(str(raw))
    except (ValueError, ZeroDivisionError):
        return Fraction(0)


def _duration(report: dict[str, Any], video: dict[str, Any]) -> float:
    for raw in (report.get("format", {}).get("duration"), video.get("duration")):
        value = _number(raw)
        if value > 0:
            return value
    return 0.0


def _number(raw: object) -> float:
    """ffprobe prints numbers as strings, and "N/A" where it does not know."""
    try:
        return float(str(raw))
    except ValueError:
        return 0.0


def _frame_count(video: dict[str, Any], fps: float) -> int:
    counted = int(_number(video.get("nb_frames", 0)))
    if counted > 0:
        return counted
    return round(_number(video.get("duration", 0)) * fps)


def _count_video_packets(path: Path) -> int:
    """For containers that store no frame count (MKV, WebM): count packets, which reads but never decodes."""
    command = [
        ffprobe_exe(), "-v", "error", "-select_streams", "v:0", "-count_packets",
        "-show_entries", "stream=nb_read_packets", "-of", "csv=p=0", str(path),
    ]  # fmt: skip
    try:
        done = subprocess.run(command, capture_output=True, timeout=PROBE_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        return 0
    return int(_number(done.stdout.decode().strip().split(",")[0] or 0)) if done.returncode == 0 else 0
