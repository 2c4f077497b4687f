from __future__ import annotations

import itertools

import pytest

from jointcampaign.errors import UserInputError
from jointcampaign.render.frame.layout import (
    Box,
    cut_layout,
    frame_size,
    logo_alignment,
    place_logo,
    subtitle_position,
)


@pytest.mark.parametrize(
    ("aspect", "height", "expected"),
    [
        ("16:9", 1080, (1920, 1080)),
        ("9:16", 1080, (1080, 1920)),
        ("1:1", 1080, (1080, 1080)),
        ("4:5", 1080, (1080, 1350)),
        ("16:9", 720, (1280, 720)),
        ("9:16", 720, (720, 1280)),
        ("16:9", 360, (640, 360)),
        ("4:5", 720, (720, 900)),
        (" 16 : 9 ", 1080, (1920, 1080)),
    ],
)
def test_frame_size_scales_the_reference_sizes(aspect: str, height: int, expected: tuple[int, int]) -> None:
    assert frame_size(aspect, height) == expected


@pytest.mark.parametrize("aspect", ["16:9", "9:16", "1:1", "4:5", "21:9"])
@pytest.mark.parametrize("height", [144, 240, 361, 405, 481, 719, 1080, 2160])
def test_frame_size_is_always_even(aspect: str, height: int) -> None:
    width, frame_height = frame_size(aspect, height)
    assert width % 2 == 0 and frame_height % 2 == 0


@pytest.mark.parametrize("aspect", ["wide", "16x9", "0:9", "16:", ""])
def test_unknown_aspect_is_a_user_error_that_says_how_to_fix(aspect: str) -> None:
    with pytest.raises(UserInputError) as caught:
        frame_size(aspect, 1080)
    assert "16:9" in str(caught.value)


def test_tiny_height_is_a_user_error() -> None:
    with pytest.raises(UserInputError):
        frame_size("16:9", 100)


@pytest.mark.parametrize("aspect", ["16:9", "9:16", "1:1", "4:5"])
@pytest.mark.parametrize("height", [360, 720, 1080])
def test_everything_sits_inside_the_safe_zone_inside_the_frame(aspect: str, height: int) -> None:
    layout = cut_layout(aspect, height, logo_count=2)
    frame = Box(0, 0, layout.width, layout.height)
    assert frame.contains(layout.safe)
    assert layout.safe.contains(layout.subtitle_area)
    assert layout.subtitle_area.bottom == layout.safe.bottom
    assert len(layout.logo_boxes) == 2
    for box in layout.logo_boxes:
        assert layout.safe.contains(box)
    first, second = layout.logo_boxes
    assert first.right <= second.x, "logos must not overlap"
    assert first.x == layout.safe.x and second.right == layout.safe.right


def test_vertical_video_keeps_clear_of_app_buttons_and_captions() -> None:
    layout = cut_layout("9:16", 1080)
    assert layout.subtitle_area.bottom <= layout.height * 0.8
    assert all(box.y >= layout.height * 0.1 for box in layout.logo_boxes)


def test_font_size_follows_the_short_side() -> None:
    assert cut_layout("16:9", 1080).font_px == cut_layout("9:16", 1080).font_px == 54
    assert cut_layout("16:9", 720).font_px == 36


@pytest.mark.parametrize("count", [1, 3, 4])
def test_any_number_of_partners_gets_separate_boxes_in_order(count: int) -> None:
    boxes = cut_layout("16:9", 1080, logo_count=count).logo_boxes
    assert len(boxes) == count
    for left, right in itertools.pairwise(boxes):
        assert left.right <= right.x


def test_no_logos_means_no_boxes() -> None:
    assert cut_layout("16:9", 720, logo_count=0).logo_boxes == ()


def test_logos_hug_the_outer_edges_and_subtitles_are_centred() -> None:
    box = Box(100, 50, 400, 120)
    assert place_logo(box, (200, 100), align="left") == (100, 60)
    assert place_logo(box, (200, 100), align="right") == (300, 60)
    assert place_logo(box, (200, 100), align="centre") == (200, 60)
    assert [logo_alignment(slot, 3) for slot in range(3)] == ["left", "centre", "right"]
    area = Box(96, 700, 1728, 324)
    assert subtitle_position(area, (800, 100)) == (96 + (1728 - 800) // 2, 924)
