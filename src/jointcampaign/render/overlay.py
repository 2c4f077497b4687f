"""Blend small RGBA images (subtitles, logos) into video frames, touching only their own pixels.

Compositing whole-frame clips costs a full-frame blend per layer per frame; here each overlay is
premultiplied once, and a frame update is a few integer operations on a small region.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw, UnidentifiedImageError

from jointcampaign.errors import UserInputError
from jointcampaign.render.layout import Box

RGBFrame = npt.NDArray[np.uint8]
LOGO_PLATE_OPACITY = 0.9
_LOGO_FIX = "export the logo as a PNG with a transparent background and save it as logo.png in the brand kit"


@dataclass(frozen=True)
class Overlay:
    """An RGBA image at a fixed spot, stored premultiplied so blending needs no float maths."""

    x: int
    y: int
    premultiplied: npt.NDArray[np.uint16]  # rgb * alpha
    transparency: npt.NDArray[np.uint16]  # 255 - alpha, shape (h, w, 1)

    @classmethod
    def from_rgba(
        cls, rgba: npt.NDArray[np.uint8], position: tuple[int, int], frame_size: tuple[int, int]
    ) -> Overlay:
        """Clip the image to the frame (a too-wide subtitle must not break the blend)."""
        x, y = position
        frame_width, frame_height = frame_size
        left, top = max(0, -x), max(0, -y)
        right = min(rgba.shape[1], frame_width - x)
        bottom = min(rgba.shape[0], frame_height - y)
        visible = rgba[top:bottom, left:right] if right > left and bottom > top else rgba[:0, :0]
        alpha = visible[:, :, 3:4].astype(np.uint16)
        return cls(
            x=x + left,
            y=y + top,
            premultiplied=visible[:, :, :3].astype(np.uint16) * alpha,
            transparency=np.uint16(255) - alpha,
        )

    @property
    def box(self) -> Box:
        return Box(self.x, self.y, self.premultiplied.shape[1], self.premultiplied.shape[0])

    def blend_into(self, frame: RGBFrame) -> None:
        height, width = self.premultiplied.shape[:2]
        if not height or not width:
            return
        region = frame[self.y : self.y + height, self.x : self.x + width]
        mixed = region * self.transparency
        mixed += self.premultiplied
        mixed += 128
        # (v + (v >> 8)) >> 8 equals round(v / 255) for every value a blend can produce.
        mixed += mixed >> 8
        mixed >>= 8
        region[...] = mixed


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
