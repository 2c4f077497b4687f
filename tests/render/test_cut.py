"""Render real cuts of every demo language from a generated source and check files and pixels."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from jointcampaign.demo.media import make_demo_video, make_logo
from jointcampaign.errors import StageFailedError, ToolMissingError
from jointcampaign.media import probe
from jointcampaign.pipeline.documents.links import tracked_link
from jointcampaign.render.cut import CutRequest, CutResult, EndCard, render_cut, render_cuts
from jointcampaign.render.frame.endcard import end_card_image
from jointcampaign.render.frame.layout import Box, cut_layout
from jointcampaign.render.text.fonts import font_for_text
from tests.helpers.video import decode_qr, demo_translation, frame_at, region_difference

pytestmark = pytest.mark.slow

WIDTH, HEIGHT, FPS, SECONDS, CARD_S = 640, 360, 30, 3.0, 2.0
CUE_START, CUE_END = 0.8, 2.2
OFFER = "Show this at Rosa's Flowers: 10% off with code CAFE10."
SAMPLES = {
    "es": "¡Buenos días desde Maple Street!",
    "vi": "Cà phê sữa đá",
    "ar": "مرحبا بكم في Corner Café",
    "hi": "नमस्ते दुनिया",
    "zh-Hans": "早上好",
}


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("cut-media")
    return {
        "source": make_demo_video(folder / "source.mp4", width=WIDTH, height=HEIGHT, fps=FPS, seconds=SECONDS),
        "lead": make_logo(folder / "cafe.png", "Corner Café", "#6F4E37", size=(256, 128)),
        "other": make_logo(folder / "rosa.png", "Rosa's Flowers", "#C2185B", size=(256, 128)),
    }


def link(language: str, aspect: str = "16:9") -> str:
    return tracked_link("https://rosasflowers.example/maple", "demo", "corner-cafe", language, aspect)


def card(language: str, aspect: str = "16:9") -> EndCard:
    return EndCard(
        seconds=CARD_S,
        offer=demo_translation(OFFER, language),
        code="CAFE10",
        link=link(language, aspect),
        background="#6F4E37",
        accent="#F3E5D8",
    )


def request(media: dict[str, Path], out: Path, language: str, text: str, **changes: object) -> CutRequest:
    fields: dict[str, object] = {
        "source": media["source"],
        "cues": [Cue(CUE_START, CUE_END, text)],
        "language": language,
        "out": out,
        "height": HEIGHT,
        "logos": [media["lead"], media["other"]],
        "brand_colour": "#6F4E37",
        "end_card": card(language),
        "preset": "ultrafast",
        "crf": 20,
    }
    fields.update(changes)
    return CutRequest(**fields)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def cuts(media: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, CutResult]:
    out = tmp_path_factory.mktemp("cuts")
    seen: list[float] = []
    results = {}
    for language, text in SAMPLES.items():
        cut = request(media, out / f"cut-{language}.mp4", language, text)
        results[language] = render_cut(cut, progress=seen.append if language == "es" else None)
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen)
    return results


def subtitle_line() -> Box:
    """The centre of the lowest line of the subtitle area: covered by any subtitle, short or long."""
    layout = cut_layout("16:9", HEIGHT)
    area, size = layout.subtitle_area, layout.font_px
    return Box(area.x + area.width // 2 - size, area.bottom - size, 2 * size, size)


@pytest.mark.parametrize("language", list(SAMPLES))
def test_cut_is_a_proper_mp4_as_long_as_source_plus_end_card(
    cuts: dict[str, CutResult], media: dict[str, Path], language: str
) -> None:
    result = cuts[language]
    info = probe(result.path)
    assert info == result.info
    assert abs(info.duration_s - (probe(media["source"]).duration_s + CARD_S)) <= 1 / FPS
    assert (info.width, info.height, info.fps) == (WIDTH, HEIGHT, FPS)
    assert (info.video_codec, info.pix_fmt, info.audio_codec) == ("h264", "yuv420p", "aac")
    assert sorted(path.name for path in result.path.parent.glob(f"*{language}*")) == [
        f"cut-{language}.jpg",
        f"cut-{language}.mp4",
    ], "no temp files left behind"


@pytest.mark.parametrize("language", list(SAMPLES))
def test_subtitle_shows_only_during_its_cue(
    cuts: dict[str, CutResult], media: dict[str, Path], language: str
) -> None:
    during, after = (CUE_START + CUE_END) / 2, CUE_END + 0.4
    cut = cuts[language].path
    assert region_difference(frame_at(cut, during), frame_at(media["source"], during), subtitle_line()) > 30
    assert region_difference(frame_at(cut, after), frame_at(media["source"], after), subtitle_line()) < 6


@pytest.mark.parametrize("language", list(SAMPLES))
def test_end_card_shows_the_offer_and_a_qr_code_of_the_tracked_link(
    cuts: dict[str, CutResult], media: dict[str, Path], language: str
) -> None:
    frame = frame_at(cuts[language].path, SECONDS + CARD_S / 2)
    expected = end_card_image(card(language), cut_layout("16:9", HEIGHT, language=language), [media["lead"], media["other"]],
                              language=language).astype(np.int16)  # fmt: skip
    assert region_difference(frame, expected, Box(0, 0, WIDTH, HEIGHT)) < 4, "the card as drawn, words included"
    words = Box(WIDTH // 10, HEIGHT // 3, WIDTH // 2, HEIGHT // 3)
    assert frame[words.y : words.bottom, words.x : words.right].std() > 20, "the offer's words are there"
    pytest.importorskip("zxingcpp")
    assert decode_qr(frame) == [link(language)]


def test_both_logos_are_burned_in_for_the_whole_cut(cuts: dict[str, CutResult], media: dict[str, Path]) -> None:
    layout = cut_layout("16:9", HEIGHT)
    for t in (0.1, 1.5, 2.9):
        branded, plain = frame_at(cuts["es"].path, t), frame_at(media["source"], t)
        lead, other = layout.logo_boxes  # logos hug the outer edges of their boxes
        quarter = lead.width // 4
        for x in (lead.x + quarter // 4, other.right - quarter - quarter // 4):
            inner = Box(x, lead.y + lead.height // 4, quarter, lead.height // 2)
            assert region_difference(branded, plain, inner) > 30


def test_unbranded_areas_are_left_alone(cuts: dict[str, CutResult], media: dict[str, Path]) -> None:
    middle = Box(WIDTH // 4, HEIGHT // 3, WIDTH // 2, HEIGHT // 4)
    assert region_difference(frame_at(cuts["es"].path, 1.5), frame_at(media["source"], 1.5), middle) < 6


def test_poster_shows_a_subtitle(cuts: dict[str, CutResult], media: dict[str, Path]) -> None:
    with Image.open(cuts["ar"].poster_path) as opened:
        assert opened.format == "JPEG"
        poster = np.asarray(opened.convert("RGB")).astype(np.int16)
    assert poster.shape == (HEIGHT, WIDTH, 3)
    assert region_difference(poster, frame_at(media["source"], 1.5), subtitle_line()) > 30


def test_all_four_aspects_from_one_decode(media: dict[str, Path], tmp_path: Path) -> None:
    aspects = {"16:9": (640, 360), "9:16": (360, 640), "1:1": (360, 360), "4:5": (360, 450)}
    requests = [
        request(media, tmp_path / f"{aspect.replace(':', 'x')}.mp4", "ar", SAMPLES["ar"], aspect=aspect,
                end_card=card("ar", aspect))
        for aspect in aspects
    ]  # fmt: skip
    progress: dict[int, list[float]] = {}
    results = render_cuts(requests, progress=lambda index, done: progress.setdefault(index, []).append(done))
    for (aspect, size), result in zip(aspects.items(), results, strict=True):
        assert (result.info.width, result.info.height) == size
        assert abs(result.info.duration_s - (SECONDS + CARD_S)) <= 1 / FPS
        assert result.poster_path.is_file()
        if aspect == "9:16":
            pytest.importorskip("zxingcpp")
            assert decode_qr(frame_at(result.path, SECONDS + 1)) == [link("ar", aspect)]
    assert sorted(progress) == [0, 1, 2, 3] and all(values[-1] == 1.0 for values in progress.values())


def test_encoder_failure_is_a_stage_error_and_leaves_no_file(media: dict[str, Path], tmp_path: Path) -> None:
    with pytest.raises(StageFailedError, match="ffmpeg said"):
        render_cut(request(media, tmp_path / "broken.mp4", "es", "Hola", preset="no-such-preset"))
    assert list(tmp_path.iterdir()) == []


def test_missing_font_fails_before_encoding(media: dict[str, Path], tmp_path: Path) -> None:
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    latin = font_for_text("Hola")
    (fonts / latin.path.name).symlink_to(latin.path)
    out = tmp_path / "out" / "cut.mp4"
    with pytest.raises(ToolMissingError, match="fonts-noto-core"):
        render_cut(request(media, out, "ar", "مرحبا", font_dirs=[fonts]))
    assert not out.exists()
