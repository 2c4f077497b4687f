"""How much memory a render pass needs, and how to split cuts into passes that fit a budget.

Figures are resident sizes measured on this project's ffmpeg 9 (libx264, preset veryfast):
an encoder holds about 35 MiB plus ~110 bytes per pixel of its frame with one thread, ~25 more per
extra thread (frame threads keep their own reference frames); the decoder ~60 MiB plus a few
queued frames per output stream; Python with fonts, overlays and two frame buffers per cut ~70 MiB.
Four 1080p aspects in one pass measured 1.1 GiB in all (bench/render.py).
"""

from __future__ import annotations

from collections.abc import Sequence

DEFAULT_BUDGET_MIB = 1400  # under the 1.5 GB promised for a 1080p render, with room to spare
PYTHON_MIB = 120
DECODER_MIB = 60
DECODER_BYTES_PER_OUTPUT_PIXEL = 24  # a few queued frames per scaled stream
ENCODER_MIB = 35
ENCODER_BYTES_PER_PIXEL = 110
ENCODER_BYTES_PER_PIXEL_PER_EXTRA_THREAD = 25
MIB = 1 << 20


def encoder_mib(size: tuple[int, int], threads: int) -> float:
    pixels = size[0] * size[1]
    per_pixel = ENCODER_BYTES_PER_PIXEL + ENCODER_BYTES_PER_PIXEL_PER_EXTRA_THREAD * max(0, threads - 1)
    return ENCODER_MIB + pixels * per_pixel / MIB


def pass_mib(sizes: Sequence[tuple[int, int]], threads: int) -> float:
    """Estimated peak resident memory of one pass: Python, the decoder and one encoder per size."""
    outputs = sum(width * height for width, height in sizes)
    decoder = DECODER_MIB + outputs * DECODER_BYTES_PER_OUTPUT_PIXEL / MIB
    return PYTHON_MIB + decoder + sum(encoder_mib(size, threads) for size in sizes)


def encoder_threads(cores: int, encoders: int) -> int:
    """Encoders running side by side share the cores; one thread each is also the leanest in memory."""
    return max(1, cores // max(1, encoders))


def plan_passes(sizes: Sequence[tuple[int, int]], budget_mib: float, cores: int) -> list[list[int]]:
    """Indexes of `sizes` grouped into passes (one decode each), in order, each within the budget.

    A cut too large for the budget on its own still gets a pass of its own: refusing to render
    would help nobody, and the budget has headroom.
    """
    passes: list[list[int]] = []
    current: list[int] = []
    for index in range(len(sizes)):
        candidate = [*current, index]
        threads = encoder_threads(cores, len(candidate))
        if current and pass_mib([sizes[i] for i in candidate], threads) > budget_mib:
            passes.append(current)
            candidate = [index]
        current = candidate
    if current:
        passes.append(current)
    return passes
