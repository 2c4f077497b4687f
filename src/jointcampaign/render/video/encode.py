"""Encode frames from Python to an H.264/AAC MP4 with the ffmpeg that imageio-ffmpeg ships.

Frames go through a pipe, as yuv420p (the renderer's own frames, passed through untouched) or as
RGB (still images, the demo generator). Audio is taken straight from the source file by ffmpeg,
so it is never decoded in Python nor drifts from the picture: copied when it is already AAC and
nothing is appended, else re-encoded, trimmed to the picture and padded with silence under the
end card.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import subprocess
import tempfile
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from types import TracebackType
from typing import IO, Literal

import imageio_ffmpeg
import numpy as np
import numpy.typing as npt

from jointcampaign.errors import StageFailedError, ToolMissingError

PixelFormat = Literal["rgb24", "yuv420p"]
_STDERR_TAIL = 1500
PIPE_BYTES = 1 << 20  # Linux's default pipe-max-size; 64 KiB pipes cost a wake-up per 64 KiB
_COLOUR_TAGS = {"bt709": ("bt709", "bt709", "bt709"), "bt601": ("smpte170m", "smpte170m", "smpte170m")}


@dataclass(frozen=True)
class EncodeSettings:
    preset: str = "veryfast"
    crf: int = 21
    threads: int | None = None
    audio_bitrate: str = "160k"


@dataclass(frozen=True)
class AudioPlan:
    """Where the cut's sound comes from and how long it must be."""

    source: Path
    codec: str | None
    keep_s: float | None = None  # cut the source's audio here (where the picture ends)
    total_s: float | None = None  # then pad with silence to this length (the end card)

    @property
    def can_copy(self) -> bool:
        return self.codec == "aac" and self.keep_s is None and self.total_s is None


def ffmpeg_exe() -> str:
    try:
        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except RuntimeError as exc:
        raise ToolMissingError(
            "the ffmpeg binary of imageio-ffmpeg is missing; "
            "reinstall it with: pip install --force-reinstall imageio-ffmpeg==0.8.1"
        ) from exc


def frame_friendly_env() -> dict[str, str]:
    """The environment for ffmpeg processes that pass whole raw frames through pipes.

    glibc serves each multi-megabyte frame buffer with a fresh mmap and unmaps it when freed, so
    every frame costs ~750 page faults; taking them from the heap instead lets buffers be reused.
    """
    return {**os.environ, "MALLOC_MMAP_THRESHOLD_": str(32 << 20), "MALLOC_TRIM_THRESHOLD_": str(256 << 20)}


def widen_pipe(fd: int) -> None:
    with contextlib.suppress(OSError, AttributeError):  # not Linux, or over the system's limit
        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, PIPE_BYTES)


