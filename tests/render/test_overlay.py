from __future__ import annotations

from pathlib import Path

import pytest

from jointcampaign.demo.media import make_logo
from jointcampaign.errors import UserInputError
from jointcampaign.render.frame.layout import Box
from jointcampaign.render.frame.overlay import logo_image


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


def test_fully_transparent_logo_is_a_user_error(tmp_path: Path) -> None:
    from PIL import Image

    clear = tmp_path / "logo.png"
    Image.new("RGBA", (20, 20), (0, 0, 0, 0)).save(clear)
    with pytest.raises(UserInputError, match="transparent"):
        logo_image(clear, Box(0, 0, 100, 50))
