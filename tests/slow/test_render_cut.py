"""Render real cuts from a generated source and check the file and the pixels."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import numpy.typing as npt
import pytest
from PIL import Image

from jointcampaign.demo.media import make_demo_video, make_logo
from jointcampaign.errors import StageFailedError, ToolMissingError
from jointcampaign.media import probe
from jointcampaign.render.cut import CutRequest, CutResult, render_cut
from jointcampaign.render.fonts import font_for_text
from jointcampaign.render.layout import Box, cut_layout

pytestmark = pytest.mark.slow

WIDTH, HEIGHT, FPS, SECONDS = 640, 360, 30, 3.0
CUE_START, CUE_END = 0.8, 2.2
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
        "source": make_demo_video(
            folder / "source.mp4", width=WIDTH, height=HEIGHT, fps=FPS, seconds=SECONDS
        ),
        "lead": make_logo(folder / "rosa.png", "Rosa's Flowers", "#C2185B", size=(256, 128)),
        "other": make_logo(folder / "cafe.png", "Corner Café", "#6F4E37", size=(256, 128)),
    }


def _request(media: dict[str, Path], out: Path, language: str, text: str, **changes: object) -> CutRequest:
    fields: dict[str, object] = {
        "source": media["source"],
        "cues": [Cue(CUE_START, CUE_END, text)],
        "language": language,
        "out": out,
        "aspect": "16:9",
        "height": HEIGHT,
        "logos": [media["lead"], media["other"]],
        "brand_colour": "#C2185B",
        "preset": "ultrafast",
        "crf": 23,
        "threads": 2,
    }
    fields.update(changes)
    return CutRequest(**fields)  # type: ignore[arg-type]


def frame_at(video: Path, t: float) -> npt.NDArray[np.int16]:
    raw = subprocess.run(
        [
            imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(video), "-ss", f"{t:.3f}",
            "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1",
        ],
        capture_output=True,
        check=True,
    ).stdout  # fmt: skip
    info = probe(video)
    return np.frombuffer(raw, dtype=np.uint8).reshape(info.height, info.width, 3).astype(np.int16)


def subtitle_line(height: int = HEIGHT) -> Box:
    """The centre of the lowest line of the subtitle area: covered by any subtitle, short or long."""
    layout = cut_layout("16:9", height)
    area = layout.subtitle_area
    size = layout.font_px
    return Box(area.x + area.width // 2 - size, area.bottom - size, 2 * size, size)


def region_difference(first: npt.NDArray[np.int16], second: npt.NDArray[np.int16], box: Box) -> float:
    window = np.s_[box.y : box.bottom, box.x : box.right]
    return float(np.mean(np.abs(first[window] - second[window])))


@pytest.fixture(scope="module")
def cuts(media: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, CutResult]:
    out = tmp_path_factory.mktemp("cuts")
    seen: list[float] = []
    results = {}
    for language, text in SAMPLES.items():
        request = _request(media, out / f"cut-{language}.mp4", language, text)
        results[language] = render_cut(request, progress=seen.append if language == "es" else None)
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen)
    return results


@pytest.mark.parametrize("language", list(SAMPLES))
def test_cut_file_is_a_proper_h264_aac_mp4(
    cuts: dict[str, CutResult], media: dict[str, Path], language: str
) -> None:
    result = cuts[language]
    source = probe(media["source"])
    info = probe(result.path)
    assert info == result.info
    assert abs(info.duration_s - source.duration_s) <= 1 / FPS
    assert (info.width, info.height) == (WIDTH, HEIGHT)
    assert (info.video_codec, info.pix_fmt, info.audio_codec) == ("h264", "yuv420p", "aac")
    assert info.fps == pytest.approx(FPS)
    assert sorted(path.name for path in result.path.parent.glob(f"*{language}*")) == [
        f"cut-{language}.jpg",
        f"cut-{language}.mp4",
    ], "no temp files left behind"


@pytest.mark.parametrize("language", list(SAMPLES))
def test_subtitle_shows_only_during_its_cue(
    cuts: dict[str, CutResult], media: dict[str, Path], language: str
) -> None:
    line = subtitle_line()
    during, after = (CUE_START + CUE_END) / 2, CUE_END + 0.4
    cut = cuts[language].path
    assert region_difference(frame_at(cut, during), frame_at(media["source"], during), line) > 30
    assert region_difference(frame_at(cut, after), frame_at(media["source"], after), line) < 6


def test_both_logos_are_burned_in_for_the_whole_cut(
    cuts: dict[str, CutResult], media: dict[str, Path]
) -> None:
    layout = cut_layout("16:9", HEIGHT)
    cut = cuts["es"].path
    for t in (0.1, 1.5, 2.9):
        branded, plain = frame_at(cut, t), frame_at(media["source"], t)
        lead, other = layout.logo_boxes  # logos hug the outer edges of their boxes
        quarter = lead.width // 4
        for x in (lead.x + quarter // 4, other.right - quarter - quarter // 4):
            inner = Box(x, lead.y + lead.height // 4, quarter, lead.height // 2)
            assert region_difference(branded, plain, inner) > 30


def test_unbranded_areas_are_left_alone(cuts: dict[str, CutResult], media: dict[str, Path]) -> None:
    middle = Box(WIDTH // 4, HEIGHT // 3, WIDTH // 2, HEIGHT // 4)
    assert region_difference(frame_at(cuts["es"].path, 1.5), frame_at(media["source"], 1.5), middle) < 6


def test_poster_shows_a_subtitle(cuts: dict[str, CutResult], media: dict[str, Path]) -> None:
    line = subtitle_line()
    with Image.open(cuts["ar"].poster_path) as opened:
        assert opened.format == "JPEG"
        poster = np.asarray(opened.convert("RGB")).astype(np.int16)
    assert poster.shape == (HEIGHT, WIDTH, 3)
    assert region_difference(poster, frame_at(media["source"], 1.5), line) > 30


def test_vertical_cut_with_plain_tuples_and_padding(media: dict[str, Path], tmp_path: Path) -> None:
    request = _request(
        media, tmp_path / "vertical.mp4", "es", "", cues=[(0.5, 2.0, "Hola")], aspect="9:16", fit="pad"
    )
    info = render_cut(request).info
    assert (info.width, info.height) == (HEIGHT, 640)
    top_band = frame_at(tmp_path / "vertical.mp4", 1.0)[: 640 // 4]
    assert top_band[:, :, :].mean() < 120, "the frame is padded (letterboxed) above the picture"


def test_encoder_failure_is_a_stage_error_and_leaves_no_file(media: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "broken.mp4"
    with pytest.raises(StageFailedError, match="ffmpeg said"):
        render_cut(_request(media, out, "es", "Hola", preset="no-such-preset"))
    assert list(tmp_path.iterdir()) == []


def test_missing_font_fails_before_encoding(media: dict[str, Path], tmp_path: Path) -> None:
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    latin = font_for_text("Hola")
    (fonts / latin.path.name).symlink_to(latin.path)
    out = tmp_path / "out" / "cut.mp4"
    with pytest.raises(ToolMissingError, match="fonts-noto-core"):
        render_cut(_request(media, out, "ar", "مرحبا", font_dirs=[fonts]))
    assert not out.exists()
