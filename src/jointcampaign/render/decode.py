"""Decode a source once and hand out its frames, reframed for several cuts, as yuv420p.

One ffmpeg process decodes the source and splits it into one scaled stream per cut; each stream
arrives on its own pipe, so the cuts of a language are made from a single decode.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import IO

from jointcampaign.errors import StageFailedError
from jointcampaign.media.probe import MediaInfo
from jointcampaign.render.encode import ffmpeg_exe, frame_friendly_env, widen_pipe
from jointcampaign.render.reframe import Reframe, filter_chain
from jointcampaign.render.yuv import frame_bytes

_STDERR_TAIL = 1500


def decoder_graph(info: MediaInfo, frames: Sequence[Reframe]) -> str:
    """The filtergraph: constant frame rate, split once per cut, then each cut's reframing."""
    full_range = info.color_range == "pc" or info.pix_fmt.startswith("yuvj")
    # A constant rate at the rate the encoder is told keeps picture and sound in step even when a
    # phone recorded with a variable frame rate.
    head = f"[0:v]fps={info.frame_rate.numerator}/{info.frame_rate.denominator}"
    if len(frames) == 1:
        return f"{head}[in0];" + filter_chain(frames[0], "in0", "out0", full_range=full_range)
    splits = "".join(f"[in{index}]" for index in range(len(frames)))
    chains = [
        filter_chain(frame, f"in{i}", f"out{i}", full_range=full_range) for i, frame in enumerate(frames)
    ]
    return f"{head},split={len(frames)}{splits};" + ";".join(chains)


class SourceDecoder:
    """Context manager: `read_into(i, buffer)` fills the next frame of stream i, False at the end."""

    def __init__(self, source: Path, info: MediaInfo, frames: Sequence[Reframe], threads: int | None = None):
        self.source = source
        self.sizes = [frame.size for frame in frames]
        self.graph = decoder_graph(info, frames)
        self.threads = threads
        self._readers: list[io.FileIO] = []
        self._errors: IO[bytes] | None = None
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> SourceDecoder:
        pipes = [os.pipe() for _ in self.sizes]
        command = [
            ffmpeg_exe(), "-hide_banner", "-nostdin", "-nostats", "-loglevel", "error",
            *(["-threads", str(self.threads)] if self.threads else []),
            "-i", str(self.source), "-filter_complex", self.graph,
        ]  # fmt: skip
        for index, (_, write_end) in enumerate(pipes):
            command += ["-map", f"[out{index}]", "-an", "-sn", "-dn"]
            command += ["-f", "rawvideo", "-pix_fmt", "yuv420p", f"pipe:{write_end}"]
        self._errors = tempfile.TemporaryFile()
        try:
            self._process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                env=frame_friendly_env(),
                stderr=self._errors,
                pass_fds=[write_end for _, write_end in pipes],
            )
        finally:
            for _, write_end in pipes:
                os.close(write_end)
        for read_end, _ in pipes:
            widen_pipe(read_end)
            self._readers.append(io.FileIO(read_end, "rb"))  # unbuffered: readinto fills frames directly
        return self

    def read_into(self, stream: int, buffer: bytearray) -> bool:
        """Fill `buffer` with the next whole frame; False at the end (a partial frame is dropped)."""
        view = memoryview(buffer)[: frame_bytes(self.sizes[stream])]
        reader = self._readers[stream]
        filled = 0
        while filled < len(view):
            got = reader.readinto(view[filled:])
            if not got:
                return False
            filled += got
        return True

    def abort(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.kill()

    def finish(self) -> None:
        """Wait for the decoder; raise if it failed (the caller has read every stream to its end)."""
        assert self._process is not None
        code = self._process.wait()
        if code != 0:
            raise StageFailedError(
                f"decoding {self.source.name} failed (ffmpeg exit code {code}).\n"
                f"  ffmpeg said: {self._stderr_tail() or '(nothing)'}\n"
                "  If the video plays normally, re-export it as MP4 (H.264 video, AAC audio) and try again."
            )

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if kind is not None:
            self.abort()
        for reader in self._readers:
            with contextlib.suppress(OSError):
                reader.close()
        if self._process is not None:
            if self._process.poll() is None and kind is None:
                self._process.wait()
            elif self._process.poll() is None:
                self._process.kill()
                self._process.wait()
        if self._errors is not None:
            self._errors.close()
            self._errors = None

    def _stderr_tail(self) -> str:
        if self._errors is None:
            return ""
        self._errors.seek(0)
        return self._errors.read().decode("utf-8", "replace").strip()[-_STDERR_TAIL:]
