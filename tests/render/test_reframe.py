from __future__ import annotations

import pytest

from jointcampaign.render.frame.layout import Box, frame_size
from jointcampaign.render.request import Focus
from jointcampaign.render.video.reframe import filter_chain, reframe

ASPECTS = ["16:9", "9:16", "1:1", "4:5"]


@pytest.mark.parametrize("aspect", ASPECTS)
@pytest.mark.parametrize("source", [(1920, 1080), (1280, 720), (1080, 1920), (1440, 1080), (638, 360)])
def test_every_window_is_even_and_inside_the_source(aspect: str, source: tuple[int, int]) -> None:
    frame = reframe(source, frame_size(aspect, 1080), Focus(x=0.9, y=0.1))
    assert Box(0, 0, *source).contains(frame.window)
    assert Box(0, 0, *frame.size).contains(frame.placed)
    for value in (frame.window.x, frame.window.y, frame.window.width, frame.window.height,
                  frame.placed.x, frame.placed.y, frame.placed.width, frame.placed.height):  # fmt: skip
        assert value % 2 == 0


def test_landscape_to_vertical_crops_around_the_focus_and_stops_at_the_edges() -> None:
    centre = reframe((1920, 1080), (1080, 1920))
    assert centre.fit == "crop" and centre.window == Box(656, 0, 606, 1080)
    assert reframe((1920, 1080), (1080, 1920), Focus(x=0.2)).window.x == 80  # 0.2 * 1920 - 606 / 2, even
    assert reframe((1920, 1080), (1080, 1920), Focus(x=0.0)).window.x == 0
    assert reframe((1920, 1080), (1080, 1920), Focus(x=1.0)).window.right == 1920


def test_same_shape_keeps_the_whole_frame() -> None:
    frame = reframe((1280, 720), (1920, 1080), Focus(x=0.1, y=0.9))
    assert frame.window == Box(0, 0, 1280, 720) and frame.fit == "crop"


def test_portrait_source_in_a_landscape_cut_is_padded_not_cut_in_half() -> None:
    frame = reframe((1080, 1920), (1920, 1080))
    assert frame.fit == "pad"
    assert frame.window == Box(0, 0, 1080, 1920), "the whole source is shown"
    assert frame.placed.height == 1080 and frame.placed.x == (1920 - frame.placed.width) // 2 // 2 * 2
    assert frame.background is not None and frame.background.width == 1080


def test_portrait_source_in_a_square_cut_still_crops() -> None:
    assert reframe((1080, 1920), (1080, 1080)).fit == "crop"


def test_pad_can_be_asked_for() -> None:
    frame = reframe((1920, 1080), (1080, 1920), Focus(fit="pad"))
    assert frame.fit == "pad" and frame.placed.width == 1080 and frame.placed.y > 0


def test_filter_chains_name_their_pads_and_size() -> None:
    crop = filter_chain(reframe((1920, 1080), (1080, 1920)), "in0", "out0")
    assert crop.startswith("[in0]crop=606:1080:") and "scale=1080:1920" in crop and crop.endswith("[out0]")
    pad = filter_chain(reframe((1080, 1920), (1920, 1080)), "in1", "out1", full_range=True)
    assert "boxblur" in pad and "overlay=" in pad and "out_range=tv" in pad and pad.endswith("[out1]")


def test_focus_outside_the_frame_is_refused() -> None:
    with pytest.raises(ValueError, match=r"within 0\.\.1"):
        Focus(x=1.5)