class H264Writer:
    """Context manager: `write(frame)` or `write_raw(buffer)` per frame; the file is final on exit."""

    def __init__(
        self,
        out: Path,
        size: tuple[int, int],
        frame_rate: Fraction,
        settings: EncodeSettings,
        *,
        audio_from: Path | None = None,
        audio_codec: str | None = None,
        audio: AudioPlan | None = None,
        pixel_format: PixelFormat = "rgb24",
        matrix: str = "bt709",
    ) -> None:
        self.out = out
        self.size = size
        self.pixel_format = pixel_format
        plan = audio or (AudioPlan(audio_from, audio_codec) if audio_from is not None else None)
        self.command = _command(out, size, frame_rate, settings, plan, pixel_format, matrix)
        self._errors: IO[bytes] | None = None
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> H264Writer:
        self._errors = tempfile.TemporaryFile()
        self._process = subprocess.Popen(
            self.command,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=self._errors,
            env=frame_friendly_env(),
        )
        assert self._process.stdin is not None
        widen_pipe(self._process.stdin.fileno())
        return self

    def write(self, frame: npt.NDArray[np.uint8]) -> None:
        width, height = self.size
        if self.pixel_format != "rgb24" or frame.shape != (height, width, 3):
            raise ValueError(f"frame shape {frame.shape} does not match the output {width}x{height} RGB")
        self.write_raw(np.ascontiguousarray(frame).data)

    def write_raw(self, data: bytes | bytearray | memoryview) -> None:
        """One whole frame in the writer's pixel format."""
        assert self._process is not None and self._process.stdin is not None
        try:
            self._process.stdin.write(data)
        except (BrokenPipeError, OSError, ValueError) as exc:
            raise self._failure("the encoder stopped while frames were still being written") from exc

    def close_input(self) -> None:
        """No more frames: the encoder flushes now, while other cuts are still being fed, instead of
        one after another when the writers are closed (each flush is the encoder's last few frames)."""
        assert self._process is not None and self._process.stdin is not None
        try:
            self._process.stdin.close()
        except (BrokenPipeError, OSError) as exc:
            raise self._failure("the encoder stopped before it had every frame") from exc

    def abort(self) -> None:
        """Stop the encoder now (another part of the render failed); safe from any thread."""
        if self._process is not None and self._process.poll() is None:
            self._process.kill()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        process = self._process
        assert process is not None and process.stdin is not None
        with contextlib.suppress(OSError):  # a broken pipe is reported through the exit code below
            process.stdin.close()
        if kind is not None:
            process.kill()
            process.wait()
            self._close_log()
            return
        code = process.wait()
        if code != 0:
            failure = self._failure(f"the encoder exited with code {code}")
            self._close_log()
            raise failure
        self._close_log()

    def _failure(self, what: str) -> StageFailedError:
        detail = ""
        if self._errors is not None:
            self._errors.seek(0)
            detail = self._errors.read().decode("utf-8", "replace").strip()[-_STDERR_TAIL:]
        return StageFailedError(
            f"encoding {self.out.name} failed: {what}.\n  ffmpeg said: {detail or '(nothing)'}\n"
            "  If the source plays normally, report this with the message above; "
            "meanwhile try JOINTCAMPAIGN_VIDEO_PRESET=medium or a lower render height."
        )

    def _close_log(self) -> None:
        if self._errors is not None:
            self._errors.close()
            self._errors = None


def _command(
    out: Path,
    size: tuple[int, int],
    frame_rate: Fraction,
    settings: EncodeSettings,
    audio: AudioPlan | None,
    pixel_format: PixelFormat,
    matrix: str,
) -> list[str]:
    width, height = size
    space, primaries, transfer = _COLOUR_TAGS.get(matrix, _COLOUR_TAGS["bt709"])
    tags = ["-colorspace", space, "-color_primaries", primaries, "-color_trc", transfer, "-color_range", "tv"]
    command = [
        ffmpeg_exe(), "-hide_banner", "-nostats", "-loglevel", "error", "-y",
        "-f", "rawvideo", "-pix_fmt", pixel_format, "-s", f"{width}x{height}",
        "-framerate", f"{frame_rate.numerator}/{frame_rate.denominator}",
        # Frames already in the output's colours must say so, or ffmpeg "converts" them from its guess.
        *(tags if pixel_format == "yuv420p" else []),
        "-i", "pipe:0",
    ]  # fmt: skip
    if audio is not None:
        command += ["-i", str(audio.source), "-map", "0:v:0", "-map", "1:a:0"]
        command += ["-c:a", "copy"] if audio.can_copy else _audio_filters(audio, settings)
    else:
        command += ["-map", "0:v:0"]
    if pixel_format == "rgb24":
        # Full-range RGB converted with the matrix the file is tagged with, so every player agrees.
        command += ["-vf", f"scale=out_color_matrix={space if matrix == 'bt709' else 'bt601'}:out_range=tv"]
    command += [
        "-c:v", "libx264", "-preset", settings.preset, "-crf", str(settings.crf), "-pix_fmt", "yuv420p",
        *tags, "-movflags", "+faststart",
    ]  # fmt: skip
    if settings.threads:
        command += ["-threads", str(settings.threads)]
    command += ["-f", "mp4", str(out)]
    return command


def _audio_filters(audio: AudioPlan, settings: EncodeSettings) -> list[str]:
    steps = []
    if audio.keep_s is not None:
        steps.append(f"atrim=end={audio.keep_s:.6f}")
    if audio.total_s is not None:
        steps.append(f"apad=whole_dur={audio.total_s:.6f}")
    filters = ["-af", ",".join(steps)] if steps else []
    return [*filters, "-c:a", "aac", "-b:a", settings.audio_bitrate]
