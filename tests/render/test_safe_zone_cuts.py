"""In rendered frames, every text box and logo lies inside each platform's safe region, per aspect.

The source is one flat colour, so every pixel that differs from it in a decoded frame was drawn
by the renderer (logos, subtitle, DRAFT mark); on the end card, whose gradient runs top to bottom,
a pixel is drawn when it differs from its row's left edge (outside every safe region, never drawn on).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from PIL import Image

from jointcampaign.campaign.models import ASPECTS, PLATFORMS
from jointcampaign.render.cut import CutRequest, CutResult, EndCard, render_cuts
from jointcampaign.render.frame.layout import parse_aspect
from jointcampaign.render.frame.safe_zones import platform_safe_box
from jointcampaign.render.geometry import Box
from tests.helpers.video import decode_qr, ffmpeg, frame_at

pytestmark = pytest.mark.slow

HEIGHT, SECONDS, CARD_S = 360, 1.5, 1.5
BACKGROUND = (40, 110, 60)
DRAWN = 60  # summed RGB difference that only a drawn pixel reaches (compression noise stays far below)
EDGE = 2  # pixels of H.264 / 4:2:0 chroma bleed allowed around a drawn box
TEXT = {
    "es": "Bienvenidos a Corner Café: Donaudampfschifffahrtsgesellschaftskapitän y flores de Rosa",
    "ar": "مرحبا بكم في مقهى الزاوية ومتجر زهور روزا، استخدموا الرمز CAFE10 للحصول على خصم",
}
OFFER = {"es": "10 % de descuento en flores con tu café", "ar": "خصم ١٠٪ على الزهور مع قهوتك"}
LINK = "https://rosasflowers.example/maple?utm_source=corner-cafe"


def solid_logo(path: Path, colour: tuple[int, int, int]) -> Path:
    Image.new("RGBA", (240, 80), (*colour, 255)).save(path)
    return path


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], CutResult]:
    folder = tmp_path_factory.mktemp("zones")
    source = folder / "flat.mp4"
    colour = "0x{:02X}{:02X}{:02X}".format(*BACKGROUND)
    ffmpeg("-f", "lavfi", "-i", f"color=c={colour}:s=640x360:r=30:d={SECONDS}", "-c:v", "libx264",
           "-pix_fmt", "yuv420p", "-preset", "ultrafast", str(source))  # fmt: skip
    logos = [solid_logo(folder / "lead.png", (220, 20, 20)), solid_logo(folder / "other.png", (20, 40, 220))]
    cuts = [(language, aspect) for aspect in ASPECTS for language in ("es", "ar")]
    requests = [
        CutRequest(source=source, cues=[(0.1, 1.4, TEXT[language])], language=language, aspect=aspect,
                   height=HEIGHT, logos=logos, out=folder / f"{language}-{aspect.replace(':', 'x')}.mp4",
                   end_card=EndCard(seconds=CARD_S, offer=OFFER[language], code="CAFE10", link=LINK),
                   preset="ultrafast", platforms=PLATFORMS, draft_mark="DRAFT – translation not reviewed")
        for language, aspect in cuts
    ]  # fmt: skip
    return dict(zip(cuts, render_cuts(requests), strict=True))


def drawn_mask(frame: npt.NDArray[np.int16], reference: npt.NDArray[np.int16]) -> npt.NDArray[np.bool_]:
    return np.abs(frame - reference).sum(axis=2) > DRAWN


def outside(mask: npt.NDArray[np.bool_], region: Box) -> int:
    """Drawn pixels farther than EDGE outside `region`."""
    inner = np.zeros_like(mask)
    inner[max(0, region.y - EDGE) : region.bottom + EDGE, max(0, region.x - EDGE) : region.right + EDGE] = True
    return int(np.count_nonzero(mask & ~inner))


@pytest.mark.parametrize("aspect", ASPECTS)
@pytest.mark.parametrize("language", ["es", "ar"])
def test_every_drawn_pixel_lies_inside_each_platforms_safe_region(
    rendered: dict[tuple[str, str], CutResult], aspect: str, language: str
) -> None:
    cut = rendered[(language, aspect)]
    video = frame_at(cut.path, 0.7)
    card = frame_at(cut.path, SECONDS + CARD_S / 2)
    height, width = video.shape[:2]
    masks = {
        "video": drawn_mask(video, np.array(BACKGROUND, dtype=np.int16)),
        "end card": drawn_mask(card, card[:, :2].mean(axis=1, keepdims=True).astype(np.int16)),
    }
    for moment, mask in masks.items():
        assert mask.mean() > 0.02, f"{moment}: nothing drawn, the test would prove nothing"
    # The subtitle is drawn: the lower part of the video frame holds ink, not only the logos up top.
    assert masks["video"][height // 2 :].any()
    mirrored = language == "ar"
    for platform in PLATFORMS:
        region = platform_safe_box(platform, (width, height), parse_aspect(aspect), mirrored=mirrored)
        for moment, mask in masks.items():
            assert outside(mask, region) == 0, (platform, aspect, language, moment, region)


def test_the_long_word_was_broken_and_reported(rendered: dict[tuple[str, str], CutResult]) -> None:
    narrow = rendered[("es", "9:16")]
    assert any("broken" in note for note in narrow.fitting), narrow.fitting


@pytest.mark.parametrize("aspect", ASPECTS)
def test_the_qr_code_still_scans_inside_the_narrowed_end_card(
    rendered: dict[tuple[str, str], CutResult], aspect: str
) -> None:
    pytest.importorskip("zxingcpp")
    for language in ("es", "ar"):
        card = frame_at(rendered[(language, aspect)].path, SECONDS + CARD_S / 2)
        assert decode_qr(card) == [LINK], (language, aspect)
