"""Decode a source once and hand out its frames, reframed for several cuts, as yuv420p.

One ffmpeg process decodes the source and splits it into one scaled stream per distinct
reframing; each stream arrives on its own pipe. Cuts that differ only in their overlays (every
partner's cut of one language and aspect) share one stream: each frame is read from the pipe
once and copied to every cut that reads it, so neither the decode nor the scaling is repeated.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import IO

from jointcampaign.errors import StageFailedError
from jointcampaign.media.probe import MediaInfo
from jointcampaign.render.video.encode import ffmpeg_exe, frame_friendly_env, widen_pipe
from jointcampaign.render.video.reframe import Reframe, filter_chain
from jointcampaign.render.video.yuv import frame_bytes

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


class _SharedStream:
    """One decoded stream read by several cuts: frame n is read once, then copied to each reader.

    A reader asking for frame n+1 waits until every reader has taken frame n, so the pipe is read
    in step with the slowest cut and no frame is buffered more than once.
    """

    def __init__(self, reader: io.FileIO, frame_size: int, readers: int):
        self._pipe = reader
        self._frame = bytearray(frame_size)
        self._readers = readers
        self._held = -1  # index of the frame in `_frame`; -1 before the first read
        self._taken = readers  # readers that have copied the held frame
        self._next = [0] * readers  # per reader: the index of the frame it wants next
        self._ended = False
        self._changed = threading.Condition()

    def read_into(self, reader: int, buffer: memoryview) -> bool:
        with self._changed:
            wanted = self._next[reader]
            while self._held < wanted and not self._ended:
                if self._taken == self._readers:
                    self._ended = not _read_whole(self._pipe, memoryview(self._frame))
                    if not self._ended:
                        self._held += 1
                        self._taken = 0
                    self._changed.notify_all()
                else:
                    self._changed.wait()
            if self._held < wanted:
                return False
            buffer[:] = self._frame
            self._next[reader] += 1
            self._taken += 1
            if self._taken == self._readers:
                self._changed.notify_all()
            return True

    def stop(self) -> None:
        """Wake every waiting reader with "no more frames" (another cut failed)."""
        with self._changed:
            self._ended = True
            self._changed.notify_all()


def _read_whole(reader: io.FileIO, view: memoryview) -> bool:
    filled = 0
    while filled < len(view):
        got = reader.readinto(view[filled:])
        if not got:
            return False
        filled += got
    return True


class SourceDecoder:
    """Context manager: `read_into(i, buffer)` fills the next frame for cut i, False at the end.

    `frames` holds one reframing per cut; equal reframings are decoded as one stream.
    """

    def __init__(self, source: Path, info: MediaInfo, frames: Sequence[Reframe], threads: int | None = None):
        self.source = source
        distinct = list(dict.fromkeys(frames))
        self.stream_of = [distinct.index(frame) for frame in frames]  # per cut: the stream it reads
        self.readers_of = [self.stream_of.count(stream) for stream in range(len(distinct))]
        self.sizes = [frame.size for frame in distinct]
        self.graph = decoder_graph(info, distinct)
        self.threads = threads
        self._readers: list[io.FileIO] = []
        self._shared: dict[int, _SharedStream] = {}
        self._slot = [self.stream_of[:cut].count(self.stream_of[cut]) for cut in range(len(frames))]
        self._errors: IO[bytes] | None = None
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def stream_count(self) -> int:
        return len(self.sizes)

    def __enter__(self) -> SourceDecoder:
        pipes = [os.pipe() for _ in self.sizes]
        command = [
            ffmpeg_exe(), "-hide_banner", "-nostdin", "-nostats", "-loglevel", "error",
            *(["-threads", str(self.threads)] if self.threads else []),
            "-i", str(self.source), "-filter_complex", self.graph,
        ]  # fmt: skip
        for index, (_, write_end) in enumerate(pipes):
            command += ["-map", f"[out{index}]", "-an", "-sn", "-dn"]
            # direct: each frame goes to its pipe in one write, not in 32 KiB pieces that wake the reader each time
            command += ["-avioflags", "direct", "-f", "rawvideo", "-pix_fmt", "yuv420p", f"pipe:{write_end}"]
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
        for stream, (read_end, _) in enumerate(pipes):
            widen_pipe(read_end)
            reader = io.FileIO(read_end, "rb")  # unbuffered: readinto fills frames directly
            self._readers.append(reader)
            if self.readers_of[stream] > 1:
                self._shared[stream] = _SharedStream(
                    reader, frame_bytes(self.sizes[stream]), self.readers_of[stream]
                )
        return self

    def read_into(self, cut: int, buffer: bytearray) -> bool:
        """Fill `buffer` with cut `cut`'s next whole frame; False at the end (a partial frame is dropped)."""
        stream = self.stream_of[cut]
        view = memoryview(buffer)[: frame_bytes(self.sizes[stream])]
        shared = self._shared.get(stream)
        if shared is not None:
            return shared.read_into(self._slot[cut], view)
        return _read_whole(self._readers[stream], view)

    def abort(self) -> None:
        for shared in self._shared.values():
            shared.stop()
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
