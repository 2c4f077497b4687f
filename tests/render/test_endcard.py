from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from jointcampaign.demo.media import make_logo
from jointcampaign.render.frame.endcard import end_card_image
from jointcampaign.render.frame.layout import cut_layout
from jointcampaign.render.frame.qr import QUIET_MODULES, qr_image, qr_modules
from jointcampaign.render.request import EndCard
from tests.helpers.video import decode_qr

LINK = "https://rosasflowers.example/maple?utm_source=corner-cafe&utm_medium=referral&utm_content=ar-9x16"
OFFERS = {
    "en": "Show this at Rosa's Flowers: 10% off with code CAFE10.",
    "ar": "اعرض هذا في Rosa's Flowers: خصم 10% مع الرمز CAFE10.",
    "zh-Hans": "在 Rosa's Flowers 出示此页面：使用优惠码 CAFE10 可享 10% 折扣。",
}


@pytest.fixture(scope="module")
def logos(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("logos")
    return [
        make_logo(folder / "cafe.png", "Corner Café", "#6F4E37", size=(128, 64)),
        make_logo(folder / "rosa.png", "Rosa's Flowers", "#C2185B", size=(128, 64)),
    ]


def test_qr_modules_are_whole_pixels_with_a_quiet_zone() -> None:
    modules = qr_modules(LINK)
    image = qr_image(LINK, 400)
    module_px = image.shape[0] // (modules.shape[0] + 2 * QUIET_MODULES)
    assert image.shape[0] == image.shape[1] <= 400 and module_px >= 2
    assert (image[: QUIET_MODULES * module_px] == 255).all(), "quiet zone"
    corner = QUIET_MODULES * module_px
    assert (image[corner : corner + module_px, corner : corner + module_px] == 0).all(), "finder pattern"


@pytest.mark.parametrize("aspect", ["16:9", "9:16", "1:1", "4:5"])
@pytest.mark.parametrize("language", list(OFFERS))
def test_card_fits_the_safe_zone_and_its_qr_code_scans(logos: list[Path], aspect: str, language: str) -> None:
    layout = cut_layout(aspect, 720, logo_count=2)
    card = EndCard(offer=OFFERS[language], code="CAFE10", link=LINK, background="#6F4E37", accent="#F3E5D8")
    image = end_card_image(card, layout, logos, language=language)
    assert image.shape == (layout.height, layout.width, 3)
    safe = layout.safe
    outside = np.ones(image.shape[:2], dtype=bool)
    outside[safe.y : safe.bottom, safe.x : safe.right] = False
    rows = image.astype(int)
    plain_row = rows[:, :1, :]  # the gradient: every column of a row is the same outside the content
    assert (np.abs(rows - plain_row)[outside] <= 1).all(), "nothing drawn outside the safe zone"
    pytest.importorskip("zxingcpp")
    assert decode_qr(image) == [LINK]


def test_card_without_an_offer_still_shows_logos_and_link(logos: list[Path]) -> None:
    layout = cut_layout("16:9", 360, logo_count=2)
    image = end_card_image(EndCard(link=LINK, background="#C2185B"), layout, logos)
    assert tuple(image[0, layout.width // 2]) == (0xC2, 0x18, 0x5B)
    pytest.importorskip("zxingcpp")
    assert decode_qr(image) == [LINK]
