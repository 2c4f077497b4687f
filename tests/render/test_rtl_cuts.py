"""Right-to-left cuts are mirrored in the rendered frames: logos, and the end card's QR and words."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from PIL import Image

from jointcampaign.demo.media import make_demo_video
from jointcampaign.render.cut import CutRequest, CutResult, EndCard, render_cuts
from jointcampaign.render.frame.layout import Box, cut_layout
from tests.helpers.video import decode_qr, frame_at

pytestmark = pytest.mark.slow

HEIGHT, SECONDS, CARD_S = 360, 1.5, 1.5
ASPECTS = ["16:9", "9:16", "1:1", "4:5"]
RED, BLUE = (220, 20, 20), (20, 40, 220)
LINK = "https://rosasflowers.example/maple?utm_source=corner-cafe"
TEXT = {"ar": "مرحبا بكم في Corner Café", "es": "Bienvenidos a Corner Café"}


def solid_logo(path: Path, colour: tuple[int, int, int]) -> Path:
    Image.new("RGBA", (200, 100), (*colour, 255)).save(path)
    return path


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], CutResult]:
    folder = tmp_path_factory.mktemp("rtl")
    source = make_demo_video(folder / "source.mp4", width=640, height=360, fps=30, seconds=SECONDS)
    lead, other = solid_logo(folder / "lead.png", RED), solid_logo(folder / "other.png", BLUE)
    cuts = [(language, aspect) for aspect in ASPECTS for language in ("es", "ar")]
    requests = [
        CutRequest(source=source, cues=[(0.1, 1.4, TEXT[language])], language=language, aspect=aspect,
                   height=HEIGHT, logos=[lead, other], out=folder / f"{language}-{aspect.replace(':', 'x')}.mp4",
                   end_card=EndCard(seconds=CARD_S, offer=TEXT[language], code="CAFE10", link=LINK),
                   preset="ultrafast")
        for language, aspect in cuts
    ]  # fmt: skip
    return dict(zip(cuts, render_cuts(requests), strict=True))


def share(frame: npt.NDArray[np.int16], box: Box, colour: tuple[int, int, int]) -> float:
    """How much of `box` is close to `colour`."""
    window = frame[box.y : box.bottom, box.x : box.right]
    return float(np.mean(np.abs(window - np.array(colour)).sum(axis=2) < 90))


def top_band(layout_aspect: str, side: str) -> Box:
    layout = cut_layout(layout_aspect, HEIGHT)
    safe, box = layout.safe, layout.logo_boxes[0]
    half = layout.width // 2
    return Box(safe.x if side == "left" else half, box.y, half - safe.x, box.height)


@pytest.mark.parametrize("aspect", ASPECTS)
@pytest.mark.parametrize("moment", ["video", "end card"])
def test_the_leading_logo_is_top_left_in_spanish_and_top_right_in_arabic(
    rendered: dict[tuple[str, str], CutResult], aspect: str, moment: str
) -> None:
    t = 0.7 if moment == "video" else SECONDS + CARD_S / 2
    spanish, arabic = (frame_at(rendered[(lang, aspect)].path, t) for lang in ("es", "ar"))
    left, right = top_band(aspect, "left"), top_band(aspect, "right")
    assert share(spanish, left, RED) > 0.1 and share(spanish, right, RED) < 0.01
    assert share(spanish, right, BLUE) > 0.1 and share(spanish, left, BLUE) < 0.01
    assert share(arabic, right, RED) > 0.1 and share(arabic, left, RED) < 0.01
    assert share(arabic, left, BLUE) > 0.1 and share(arabic, right, BLUE) < 0.01
    # The same amount of logo on each side: a mirror, not a rearrangement.
    assert share(arabic, right, RED) == pytest.approx(share(spanish, left, RED), abs=0.05)


def test_the_landscape_end_card_puts_the_qr_code_left_and_the_words_right_in_arabic(
    rendered: dict[tuple[str, str], CutResult],
) -> None:
    pytest.importorskip("zxingcpp")
    layout = cut_layout("16:9", HEIGHT)
    t = SECONDS + CARD_S / 2
    for language, qr_side in (("es", "right"), ("ar", "left")):
        frame = frame_at(rendered[(language, "16:9")].path, t)
        half = layout.width // 2
        left, right = frame[:, :half], frame[:, half:]
        found = {"left": decode_qr(left), "right": decode_qr(right)}
        assert found[qr_side] == [LINK] and found["left" if qr_side == "right" else "right"] == [], language
        # The words' side: the code's light plate and the offer's ink sit opposite the QR code.
        words = right if qr_side == "left" else left
        band = words[layout.height // 3 : layout.height * 2 // 3]
        assert band.std() > 25, language


def test_the_tall_end_card_keeps_its_qr_code_readable_in_arabic(rendered: dict[tuple[str, str], CutResult]) -> None:
    pytest.importorskip("zxingcpp")
    assert decode_qr(frame_at(rendered[("ar", "9:16")].path, SECONDS + CARD_S / 2)) == [LINK]
