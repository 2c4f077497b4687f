"""Frames with the platforms' interface drawn over them: in the bundle beside qc.html, and from validate."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from jointcampaign.pipeline.bundle_stage import stage_payload
from jointcampaign.pipeline.plan import plan_run
from jointcampaign.pipeline.results import CutOutcome, RunOutcome
from jointcampaign.pipeline.validate import validate_campaign
from jointcampaign.pipeline.zone_frames import source_zone_frames
from jointcampaign.render.frame.layout import cut_layout, frame_size, parse_aspect
from jointcampaign.render.frame.safe_zones import platform_safe_box
from jointcampaign.render.frame.zone_preview import draw_zone_mask, platform_colour
from jointcampaign.render.geometry import Box

GREEN = (40, 110, 60)


def pixels(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("RGB"), dtype=np.int16)


def edit(folder: Path, old: str, new: str) -> None:
    path = folder / "campaign.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in campaign.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize("aspect", ["9:16", "1:1", "4:5", "16:9"])
def test_the_mask_shades_what_a_platform_covers_and_leaves_its_free_region_alone(aspect: str) -> None:
    layout = cut_layout(aspect, 360, platforms=("tiktok",))
    frame = Image.new("RGB", layout.size, GREEN)
    drawn = pixels(draw_zone_mask(frame, aspect, ["tiktok"], safe=layout.safe))
    free = platform_safe_box("tiktok", layout.size, parse_aspect(aspect))
    changed = np.abs(drawn - pixels(frame)).sum(axis=2) > 30
    inner = changed[free.y + 4 : free.bottom - 4, free.x + 4 : free.right - 4]
    # Inside the free region only the dashed safe-area line (and no shading) is drawn.
    safe_edge = np.zeros_like(changed)
    safe = layout.safe
    safe_edge[safe.y - 2 : safe.y + 3, :] = safe_edge[safe.bottom - 3 : safe.bottom + 2, :] = True
    safe_edge[:, safe.x - 2 : safe.x + 3] = safe_edge[:, safe.right - 3 : safe.right + 2] = True
    safe_edge[:30, :100] = True  # the key naming the platform, top left
    assert not (inner & ~safe_edge[free.y + 4 : free.bottom - 4, free.x + 4 : free.right - 4]).any()
    if free.right < layout.width - 4:  # TikTok's button rail on the right: shaded in TikTok's colour
        column = drawn[free.y + 40 : free.bottom - 40, free.right + 2 : layout.width - 2]
        assert column.size and (np.abs(column - np.array(GREEN)).sum(axis=2) > 30).all()
        hue = np.array(platform_colour("tiktok")) - np.array(GREEN)
        assert (np.sign(column.mean(axis=(0, 1)) - np.array(GREEN)) == np.sign(hue)).all()


def test_an_arabic_frame_keeps_the_rail_off_both_sides() -> None:
    layout = cut_layout("9:16", 360, platforms=("tiktok",), language="ar")
    frame = Image.new("RGB", layout.size, GREEN)
    drawn = pixels(draw_zone_mask(frame, "9:16", ["tiktok"], mirrored=True))
    middle = layout.height // 2
    assert (np.abs(drawn[middle, 2] - np.array(GREEN)).sum() > 30) and (
        np.abs(drawn[middle, layout.width - 3] - np.array(GREEN)).sum() > 30
    )


def test_the_bundle_holds_a_masked_frame_per_aspect_and_direction_linked_from_qc(
    campaign_copy: Path, tmp_path: Path
) -> None:
    edit(campaign_copy, 'aspects: ["16:9"]', 'aspects: ["16:9", "9:16"]\n  platforms: [reels, youtube]')
    report = validate_campaign(campaign_copy, lambda source, target: True)
    assert report.ok, [p.render() for p in report.errors]
    plan = plan_run(report, tmp_path / "out")
    made = tmp_path / "made"
    made.mkdir()
    outcome = RunOutcome()
    partner = "rosas-flowers"  # es (left to right) and ar (right to left)
    for language in plan.languages_of(partner):
        for aspect in plan.aspects:
            size = frame_size(aspect, 360)
            video, poster = made / f"{language}-{aspect[0]}.mp4", made / f"{language}-{aspect[0]}.jpg"
            video.write_bytes(b"video")
            Image.new("RGB", size, GREEN).save(poster)
            layout = cut_layout(aspect, 360, language=language, platforms=("reels", "youtube"))
            placed = (("logo 1", layout.logo_boxes[0]), ("subtitle at 0.50 s", Box(layout.safe.x, 200, 80, 30)),
                      ("end card code", Box(0, 0, 10, 10)))  # fmt: skip
            fitting = ("subtitle at 0.50 s (Donaudampfschifffahrts…): type shrunk from 18 to 13 px to fit 200 px",)
            outcome.cuts.append(CutOutcome(partner, language, aspect, video, poster, probe={}, placed=placed,
                                           fitting=fitting if language == "es" else ()))  # fmt: skip
    payload = stage_payload(plan.loaded, plan.layout, partner, plan.languages_of(partner), outcome,
                            plan.blockers, dt.date(2026, 11, 21))  # fmt: skip
    names = sorted(p.name for p in (payload / "qc").iterdir())
    assert names == ["safe-zones-16x9-rtl.png", "safe-zones-16x9.png", "safe-zones-9x16-rtl.png",
                     "safe-zones-9x16.png"]  # fmt: skip
    with Image.open(payload / "qc" / "safe-zones-9x16.png") as frame:
        assert frame.size == frame_size("9:16", 360)
        drawn = pixels(frame)
    reels = platform_safe_box("reels", frame_size("9:16", 360), (9, 16))
    assert np.abs(drawn[reels.bottom + 20, 100] - np.array(GREEN)).sum() > 30  # Reels' caption band, shaded
    qc = (payload / "qc.html").read_text(encoding="utf-8")
    links = re.findall(r"<a href='(qc/safe-zones-[^']+)'>", qc)
    assert sorted(Path(link).name for link in links) == names
    assert "Platforms: reels, youtube" in qc
    assert "type shrunk from 18 to 13 px" in qc and "1 subtitle(s) fitted" in qc


def test_validate_draws_the_layout_over_a_source_frame_per_aspect(campaign_copy: Path, tmp_path: Path) -> None:
    edit(campaign_copy, 'aspects: ["16:9"]', 'aspects: ["16:9", "4:5"]\n  platforms: [stories]')
    report = validate_campaign(campaign_copy, lambda source, target: True)
    loaded = report.require_ok()
    frames = source_zone_frames(loaded, tmp_path / "frames", 180)
    assert [(f.aspect, f.right_to_left) for f in frames] == [("16:9", False), ("16:9", True), ("4:5", False),
                                                             ("4:5", True)]  # the demo has Arabic  # fmt: skip
    for frame in frames:
        with Image.open(frame.path) as image:
            assert image.size == frame_size(frame.aspect, 180)
            picture = pixels(image)
        layout = cut_layout(frame.aspect, 180, platforms=("stories",))
        top, bottom = layout.logo_boxes[0].bottom + 12, layout.subtitle_area.y - 4
        open_area = picture[top:bottom, layout.safe.x + 4 : layout.safe.right - 4]
        assert open_area.size and open_area.std() > 10  # between the boxes: the source's picture, not a canvas
