"""Encode RGB frames from Python to an H.264/AAC MP4 with the ffmpeg that imageio-ffmpeg ships.

Frames go through a pipe; the audio is taken straight from the source file by ffmpeg, copied
when it is already AAC, so it is never decoded in Python nor drifts from the picture.
"""

from __future__ import annotations

import contextlib
import subprocess
import tempfile
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from types import TracebackType
from typing import IO

import imageio_ffmpeg
import numpy as np
import numpy.typing as npt

from jointcampaign.errors import StageFailedError, ToolMissingError

_STDERR_TAIL = 1500


@dataclass(frozen=True)
class EncodeSettings:
    preset: str = "veryfast"
    crf: int = 21
    threads: int | None = None
    audio_bitrate: str = "160k"


def ffmpeg_exe() -> str:
    try:
        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except RuntimeError as exc:
        raise ToolMissingError(
            "the ffmpeg binary of imageio-ffmpeg is missing; "
            "reinstall it with: pip install --force-reinstall imageio-ffmpeg==0.8.1"
        ) from exc


class H264Writer:
    """Context manager: `write(frame)` for each RGB frame, then the file is finalised on exit."""

    def __init__(
        self,
        out: Path,
        size: tuple[int, int],
        frame_rate: Fraction,
        settings: EncodeSettings,
        *,
        audio_from: Path | None = None,
        audio_codec: str | None = None,
    ) -> None:
        self.out = out
        self.size = size
        self.command = _command(out, size, frame_rate, settings, audio_from, audio_codec)
        self._errors: IO[bytes] | None = None
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> H264Writer:
        self._errors = tempfile.TemporaryFile()
        self._process = subprocess.Popen(
            self.command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=self._errors
        )
        return self

    def write(self, frame: npt.NDArray[np.uint8]) -> None:
        assert self._process is not None and self._process.stdin is not None
        width, height = self.size
        if frame.shape != (height, width, 3):
            raise ValueError(f"frame shape {frame.shape} does not match the output {width}x{height}")
        try:
            self._process.stdin.write(np.ascontiguousarray(frame).data)
        except (BrokenPipeError, OSError) as exc:
            raise self._failure("the encoder stopped while frames were still being written") from exc

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
    audio_from: Path | None,
    audio_codec: str | None,
) -> list[str]:
    width, height = size
    command = [
        ffmpeg_exe(), "-hide_banner", "-nostats", "-loglevel", "error", "-y",
        "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{width}x{height}",
        "-framerate", f"{frame_rate.numerator}/{frame_rate.denominator}", "-i", "pipe:0",
    ]  # fmt: skip
    if audio_from is not None:
        command += ["-i", str(audio_from), "-map", "0:v:0", "-map", "1:a:0"]
        if audio_codec == "aac":
            command += ["-c:a", "copy"]
        else:
            command += ["-c:a", "aac", "-b:a", settings.audio_bitrate]
    else:
        command += ["-map", "0:v:0"]
    # Frames arrive as full-range RGB; converting with the BT.709 matrix and tagging it keeps
    # colours the same in every player (untagged HD video is guessed inconsistently).
    command += [
        "-vf", "scale=out_color_matrix=bt709:out_range=tv,format=yuv420p",
        "-c:v", "libx264", "-preset", settings.preset, "-crf", str(settings.crf),
        "-pix_fmt", "yuv420p",
        "-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709", "-color_range", "tv",
        "-movflags", "+faststart",
    ]  # fmt: skip
    if settings.threads:
        command += ["-threads", str(settings.threads)]
    command += ["-f", "mp4", str(out)]
    return command
