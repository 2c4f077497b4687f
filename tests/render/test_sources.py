"""Awkward sources: odd frame rates, portrait, silent, broken. A right result or a clear error."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from jointcampaign.demo.media import make_demo_video, make_logo
from jointcampaign.errors import UserInputError
from jointcampaign.media import probe
from jointcampaign.render.cut import CutRequest, EndCard, Focus, render_cut, render_cuts
from jointcampaign.render.frame.layout import Box
from tests.helpers.video import frame_at, portrait, region_difference, with_frame_rate, without_audio

pytestmark = pytest.mark.slow

CARD_S = 1.0


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("sources")
    source = make_demo_video(folder / "source.mp4", width=320, height=180, fps=30, seconds=2.0)
    return {
        "source": source,
        "logo": make_logo(folder / "logo.png", "Corner Café", "#6F4E37", size=(128, 64)),
        "folder": folder,
    }


def cut(media: dict[str, Path], source: Path, out: Path, **changes: object) -> CutRequest:
    fields: dict[str, object] = {
        "source": source,
        "cues": [(0.2, 1.2, "Hola")],
        "language": "es",
        "out": out,
        "height": 180,
        "logos": [media["logo"]],
        "end_card": EndCard(seconds=CARD_S, offer="Hola", code="CAFE10", link="https://x.example/"),
        "preset": "ultrafast",
    }
    fields.update(changes)
    return CutRequest(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize("rate", ["24000/1001", "25", "30000/1001"])
def test_odd_frame_rates_keep_their_rate_and_length(media: dict[str, Path], tmp_path: Path, rate: str) -> None:
    source = with_frame_rate(media["source"], tmp_path / "odd.mp4", rate)
    before = probe(source)
    result = render_cut(cut(media, source, tmp_path / "cut.mp4"))
    assert result.info.frame_rate == before.frame_rate
    assert abs(result.info.duration_s - (before.duration_s + CARD_S)) <= 1 / before.fps
    assert result.info.has_audio


def test_portrait_source_in_a_landscape_cut_is_padded_over_a_blurred_copy(
    media: dict[str, Path], tmp_path: Path
) -> None:
    source = portrait(media["source"], tmp_path / "portrait.mp4")
    result = render_cut(cut(media, source, tmp_path / "cut.mp4", aspect="16:9", logos=[]))
    assert (result.info.width, result.info.height) == (320, 180)
    frame = frame_at(result.path, 1.5)
    side = frame[:, :40]
    assert side.std() < 25 and side.mean() > 30, "the side bands hold a soft, dimmed picture, not black"
    centre = frame[:, 160 - 40 : 160 + 40]
    assert centre.std() > side.std(), "the picture itself stays sharp in the middle"


def test_focus_point_chooses_the_part_of_the_source_a_crop_keeps(media: dict[str, Path], tmp_path: Path) -> None:
    source = frame_at(media["source"], 1.5)
    # 320x180 in a 9:16 cut: a 100x180 window, scaled to the cut's 180x320.
    for x, columns in ((0.0, np.s_[:, :100]), (1.0, np.s_[:, 220:])):
        request = cut(media, media["source"], tmp_path / f"{x}.mp4", aspect="9:16", focus=Focus(x=x), logos=[])
        frame = frame_at(render_cut(request).path, 1.5).astype(np.uint8)
        shrunk = np.asarray(Image.fromarray(frame).resize((100, 180), Image.Resampling.BOX)).astype(np.int16)
        assert region_difference(shrunk, source[columns], Box(0, 0, 100, 180)) < 8


def test_silent_source_gives_a_silent_cut(media: dict[str, Path], tmp_path: Path) -> None:
    source = without_audio(media["source"], tmp_path / "silent.mp4")
    result = render_cut(cut(media, source, tmp_path / "cut.mp4"))
    assert not result.info.has_audio
    assert abs(result.info.duration_s - (2.0 + CARD_S)) <= 1 / 30


def test_end_card_is_silent(media: dict[str, Path], tmp_path: Path) -> None:
    from tests.helpers.video import ffmpeg

    result = render_cut(cut(media, media["source"], tmp_path / "cut.mp4"))
    samples = tmp_path / "tail.raw"
    ffmpeg("-ss", "2.2", "-i", str(result.path), "-vn", "-f", "s16le", "-ac", "1", str(samples))
    tail = np.frombuffer(samples.read_bytes(), dtype=np.int16)
    assert tail.size > 0 and np.abs(tail).max() < 40


@pytest.mark.parametrize("damage", ["missing", "empty", "garbage", "truncated"])
def test_broken_sources_are_user_errors_and_leave_nothing(
    media: dict[str, Path], tmp_path: Path, damage: str
) -> None:
    source = tmp_path / "in" / "broken.mp4"
    source.parent.mkdir()
    whole = media["source"].read_bytes()
    if damage == "empty":
        source.write_bytes(b"")
    elif damage == "garbage":
        source.write_bytes(b"not a video\n" * 500)
    elif damage == "truncated":
        source.write_bytes(whole[: len(whole) * 6 // 10])  # faststart: the index survives, frames do not
    out = tmp_path / "out"
    with pytest.raises(UserInputError) as caught:
        render_cuts([cut(media, source, out / "a.mp4"), cut(media, source, out / "b.mp4", aspect="1:1")])
    assert caught.value.problems[0].file == source
    assert "MP4" in caught.value.problems[0].fix
    assert not out.exists() or list(out.iterdir()) == []
