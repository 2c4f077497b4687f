"""Writing direction and mirrored layouts come from CLDR/ICU data, decided in one layout function."""

from __future__ import annotations

import pytest

from jointcampaign.render.frame.layout import cut_layout
from jointcampaign.render.text.direction import is_right_to_left


@pytest.mark.parametrize("tag", ["ar", "fa", "he", "ur", "ps", "yi", "dv", "ckb", "sd", "ug", "pa-Arab", "az-Arab"])
def test_right_to_left_languages(tag: str) -> None:
    assert is_right_to_left(tag)


@pytest.mark.parametrize("tag", ["es", "vi", "hi", "zh-Hans", "en", "pa", "az", "sr-Latn", "ar-Latn", "", "qqq"])
def test_left_to_right_languages(tag: str) -> None:
    assert not is_right_to_left(tag)


@pytest.mark.parametrize("aspect", ["16:9", "9:16", "1:1", "4:5"])
def test_arabic_layout_is_the_mirror_of_the_spanish_one(aspect: str) -> None:
    ltr, rtl = cut_layout(aspect, 360, language="es"), cut_layout(aspect, 360, language="ar")
    assert not ltr.mirrored and rtl.mirrored
    assert ltr.logo_aligns == ("left", "right") and rtl.logo_aligns == ("right", "left")
    lead, other = rtl.logo_boxes
    assert lead.x > other.x, "the leading partner's logo is on the right"
    assert rtl.logo_boxes == ltr.logo_boxes[::-1]
    assert (rtl.subtitle_area, rtl.safe) == (ltr.subtitle_area, ltr.safe)
    mirrored_lead = ltr.logo_boxes[0]
    assert (lead.x, lead.y) == (ltr.width - mirrored_lead.right, mirrored_lead.y), "a true mirror image"
