"""Text is fitted by its measured width with the real font and shaping, not by counting characters."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from jointcampaign.errors import StageFailedError
from jointcampaign.render.checks import check_inside_safe_zones
from jointcampaign.render.frame.layout import cut_layout
from jointcampaign.render.geometry import Box
from jointcampaign.render.text.text_image import SubtitleStyle, fit_subtitle, text_mask

WIDTH = 300
STYLE = SubtitleStyle(font_px=36, max_width=WIDTH, box_opacity=1.0, text_colour="#FFFFFF")


def ink_columns(image: np.ndarray) -> np.ndarray:
    return np.flatnonzero((image[:, :, 0] > 128).any(axis=0))


def test_a_very_long_unbreakable_word_is_broken_to_fit_and_says_so() -> None:
    word = "Donaudampfschifffahrtsgesellschaftskapitänswitwenrente"
    assert text_mask(word, 36).shape[1] > 3 * WIDTH  # far wider than the box at the asked size
    fitted = fit_subtitle(word, STYLE, language="de")
    assert fitted.image.shape[1] <= WIDTH
    ink = ink_columns(fitted.image)
    assert ink.size and ink.max() < WIDTH  # the ink itself, not just the box, stays inside
    assert any("broken" in note for note in fitted.adjustments)
    assert any("shrunk" in note for note in fitted.adjustments)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("欢迎光临街角咖啡馆和罗莎花店，凭优惠码享受九折优惠，活动持续到月底结束", "zh-Hans"),
        ("कॉर्नर कैफ़े और रोज़ा के फूलों की दुकान में आपका स्वागत है, कोड से छूट पाएँ", "hi"),
        ("مرحبا بكم في مقهى الزاوية ومتجر زهور روزا، استخدموا الرمز للحصول على خصم", "ar"),
    ],
)
def test_a_long_line_in_a_wide_script_never_overflows_its_box(text: str, language: str) -> None:
    fitted = fit_subtitle(text, STYLE, language=language)
    assert fitted.image.shape[1] <= WIDTH
    assert ink_columns(fitted.image).max() < WIDTH


def test_text_that_fits_is_left_alone() -> None:
    fitted = fit_subtitle("Hola", STYLE, language="es")
    assert fitted.adjustments == ()


def test_a_box_under_a_platforms_interface_fails_the_cut_naming_cut_platform_and_box(tmp_path: Path) -> None:
    layout = cut_layout("9:16", 360, platforms=("reels", "tiktok"))
    inside = Box(layout.safe.x, layout.safe.y, 10, 10)
    check_inside_safe_zones(tmp_path / "cut.mp4", "9:16", layout.size, layout.platforms, [("logo 1", inside)])
    low = Box(layout.safe.x, layout.height - 40, 50, 20)  # in the bottom band Reels covers with its caption
    with pytest.raises(StageFailedError) as failed:
        check_inside_safe_zones(tmp_path / "cut.mp4", "9:16", layout.size, layout.platforms,
                                [("subtitle at 1.00 s", low)])  # fmt: skip
    message = str(failed.value)
    assert "cut.mp4" in message and "reels" in message and "subtitle at 1.00 s" in message
    assert low.describe() in message and "cuts.platforms" in message


@pytest.mark.parametrize("font_px", [6, 7, 8, 9])
def test_small_type_in_a_narrow_box_shrinks_step_by_step_and_ends(font_px: int) -> None:
    # A 180-pixel cut's end card asks for type this small; rounding once kept it at one size forever.
    style = SubtitleStyle(font_px=font_px, max_width=20, box_opacity=1.0, text_colour="#FFFFFF", max_lines=1)
    fitted = fit_subtitle("CAFE10 CAFE10 CAFE10", style, language="en")
    assert fitted.image.shape[1] <= 20 or any("broken" in note for note in fitted.adjustments)
    assert any("shrunk" in note for note in fitted.adjustments)
