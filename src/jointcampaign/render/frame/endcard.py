"""The end card: both logos, the offer in the cut's language, its code in large type, a QR code.

Drawn once per cut as an RGB still in the cut's safe zone and brand colours. Landscape cuts put
the words on the left and the QR code on the right (the other way round when the layout is
mirrored for a right-to-left language); taller cuts stack them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import numpy.typing as npt
from PIL import Image

from jointcampaign.render.frame.layout import CutLayout, place_logo
from jointcampaign.render.frame.overlay import logo_image
from jointcampaign.render.frame.qr import min_qr_px, qr_image
from jointcampaign.render.geometry import Box
from jointcampaign.render.request import EndCard
from jointcampaign.render.text.colour import RGB, parse_hex_colour, readable_text_colour
from jointcampaign.render.text.text_image import SubtitleStyle, render_subtitle

RGBImage = npt.NDArray[np.uint8]
OFFER_FONT_OF_SUBTITLE = 1.25
CODE_FONT_OF_SUBTITLE = 2.2
CAPTION_FONT_OF_SUBTITLE = 0.6
GRADIENT_DARKENING = 0.72  # the bottom of the card is this bright, relative to the brand colour


@dataclass(frozen=True)
class _Piece:
    image: npt.NDArray[np.uint8]  # RGBA
    name: str = "end card text"

    @property
    def width(self) -> int:
        return int(self.image.shape[1])

    @property
    def height(self) -> int:
        return int(self.image.shape[0])


def end_card_image(
    card: EndCard,
    layout: CutLayout,
    logos: Sequence[Path],
    *,
    language: str | None = None,
    font_dirs: Sequence[Path] | None = None,
    placed: list[tuple[str, Box]] | None = None,
) -> RGBImage:
    """The card as an (h, w, 3) RGB image of the cut's size; `placed` gets (what, where) of each piece."""
    placed = [] if placed is None else placed
    background = parse_hex_colour(card.background, field="colours.primary")
    canvas = Image.fromarray(_gradient(layout.size, background)).convert("RGBA")
    for slot, (path, box, align) in enumerate(zip(logos, layout.logo_boxes, layout.logo_aligns, strict=False)):
        logo = logo_image(path, box)
        position = place_logo(box, (logo.shape[1], logo.shape[0]), align=align)
        canvas.alpha_composite(Image.fromarray(logo), position)
        placed.append((f"end card logo {slot + 1}", Box(*position, logo.shape[1], logo.shape[0])))
    logo_bottom = max((box.bottom for box in layout.logo_boxes), default=layout.safe.y)
    gap = round(layout.font_px * 0.6)
    area = Box(layout.safe.x, logo_bottom + gap, layout.safe.width, layout.safe.bottom - logo_bottom - gap)
    landscape = layout.width > layout.height * 1.2
    words, side, scale, caption, qr_column = _fit_words(card, layout, area, gap, landscape, background,
                                                        language, font_dirs)  # fmt: skip
    if card.link and not landscape and side < min_qr_px(card.link) and layout.width >= layout.height:
        # A square cut whose safe area a platform shortened: words beside the code leave it room.
        landscape = True
        words, side, scale, caption, qr_column = _fit_words(card, layout, area, gap, landscape, background,
                                                            language, font_dirs)  # fmt: skip
    qr = [_Piece(_opaque(qr_image(card.link, max(side, 1))), "end card QR code")] if card.link else []
    qr += [caption] if caption else []
    if landscape:
        # A QR code has a smallest readable size; on a small frame it may need more than its column.
        rest = max(qr_column, *(piece.width for piece in qr)) if qr else 0
        column = area.width - rest
        if any(piece.width > column for piece in words):
            words = _words(card, round(layout.font_px * scale), column, background, language, font_dirs)
        # Mirrored: the QR column comes first from the left, the words take the right-hand side.
        words_x, qr_x = (area.x + rest, area.x) if layout.mirrored else (area.x, area.x + column)
        _stack(canvas, words, Box(words_x, area.y, column, area.height), gap, placed)
        if qr:
            _stack(canvas, qr, Box(qr_x, area.y, rest, area.height), gap // 2, placed)
    else:
        stacked = [*words, *qr]
        if caption and _stack_height(stacked, gap) > area.height:
            # A small frame: the QR code carries the link, so the host line is the piece to give up.
            stacked = [piece for piece in stacked if piece is not caption]
        _stack(canvas, stacked, area, gap, placed)
    return np.asarray(canvas.convert("RGB"), dtype=np.uint8).copy()


def _fit_words(
    card: EndCard,
    layout: CutLayout,
    area: Box,
    gap: int,
    landscape: bool,
    background: RGB,
    language: str | None,
    font_dirs: Sequence[Path] | None,
) -> tuple[list[_Piece], int, float, _Piece | None, int]:
    """The words, the QR code's side, the words' scale, the link caption and the QR column's width."""
    text_width = round(area.width * 0.58) if landscape and card.link else area.width
    # Landscape: the QR code and its caption share the column beside the words, so fit them to it.
    qr_column = area.width - round(area.width * 0.62) if landscape and card.link else area.width
    caption = _caption(card, layout.font_px, qr_column, background, font_dirs)
    scale = 1.0
    while True:
        words = _words(card, round(layout.font_px * scale), text_width, background, language, font_dirs)
        words_height = sum(piece.height for piece in words) + gap * len(words)
        caption_height = caption.height + gap if caption else 0
        if landscape:
            side = min(round(area.width * 0.36), area.height - caption_height)
        else:
            side = min(round(area.width * 0.55), area.height - words_height - caption_height)
        # Shrink the words until the QR code gets room for modules a phone reads off a screen.
        if not card.link or side >= min_qr_px(card.link) or scale < 0.5:
            return words, side, scale, caption, qr_column
        scale *= 0.85


def _words(
    card: EndCard,
    font_px: int,
    max_width: int,
    background: RGB,
    language: str | None,
    font_dirs: Sequence[Path] | None,
) -> list[_Piece]:
    pieces = []
    ink = _hex(readable_text_colour(background))
    if card.offer:
        style = SubtitleStyle(
            font_px=round(font_px * OFFER_FONT_OF_SUBTITLE),
            max_width=max_width,
            box_opacity=0.0,
            text_colour=ink,
            max_lines=3,
        )
        pieces.append(_Piece(render_subtitle(card.offer, style, language=language, search_dirs=font_dirs),
                             "end card offer"))  # fmt: skip
    if card.code:
        accent = parse_hex_colour(card.accent, field="colours.secondary")
        style = SubtitleStyle(
            font_px=round(font_px * CODE_FONT_OF_SUBTITLE),
            max_width=max_width,
            box_colour=card.accent,
            box_opacity=1.0,
            text_colour=_hex(readable_text_colour(accent)),
            max_lines=1,
        )
        pieces.append(_Piece(render_subtitle(card.code, style, search_dirs=font_dirs), "end card code"))
    return pieces


def _caption(
    card: EndCard, font_px: int, max_width: int, background: RGB, font_dirs: Sequence[Path] | None
) -> _Piece | None:
    """The link's host under the QR code, for people who type rather than scan."""
    host = urlsplit(card.link).netloc if card.link else ""
    if not host:
        return None
    style = SubtitleStyle(
        font_px=max(12, round(font_px * CAPTION_FONT_OF_SUBTITLE)),
        max_width=max_width,
        box_opacity=0.0,
        text_colour=_hex(readable_text_colour(background)),
        max_lines=1,
        weight="regular",
    )
    return _Piece(render_subtitle(host, style, search_dirs=font_dirs), "end card link caption")


def _opaque(rgb: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    return np.concatenate([rgb, np.full((*rgb.shape[:2], 1), 255, np.uint8)], axis=2)


def _stack_height(pieces: Sequence[_Piece], gap: int) -> int:
    return sum(piece.height for piece in pieces) + gap * max(0, len(pieces) - 1)


def _stack(
    canvas: Image.Image, pieces: Sequence[_Piece], area: Box, gap: int, placed: list[tuple[str, Box]]
) -> None:
    """Pieces centred horizontally in `area`, one under another, the block centred vertically."""
    total = _stack_height(pieces, gap)
    y = area.y + max(0, (area.height - total) // 2)
    for piece in pieces:
        x = area.x + (area.width - piece.width) // 2
        canvas.alpha_composite(Image.fromarray(piece.image), (max(0, x), max(0, y)))
        placed.append((piece.name, Box(max(0, x), max(0, y), piece.width, piece.height)))
        y += piece.height + gap


def _gradient(size: tuple[int, int], colour: RGB) -> RGBImage:
    width, height = size
    shade = np.linspace(1.0, GRADIENT_DARKENING, height, dtype=np.float32)[:, None, None]
    column = np.clip(np.array(colour, dtype=np.float32)[None, None, :] * shade, 0, 255).astype(np.uint8)
    return np.ascontiguousarray(np.broadcast_to(column, (height, width, 3)))


def _hex(rgb: RGB) -> str:
    return "#{:02X}{:02X}{:02X}".format(*rgb)
