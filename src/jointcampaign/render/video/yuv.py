"""Frames as the encoder wants them (planar 4:2:0 YUV, limited range) and overlays blended in place.

The decoder hands frames over already in yuv420p and the encoder takes them back as they are,
so no frame is ever converted to RGB. Each overlay (a subtitle, a logo) is converted once, with
alpha premultiplied per plane; blending a frame is then a few integer operations on the small
rectangles the overlays cover. Chroma is blended at quarter resolution with the average alpha of
each 2×2 block, which equals compositing in RGB and then subsampling, as an encoder would.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Plane = npt.NDArray[np.uint8]
Wide = npt.NDArray[np.uint16]

# (Kr, Kb) luma coefficients; HD video is BT.709, SD (and many phone exports) BT.601.
_MATRICES = {"bt709": (0.2126, 0.0722), "bt601": (0.299, 0.114)}
_BT601_NAMES = {"smpte170m", "bt470bg", "bt601", "fcc"}


def matrix_name(color_space: str | None) -> str:
    return "bt601" if (color_space or "").lower() in _BT601_NAMES else "bt709"


def frame_bytes(size: tuple[int, int]) -> int:
    width, height = size
    return width * height * 3 // 2


@dataclass(frozen=True)
class YuvFrame:
    """Views of the three planes inside one contiguous yuv420p buffer (no copies)."""

    y: Plane
    u: Plane
    v: Plane

    @classmethod
    def over(cls, buffer: bytearray | memoryview, size: tuple[int, int]) -> YuvFrame:
        width, height = size
        flat = np.frombuffer(buffer, dtype=np.uint8, count=frame_bytes(size))
        luma = width * height
        quarter = luma // 4
        return cls(
            y=flat[:luma].reshape(height, width),
            u=flat[luma : luma + quarter].reshape(height // 2, width // 2),
            v=flat[luma + quarter :].reshape(height // 2, width // 2),
        )


def rgb_to_yuv420(rgb: npt.NDArray[np.uint8], matrix: str = "bt709") -> bytes:
    """A whole RGB image (even width and height) as yuv420p bytes, for still frames like end cards."""
    luma, cb, cr = _to_yuv(rgb.astype(np.float32), matrix)
    height, width = luma.shape
    blocks = (height // 2, 2, width // 2, 2)
    u = cb.reshape(blocks).mean(axis=(1, 3))
    v = cr.reshape(blocks).mean(axis=(1, 3))
    return b"".join(_to_u8(plane).tobytes() for plane in (luma, u, v))


def yuv420_to_rgb(frame: YuvFrame, matrix: str = "bt709") -> npt.NDArray[np.uint8]:
    """An RGB picture of a frame (posters); chroma is upsampled by repetition, fine for a JPEG."""
    kr, kb = _MATRICES[matrix]
    kg = 1 - kr - kb
    luma = (frame.y.astype(np.float32) - 16) * (255 / 219)
    cb = np.repeat(np.repeat(frame.u.astype(np.float32) - 128, 2, axis=0), 2, axis=1) * (255 / 224)
    cr = np.repeat(np.repeat(frame.v.astype(np.float32) - 128, 2, axis=0), 2, axis=1) * (255 / 224)
    red = luma + 2 * (1 - kr) * cr
    blue = luma + 2 * (1 - kb) * cb
    green = (luma - kr * red - kb * blue) / kg
    return _to_u8(np.stack([red, green, blue], axis=2))


@dataclass(frozen=True)
class YuvOverlay:
    """An RGBA image at a fixed, even position, premultiplied per plane for integer blending."""

    x: int
    y: int
    luma: Wide  # Y * alpha
    luma_keep: Wide  # 255 - alpha
    chroma: Wide  # (2, h/2, w/2): U and V times the block's mean alpha
    chroma_keep: Wide  # 255 - the block's mean alpha

    @classmethod
    def from_rgba(
        cls,
        rgba: npt.NDArray[np.uint8],
        position: tuple[int, int],
        frame_size: tuple[int, int],
        matrix: str = "bt709",
    ) -> YuvOverlay:
        x, y, visible = _aligned_and_clipped(rgba, position, frame_size)
        alpha = visible[:, :, 3].astype(np.float32)
        luma, cb, cr = _to_yuv(visible[:, :, :3].astype(np.float32), matrix)
        height, width = alpha.shape
        blocks = (height // 2, 2, width // 2, 2)
        block_alpha = alpha.reshape(blocks).mean(axis=(1, 3))
        chroma = np.stack([(plane * alpha).reshape(blocks).mean(axis=(1, 3)) for plane in (cb, cr)])
        return cls(
            x=x,
            y=y,
            luma=_wide(luma * alpha),
            luma_keep=_wide(255 - alpha),
            chroma=_wide(chroma),
            chroma_keep=_wide(255 - block_alpha),
        )

    @property
    def size(self) -> tuple[int, int]:
        return self.luma.shape[1], self.luma.shape[0]

    def blend_into(self, frame: YuvFrame) -> None:
        width, height = self.size
        if not width or not height:
            return
        _blend(frame.y[self.y : self.y + height, self.x : self.x + width], self.luma, self.luma_keep)
        cx, cy, cw, ch = self.x // 2, self.y // 2, width // 2, height // 2
        _blend(frame.u[cy : cy + ch, cx : cx + cw], self.chroma[0], self.chroma_keep)
        _blend(frame.v[cy : cy + ch, cx : cx + cw], self.chroma[1], self.chroma_keep)


def _blend(region: Plane, premultiplied: Wide, keep: Wide) -> None:
    mixed = region * keep
    mixed += premultiplied
    mixed += 128
    # (v + (v >> 8)) >> 8 equals round(v / 255) for every value a blend can produce.
    mixed += mixed >> 8
    mixed >>= 8
    region[...] = mixed


def _aligned_and_clipped(
    rgba: npt.NDArray[np.uint8], position: tuple[int, int], frame_size: tuple[int, int]
) -> tuple[int, int, npt.NDArray[np.uint8]]:
    """Move the image to even coordinates, grow it to even size with clear pixels, clip to the frame."""
    x, y = position
    pad_left, pad_top = x % 2, y % 2
    x, y = x - pad_left, y - pad_top
    height, width = rgba.shape[:2]
    grown = np.zeros(
        (height + pad_top + (height + pad_top) % 2, width + pad_left + (width + pad_left) % 2, 4), np.uint8
    )
    grown[pad_top : pad_top + height, pad_left : pad_left + width] = rgba
    frame_w, frame_h = frame_size
    # Everything here is even (frame sizes are), so the clipped image stays aligned to chroma blocks.
    left, top = max(0, -x), max(0, -y)
    right, bottom = min(grown.shape[1], frame_w - x), min(grown.shape[0], frame_h - y)
    if right <= left or bottom <= top:
        return max(0, x), max(0, y), grown[:0, :0]
    return x + left, y + top, grown[top:bottom, left:right]


def _to_yuv(
    rgb: npt.NDArray[np.float32], matrix: str
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    """Limited-range (TV) Y, Cb, Cr as floats, from full-range RGB."""
    kr, kb = _MATRICES[matrix]
    red, green, blue = rgb[:, :, 0], rgb[:, :, 1], rgb[:, :, 2]
    luma = kr * red + (1 - kr - kb) * green + kb * blue
    cb = (blue - luma) / (2 * (1 - kb))
    cr = (red - luma) / (2 * (1 - kr))
    return 16 + luma * (219 / 255), 128 + cb * (224 / 255), 128 + cr * (224 / 255)


def _wide(values: npt.NDArray[np.float32]) -> Wide:
    return np.rint(values).astype(np.uint16)


def _to_u8(values: npt.NDArray[np.float32]) -> Plane:
    return np.clip(np.rint(values), 0, 255).astype(np.uint8)
