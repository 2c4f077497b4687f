from __future__ import annotations

import numpy as np
import pytest

from jointcampaign.render.video.yuv import YuvFrame, YuvOverlay, frame_bytes, rgb_to_yuv420, yuv420_to_rgb


def _frame_of(rgb: np.ndarray) -> tuple[bytearray, YuvFrame]:
    buffer = bytearray(rgb_to_yuv420(rgb))
    return buffer, YuvFrame.over(buffer, (rgb.shape[1], rgb.shape[0]))


@pytest.mark.parametrize("matrix", ["bt709", "bt601"])
def test_rgb_survives_a_round_trip_through_yuv(matrix: str) -> None:
    rng = np.random.default_rng(1)
    flat = np.repeat(np.repeat(rng.integers(0, 256, (8, 8, 3), dtype=np.uint8), 2, 0), 2, 1)  # one colour per block
    buffer = bytearray(rgb_to_yuv420(flat, matrix))
    back = yuv420_to_rgb(YuvFrame.over(buffer, (16, 16)), matrix)
    assert np.abs(back.astype(int) - flat).max() <= 3


def test_blending_in_yuv_equals_compositing_in_rgb_then_converting() -> None:
    rng = np.random.default_rng(7)
    background = np.repeat(np.repeat(rng.integers(0, 256, (32, 32, 3), dtype=np.uint8), 2, 0), 2, 1)
    overlay = rng.integers(0, 256, (64, 64, 4), dtype=np.uint8)
    alpha = overlay[:, :, 3:4].astype(float) / 255
    composite = np.rint(overlay[:, :, :3] * alpha + background * (1 - alpha)).astype(np.uint8)
    expected = np.frombuffer(rgb_to_yuv420(composite), dtype=np.uint8)
    buffer, frame = _frame_of(background)
    YuvOverlay.from_rgba(overlay, (0, 0), (64, 64)).blend_into(frame)
    got = np.frombuffer(buffer, dtype=np.uint8)
    assert np.abs(got[: 64 * 64].astype(int) - expected[: 64 * 64]).max() <= 1, "luma"
    assert np.abs(got[64 * 64 :].astype(int) - expected[64 * 64 :]).max() <= 2, "chroma (block averages)"


def test_opaque_and_clear_pixels_are_exact() -> None:
    background = np.full((8, 8, 3), 90, dtype=np.uint8)
    buffer, frame = _frame_of(background)
    before = bytes(buffer)
    patch = np.zeros((4, 4, 4), dtype=np.uint8)
    YuvOverlay.from_rgba(patch, (2, 2), (8, 8)).blend_into(frame)
    assert bytes(buffer) == before, "a clear overlay changes nothing"
    patch[...] = (255, 255, 255, 255)
    YuvOverlay.from_rgba(patch, (2, 2), (8, 8)).blend_into(frame)
    assert (frame.y[2:6, 2:6] == 235).all() and (frame.u[1:3, 1:3] == 128).all()
    assert frame.y[0, 0] == frame.y[7, 7] == np.frombuffer(before, np.uint8)[0], "outside is untouched"


def test_odd_positions_and_sizes_are_aligned_to_chroma_blocks() -> None:
    overlay = YuvOverlay.from_rgba(np.full((5, 7, 4), 255, np.uint8), (3, 1), (20, 10))
    assert (overlay.x, overlay.y) == (2, 0)
    assert overlay.size == (8, 6)
    assert overlay.luma_keep[0, 0] == 255 and overlay.luma_keep[1, 1] == 0, "the added margin is clear"


def test_overlays_are_clipped_to_the_frame() -> None:
    buffer = bytearray(frame_bytes((20, 10)))
    frame = YuvFrame.over(buffer, (20, 10))
    overlay = YuvOverlay.from_rgba(np.full((8, 30, 4), 255, np.uint8), (-4, 6), (20, 10))
    assert (overlay.x, overlay.y, overlay.size) == (0, 6, (20, 4))
    overlay.blend_into(frame)
    assert (frame.y[6:] == 235).all() and (frame.y[:6] == 0).all()
    assert YuvOverlay.from_rgba(np.full((4, 4, 4), 255, np.uint8), (40, 40), (20, 10)).size == (0, 0)
