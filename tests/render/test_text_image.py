from __future__ import annotations

import numpy as np
import pytest

from jointcampaign.errors import UserInputError
from jointcampaign.render.text.colour import NEAR_BLACK, WHITE, parse_hex_colour, readable_text_colour
from jointcampaign.render.text.text_image import SubtitleStyle, render_subtitle, text_mask

STYLE = SubtitleStyle(
    font_px=40, max_width=1200, box_colour="#000000", box_opacity=1.0, text_colour="#FFFFFF"
)


def _ink_rows(image: np.ndarray) -> np.ndarray:
    """Rows holding white text on the black box."""
    return np.flatnonzero((image[:, :, 0] > 128).any(axis=1))


def _differs_substantially(first: np.ndarray, second: np.ndarray) -> bool:
    if first.shape != second.shape:
        return True
    return float(np.mean(np.abs(first.astype(int) - second.astype(int)))) > 5.0


@pytest.mark.parametrize(("word", "language"), [("مرحبا", "ar"), ("السلام", "ar")])
def test_arabic_is_shaped_not_drawn_letter_by_letter(word: str, language: str) -> None:
    shaped = text_mask(word, 48, language=language)
    unshaped = text_mask(word, 48, language=language, shaped=False)
    assert _differs_substantially(shaped, unshaped)


def test_arabic_reads_right_to_left() -> None:
    # Alef (the first letter, the tallest stroke) must end up at the right, beh at the left.
    mask = text_mask("ا ب", 64, language="ar")
    top_row = int(np.argmax((mask > 0).any(axis=1)))
    tallest_columns = np.flatnonzero(mask[top_row] > 0)
    assert tallest_columns.min() > mask.shape[1] // 2


def test_devanagari_conjuncts_are_formed() -> None:
    shaped = text_mask("क्ष त्र", 48, language="hi")
    unshaped = text_mask("क्ष त्र", 48, language="hi", shaped=False)
    assert _differs_substantially(shaped, unshaped)


@pytest.mark.parametrize("text", ["gjpqy", "Cà phê sữa đá Ấỹ", "早上好 gj", "مرحبا بكم ججج", "नमस्ते दुनिया"])
def test_nothing_is_clipped_at_the_edges_of_the_box(text: str) -> None:
    image = render_subtitle(text, STYLE)
    rows = _ink_rows(image)
    assert rows.size, "some text must be drawn"
    pad_x, pad_y = STYLE.padding
    assert rows.min() >= pad_y // 2, "ascenders and stacked diacritics touch the top"
    assert rows.max() <= image.shape[0] - 1 - pad_y // 2, "descenders are clipped"
    columns = np.flatnonzero((image[:, :, 0] > 128).any(axis=0))
    assert columns.min() >= pad_x // 2 and columns.max() <= image.shape[1] - 1 - pad_x // 2


def test_descenders_reach_below_the_baseline_of_a_word_without_them() -> None:
    with_descenders = _ink_rows(render_subtitle("gjpqy", STYLE))
    without = _ink_rows(render_subtitle("abcde", STYLE))
    assert with_descenders.max() > without.max() + 5


def test_long_text_wraps_to_two_lines_within_the_width() -> None:
    style = SubtitleStyle(font_px=40, max_width=500)
    image = render_subtitle("Show your receipt at the flower shop and save ten percent today", style)
    assert image.shape[1] <= 500
    assert image.shape[0] > 2 * 40


def test_chinese_wraps_between_characters() -> None:
    style = SubtitleStyle(font_px=40, max_width=400)
    image = render_subtitle("早上好欢迎光临我们的咖啡馆和花店今天", style, language="zh-Hans")
    assert image.shape[1] <= 400 and image.shape[0] > 2 * 40


def test_box_has_the_brand_colour_and_chosen_opacity() -> None:
    style = SubtitleStyle(font_px=40, max_width=1000, box_colour="#C2185B", box_opacity=0.8)
    image = render_subtitle("Hola", style)
    corner_inside = image[image.shape[0] // 2, 3]
    assert tuple(corner_inside[:3]) == (0xC2, 0x18, 0x5B)
    assert corner_inside[3] == round(255 * 0.8)


def test_text_colour_reads_on_light_and_dark_boxes() -> None:
    assert readable_text_colour(parse_hex_colour("#6F4E37")) == WHITE
    assert readable_text_colour(parse_hex_colour("#FFEB3B")) == NEAR_BLACK


def test_bad_brand_colour_is_a_user_error() -> None:
    with pytest.raises(UserInputError, match="#RRGGBB"):
        render_subtitle("Hola", SubtitleStyle(font_px=40, max_width=500, box_colour="brown"))
