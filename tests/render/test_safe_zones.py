"""Platform safe zones as data: one published figure per platform, worked out for every aspect."""

from __future__ import annotations

from pathlib import Path

import pytest

from jointcampaign.campaign.models import ASPECTS, PLATFORMS
from jointcampaign.pipeline.validate import validate_campaign
from jointcampaign.render.frame.layout import cut_layout, frame_size, parse_aspect
from jointcampaign.render.frame.safe_zones import (
    frame_insets,
    known_platforms,
    platform_safe_box,
    platform_zones,
)
from jointcampaign.render.geometry import Box


def test_the_data_file_holds_exactly_the_platforms_the_spec_accepts_each_with_a_source() -> None:
    assert sorted(known_platforms()) == sorted(PLATFORMS)
    for zone in platform_zones().values():
        assert len(zone.source) > 20, zone.name


def test_a_native_aspect_keeps_the_published_figures() -> None:
    reels = frame_insets("reels", (9, 16))
    assert (reels.top, reels.bottom, reels.left, reels.right) == pytest.approx((0.14, 0.35, 0.06, 0.06))
    assert frame_insets("youtube", (16, 9)).bottom == pytest.approx(0.12)


def test_a_square_cut_on_a_phone_screen_loses_only_what_the_bands_overlap() -> None:
    # A 1:1 picture fitted to a 9:16 screen spans 21.875 %..78.125 % of its height: the 14 % top
    # band misses it, the 35 % bottom band covers 13.125 % of the screen, 23.3 % of the picture.
    square = frame_insets("reels", (1, 1))
    assert square.top == 0.0
    assert square.bottom == pytest.approx(0.13125 / 0.5625)


def test_a_right_to_left_cut_keeps_clear_of_the_side_rail_on_both_sides() -> None:
    assert frame_insets("tiktok", (9, 16)).left == 0.0
    mirrored = frame_insets("tiktok", (9, 16), mirrored=True)
    assert mirrored.left == mirrored.right == pytest.approx(0.139)


@pytest.mark.parametrize("aspect", ASPECTS)
@pytest.mark.parametrize("language", ["es", "ar"])
def test_the_layout_lies_inside_every_chosen_platforms_safe_region(aspect: str, language: str) -> None:
    layout = cut_layout(aspect, 360, language=language, platforms=PLATFORMS)
    for platform in PLATFORMS:
        region = platform_safe_box(platform, layout.size, parse_aspect(aspect), mirrored=layout.mirrored)
        assert region.contains(layout.safe), (platform, aspect)
        for box in (*layout.logo_boxes, layout.subtitle_area):
            assert region.contains(box), (platform, aspect, box)
    below_logos = max(box.bottom for box in layout.logo_boxes)
    assert layout.subtitle_area.y >= below_logos and layout.subtitle_area.height > layout.font_px * 2


def test_without_platforms_the_layout_keeps_its_own_margins() -> None:
    width, height = frame_size("9:16", 360)
    plain = cut_layout("9:16", 360)
    assert plain.safe == Box(round(width * 0.08), round(height * 0.10), width - 2 * round(width * 0.08),
                             height - round(height * 0.10) - round(height * 0.20))  # fmt: skip
    reels = cut_layout("9:16", 360, platforms=("reels",))
    assert reels.safe.bottom == height - round(height * 0.35) and reels.safe.y == round(height * 0.14)


def test_an_unknown_platform_in_the_spec_names_the_field_and_the_choices(campaign_copy: Path) -> None:
    path = campaign_copy / "campaign.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  max_duration_s: 30", "  max_duration_s: 30\n  platforms: [reels, tiktak]"),
                    encoding="utf-8")  # fmt: skip
    report = validate_campaign(campaign_copy, lambda source, target: True)
    assert not report.ok
    [problem] = [p for p in report.errors if "tiktak" in p.message]
    assert problem.field == "cuts.platforms.1" or (problem.field or "").startswith("cuts.platforms")
    assert "tiktok" in problem.fix and "youtube" in problem.fix


def test_known_platforms_in_the_spec_are_accepted(campaign_copy: Path) -> None:
    path = campaign_copy / "campaign.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  max_duration_s: 30", "  max_duration_s: 30\n  platforms: [reels, tiktok, reels]"),
                    encoding="utf-8")  # fmt: skip
    report = validate_campaign(campaign_copy, lambda source, target: True)
    assert report.ok, [p.render() for p in report.errors]
    assert report.loaded is not None and report.loaded.campaign.cuts.platforms == ["reels", "tiktok"]
