from __future__ import annotations

import subprocess
from pathlib import Path

import imageio_ffmpeg
import pytest

from jointcampaign.demo.media import make_demo_video
from jointcampaign.errors import ToolMissingError, UserInputError
from jointcampaign.media import MediaInfo, probe


@pytest.fixture(scope="module")
def tiny_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("probe") / "tiny.mp4"
    return make_demo_video(path, width=320, height=180, fps=30, seconds=2.0)


def test_probe_reports_what_the_file_contains(tiny_video: Path) -> None:
    info = probe(tiny_video)
    assert isinstance(info, MediaInfo)
    assert info.duration_s == pytest.approx(2.0, abs=1 / 30)
    assert (info.width, info.height) == (320, 180)
    assert info.fps == pytest.approx(30.0)
    assert info.frame_count == 60
    assert info.video_codec == "h264"
    assert info.pix_fmt == "yuv420p"
    assert info.has_audio and info.audio_codec == "aac"
    assert info.size_bytes == tiny_video.stat().st_size


def test_video_without_audio(tiny_video: Path, tmp_path: Path) -> None:
    silent = tmp_path / "silent.mp4"
    subprocess.run(
        [
            imageio_ffmpeg.get_ffmpeg_exe(),
            "-v",
            "error",
            "-i",
            str(tiny_video),
            "-an",
            "-c",
            "copy",
            str(silent),
        ],
        check=True,
    )
    info = probe(silent)
    assert not info.has_audio and info.audio_codec is None
    assert info.frame_rate.numerator == 30 and info.frame_rate.denominator == 1


def _assert_user_error_about(path: Path, error: UserInputError) -> None:
    (problem,) = error.problems
    assert problem.file == path
    assert "MP4" in problem.fix and "H.264" in problem.fix


def test_zero_length_file_is_a_user_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    with pytest.raises(UserInputError) as caught:
        probe(empty)
    _assert_user_error_about(empty, caught.value)
    assert "empty" in str(caught.value)


def test_corrupt_file_is_a_user_error(tmp_path: Path, tiny_video: Path) -> None:
    corrupt = tmp_path / "corrupt.mp4"
    corrupt.write_bytes(b"this is not a video\n" * 200)
    with pytest.raises(UserInputError) as caught:
        probe(corrupt)
    _assert_user_error_about(corrupt, caught.value)


def test_truncated_file_is_a_user_error(tmp_path: Path, tiny_video: Path) -> None:
    # A copy that stopped half-way: MP4s written with +faststart lose their media data.
    truncated = tmp_path / "truncated.mp4"
    truncated.write_bytes(tiny_video.read_bytes()[:2000])
    with pytest.raises(UserInputError) as caught:
        probe(truncated)
    _assert_user_error_about(truncated, caught.value)


def test_missing_file_is_a_user_error(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.mp4"
    with pytest.raises(UserInputError) as caught:
        probe(missing)
    _assert_user_error_about(missing, caught.value)


def test_a_picture_is_not_a_video(tmp_path: Path) -> None:
    from PIL import Image

    picture = tmp_path / "still.mp4"
    Image.new("RGB", (32, 32), "white").save(picture, format="PNG")
    with pytest.raises(UserInputError):
        probe(picture)


def test_missing_ffprobe_says_how_to_install_it(
    tiny_video: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ToolMissingError, match="apt-get install ffmpeg"):
        probe(tiny_video)
