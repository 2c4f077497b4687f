from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from jointcampaign.demo.media import make_logo
from jointcampaign.errors import UserInputError
from jointcampaign.render.layout import Box
from jointcampaign.render.overlay import Overlay, logo_image


def test_blend_equals_rounded_alpha_compositing_for_every_alpha() -> None:
    rng = np.random.default_rng(7)
    alpha = np.arange(256, dtype=np.uint8).repeat(64).reshape(256, 64, 1)
    foreground = rng.integers(0, 256, size=(256, 64, 3), dtype=np.uint8)
    background = rng.integers(0, 256, size=(256, 64, 3), dtype=np.uint8)
    frame = background.copy()
    Overlay.from_rgba(np.concatenate([foreground, alpha], axis=2), (0, 0), (64, 256)).blend_into(frame)
    a = alpha.astype(np.float64)
    expected = np.rint((foreground * a + background * (255 - a)) / 255)
    assert np.array_equal(frame, expected.astype(np.uint8))


def test_blend_touches_only_the_overlay_region() -> None:
    frame = np.full((100, 200, 3), 40, dtype=np.uint8)
    patch = np.zeros((10, 20, 4), dtype=np.uint8)
    patch[...] = (255, 0, 0, 255)
    Overlay.from_rgba(patch, (30, 50), (200, 100)).blend_into(frame)
    assert (frame[50:60, 30:50] == (255, 0, 0)).all()
    frame[50:60, 30:50] = 40
    assert (frame == 40).all()


def test_overlay_is_clipped_to_the_frame() -> None:
    frame = np.zeros((50, 50, 3), dtype=np.uint8)
    patch = np.full((30, 80, 4), 255, dtype=np.uint8)
    overlay = Overlay.from_rgba(patch, (-10, 35), (50, 50))
    assert overlay.box == Box(0, 35, 50, 15)
    overlay.blend_into(frame)
    assert (frame[35:] == 255).all() and (frame[:35] == 0).all()


def test_logo_fits_its_box_on_a_light_plate(tmp_path: Path) -> None:
    logo = make_logo(tmp_path / "logo.png", "Corner Café", "#6F4E37", size=(256, 128))
    box = Box(0, 0, 300, 100)
    image = logo_image(logo, box)
    assert image.shape[0] <= box.height and image.shape[1] <= box.width
    assert image.shape[0] == box.height or image.shape[1] == box.width, (
        "the logo is as large as the box allows"
    )
    assert tuple(image[2, image.shape[1] // 2][:3]) == (255, 255, 255)


def test_unreadable_logo_is_a_user_error(tmp_path: Path) -> None:
    broken = tmp_path / "logo.png"
    broken.write_text("<svg/>")
    with pytest.raises(UserInputError) as caught:
        logo_image(broken, Box(0, 0, 100, 50))
    assert caught.value.problems[0].file == broken
