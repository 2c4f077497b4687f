"""ASS written by us: valid sections, literal text, centisecond times that never overlap; read back
by our reader and by pysubs2, and drawn by libass (ffmpeg's `ass` filter)."""

from __future__ import annotations

import itertools
import re
import subprocess
from dataclasses import replace
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import numpy.typing as npt
import pysubs2
import pytest
from hypothesis import HealthCheck, given, settings

from jointcampaign.subtitles import AssStyle, Cue, read_subtitles, read_subtitles_bytes, to_ass, write_ass
from jointcampaign.subtitles.write.ass_writer import ass_colour
from tests.subtitles.test_writer import _COMMON, _edges_trimmed, cue_lists, pysubs2_misreads

# Braces, backslashes and the letters of \N, \n and \h: what ASS would otherwise interpret.
ASS_ALPHABET = _COMMON + "{}\\Nnh"


def spaces(text: str) -> str:
    return re.sub(r"[ \t]+", " ", text)


def plain_view(cues: list[Cue]) -> list[str]:
    return [_edges_trimmed(cue.text) for cue in cues]


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(cue_lists(ASS_ALPHABET, min_size=1))
def test_ass_round_trip(cues: list[Cue]) -> None:
    # On the centisecond grid ASS stores, times come back exactly (rounding is tested below).
    cues = [replace(cue, start=round(cue.start, 2), end=round(cue.end, 2)) for cue in cues]
    text = to_ass(cues)
    back = read_subtitles_bytes(text.encode("utf-8")).cues
    ordered = sorted(cues, key=lambda cue: cue.start)  # the reader's order: by start, then as written
    # Our ASS reader folds runs of spaces into one, as it does for every ASS file.
    assert [(cue.start, cue.end, cue.text) for cue in back] == [
        (c.start, c.end, spaces(c.text)) for c in ordered
    ]
    events = pysubs2.SSAFile.from_string(text, format_="ass")
    assert len(events) == len(cues)
    literal = not any(char in cue.text for cue in cues for char in "{}\\\u00a0")
    if literal and not pysubs2_misreads(cues):  # pysubs2 knows neither libass's escapes nor \h
        assert [_edges_trimmed(event.plaintext) for event in events] == plain_view(cues)


@given(cue_lists(ASS_ALPHABET, min_size=2))
def test_rounding_never_makes_cues_overlap(cues: list[Cue]) -> None:
    ordered = sorted(cues, key=lambda cue: cue.start)
    apart = all(b.start >= a.end for a, b in itertools.pairwise(ordered))
    events = pysubs2.SSAFile.from_string(to_ass(ordered), format_="ass")
    assert all(event.end >= event.start for event in events)
    if apart:
        assert all(b.start >= a.end for a, b in itertools.pairwise(events))


def test_exact_output_of_a_small_file() -> None:
    cues = [Cue(1, 1.004, 2.996, "Rosa's {Flowers}\nC:\\new\\home"), Cue(2, 3723.5, 3725.0, "10% off, today")]
    assert to_ass(cues, title="Spring") == (
        "[Script Info]\n"
        "Title: Spring\n"
        "ScriptType: v4.00+\n"
        "PlayResX: 1920\n"
        "PlayResY: 1080\n"
        "WrapStyle: 0\n"
        "ScaledBorderAndShadow: yes\n"
        "\n"
        "[V4+ Styles]\n"
        "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, "
        "Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, "
        "Alignment, MarginL, MarginR, MarginV, Encoding\n"
        "Style: Default,Noto Sans,54,&H00FFFFFF,&H00FFFFFF,&H00000000,&H66000000,0,0,0,0,100,100,0,0,1,3,1,"
        "2,96,96,64,1\n"
        "\n"
        "[Events]\n"
        "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"
        "Dialogue: 0,0:00:01.01,0:00:02.99,Default,,0,0,0,,Rosa's \\{Flowers\\}\\NC:\\\u2060new\\\u2060home\n"
        "Dialogue: 0,1:02:03.50,1:02:05.00,Default,,0,0,0,,10% off, today\n"
    )


def test_styles_per_language_and_colours() -> None:
    assert AssStyle.for_language("ar").font == "Noto Sans Arabic"
    assert AssStyle.for_language("zh-Hans").font == "Noto Sans CJK SC"
    assert AssStyle.for_language("zh-Hant-TW").font == "Noto Sans CJK TC"
    assert AssStyle.for_language("vi").font == "Noto Sans"
    assert ass_colour("#6F4E37") == "&H00374E6F" and ass_colour("#C2185B", 128) == "&H805B18C2"
    boxed = replace(AssStyle(), box=True, box_opacity=1.0).line().removeprefix("Style: ").split(",")
    assert boxed[6] == "&H00000000" and boxed[15] == "3"  # an opaque box behind the text
    with pytest.raises(ValueError, match="#RRGGBB"):
        ass_colour("red")


def test_write_ass_replaces_atomically_with_a_bom(tmp_path: Path) -> None:
    target = tmp_path / "es.ass"
    target.write_text("old", encoding="utf-8")
    write_ass([Cue(1, 0.0, 1.0, "Hola, {mundo}")], target)
    assert target.read_bytes().startswith(b"\xef\xbb\xbf[Script Info]")
    document = read_subtitles(target)
    assert document.format == "ass" and [cue.text for cue in document.cues] == ["Hola, {mundo}"]
    assert list(tmp_path.iterdir()) == [target]


def burned_frames(
    ass_file: Path, seconds: float = 2.0, size: tuple[int, int] = (480, 180)
) -> npt.NDArray[np.uint8]:
    """Grey frames (10 a second) of a black clip with the ASS file burned in by libass."""
    width, height = size
    raw = subprocess.run(
        [
            imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-f", "lavfi",
            "-i", f"color=c=black:s={width}x{height}:d={seconds}:r=10",
            "-vf", f"ass={ass_file}", "-f", "rawvideo", "-pix_fmt", "gray", "pipe:1",
        ],
        capture_output=True,
        check=True,
    ).stdout  # fmt: skip
    return np.frombuffer(raw, dtype=np.uint8).reshape(-1, height, width)


def inked_columns(frame: npt.NDArray[np.uint8]) -> int:
    columns = np.where(frame.max(axis=0) > 128)[0]
    return int(columns.max() - columns.min() + 1) if len(columns) else 0


@pytest.mark.slow
def test_libass_draws_the_cue_in_its_time_and_the_text_literally(tmp_path: Path) -> None:
    style = replace(AssStyle(), width=480, height=180, size=40, margin_v=10, shadow=0, outline=0)
    words = ["abc", "a{b}c", "هذا عرض خاص"]
    widths = []
    for k, text in enumerate(words):
        path = tmp_path / f"{k}.ass"
        font = AssStyle.for_language("ar").font if k == 2 else style.font
        write_ass([Cue(1, 0.5, 1.5, text)], path, replace(style, font=font))
        frames = burned_frames(path)
        assert frames.shape[0] == 20
        before, during, after = frames[2], frames[10], frames[18]
        assert before.max() < 16 and after.max() < 16  # nothing outside the cue's time
        assert during[90:].max() > 200 and during[:60].max() < 16  # drawn in the bottom band
        widths.append(inked_columns(during))
    # Braces shown as text, not swallowed as an override block ("a{b}c" is wider than "abc").
    assert widths[1] > widths[0] * 1.2
    assert widths[2] > widths[0]  # Arabic drawn, not left blank
