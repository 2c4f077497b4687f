"""Logos from brand kits, ready to burn in: trimmed, scaled to their box, on a light plate."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw, UnidentifiedImageError

from jointcampaign.errors import UserInputError
from jointcampaign.render.geometry import Box

LOGO_PLATE_OPACITY = 0.9
_LOGO_FIX = "export the logo as a PNG with a transparent background and save it as logo.png in the brand kit"


def load_logo(path: Path) -> Image.Image:
    try:
        with Image.open(path) as opened:
            logo: Image.Image = opened.convert("RGBA")
    except FileNotFoundError as exc:
        raise UserInputError.single(path, "the logo file does not exist", _LOGO_FIX) from exc
    except (UnidentifiedImageError, OSError) as exc:
        raise UserInputError.single(
            path, "the logo is not a readable image (PNG expected)", _LOGO_FIX
        ) from exc
    trimmed = logo.getchannel("A").getbbox()
    if trimmed is None:
        raise UserInputError.single(path, "the logo is completely transparent", _LOGO_FIX)
    return logo.crop(trimmed)


def logo_image(path: Path, box: Box, *, plate: bool = True) -> npt.NDArray[np.uint8]:
    """The logo scaled to fit `box`, on a light rounded plate so dark logos read on dark video."""
    logo = load_logo(path)
    pad = round(box.height * 0.12) if plate else 0
    scale = min((box.width - 2 * pad) / logo.width, (box.height - 2 * pad) / logo.height)
    size = (max(1, round(logo.width * scale)), max(1, round(logo.height * scale)))
    scaled = logo.resize(size, Image.Resampling.LANCZOS)
    if not plate:
        return np.array(scaled, dtype=np.uint8)
    card = Image.new("RGBA", (size[0] + 2 * pad, size[1] + 2 * pad), (0, 0, 0, 0))
    ImageDraw.Draw(card).rounded_rectangle(
        (0, 0, card.width - 1, card.height - 1),
        radius=round(pad * 1.2),
        fill=(255, 255, 255, round(255 * LOGO_PLATE_OPACITY)),
    )
    card.alpha_composite(scaled, (pad, pad))
    return np.array(card, dtype=np.uint8)
