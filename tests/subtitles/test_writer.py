"""SRT and WebVTT written by us read back the same, with our reader, pysubs2, pysrt and webvtt-py."""

from __future__ import annotations

import html
from pathlib import Path

import pysrt
import pysubs2
import webvtt
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jointcampaign.errors import UserInputError
from jointcampaign.subtitles import (
    Cue,
    read_subtitles,
    read_subtitles_bytes,
    to_srt,
    to_vtt,
    write_srt,
    write_vtt,
)

# Letters from several scripts, digits and punctuation; SRT cannot escape markup, so its text
# leaves out the characters SRT players treat as tags ("<", "{", "\\") or entities ("&").
_COMMON = "abcxyzABCXYZ éÉçßøÆ привет 日本語中文 한국어 مرحبا नमस्ते ไทย 0123456789 .,!?'\"-:;()…\u00a0"
SRT_ALPHABET = _COMMON
VTT_ALPHABET = _COMMON + "<>&/="


def cue_text(alphabet: str) -> st.SearchStrategy[str]:
    line = st.text(alphabet=alphabet, min_size=1, max_size=30).map(lambda text: text.strip(" \t"))
    return st.lists(line.filter(lambda text: bool(text.strip())), min_size=0, max_size=3).map("\n".join)


def cue_lists(alphabet: str, min_size: int) -> st.SearchStrategy[list[Cue]]:
    timed = st.tuples(st.integers(0, 36_000_000), st.integers(0, 20_000), cue_text(alphabet))
    return st.lists(timed, min_size=min_size, max_size=15).map(
        lambda items: [
            Cue(index, start / 1000, (start + length) / 1000, text)
            for index, (start, length, text) in enumerate(sorted(items, key=lambda item: item[0]), start=1)
        ]
    )


def _edges_trimmed(text: str) -> str:
    # pysubs2 also trims hard spaces at line edges, which we keep on purpose.
    return "\n".join(line.strip() for line in text.split("\n"))


def pysubs2_view(events: pysubs2.SSAFile, unescape: bool) -> list[tuple[int, int, str]]:
    view = []
    for event in events:
        text = html.unescape(event.plaintext) if unescape else event.plaintext
        view.append((event.start, event.end, _edges_trimmed(text)))
    return view


def pysubs2_misreads(cues: list[Cue]) -> bool:
    """pysubs2 takes a text line of only digits for a cue number even after a blank line; that
    ambiguity is pysubs2's, so such texts are checked with our reader only."""
    return any(line.strip().isdigit() for cue in cues for line in cue.lines)


def our_view(cues: list[Cue]) -> list[tuple[int, int, str]]:
    return [(round(cue.start * 1000), round(cue.end * 1000), _edges_trimmed(cue.text)) for cue in cues]


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(cue_lists(SRT_ALPHABET, min_size=1))
def test_srt_round_trip(cues: list[Cue]) -> None:
    text = to_srt(cues)
    assert read_subtitles_bytes(text.encode("utf-8")).cues == cues
    if pysubs2_misreads(cues):
        return
    assert pysubs2_view(pysubs2.SSAFile.from_string(text, format_="srt"), unescape=False) == our_view(cues)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(cue_lists(SRT_ALPHABET, min_size=1))
def test_srt_reads_back_with_pysrt(cues: list[Cue]) -> None:
    """pysrt, the SubRip library many tools build on, reads every cue number, timing and text."""
    if pysubs2_misreads(cues):  # pysrt shares that reading of a digits-only line
        return
    items = pysrt.from_string(to_srt(cues))
    theirs = [(item.index, item.start.ordinal, item.end.ordinal, _edges_trimmed(item.text)) for item in items]
    assert theirs == [(cue.index, *view) for cue, view in zip(cues, our_view(cues), strict=True)]


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(cue_lists(VTT_ALPHABET, min_size=0))
def test_vtt_round_trip(cues: list[Cue]) -> None:
    text = to_vtt(cues)
    assert read_subtitles_bytes(text.encode("utf-8")).cues == cues
    if pysubs2_misreads(cues):
        return
    # pysubs2 leaves WebVTT character references alone, so unescape what it read.
    assert pysubs2_view(pysubs2.SSAFile.from_string(text, format_="vtt"), unescape=True) == our_view(cues)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(cue_lists(VTT_ALPHABET, min_size=1))
def test_vtt_reads_back_with_webvtt_py(cues: list[Cue]) -> None:
    """webvtt-py, a parser that rejects malformed WebVTT, reads every cue, timing and text."""
    captions = webvtt.from_string(to_vtt(cues))
    view = [
        (vtt_ms(caption.start), vtt_ms(caption.end), _edges_trimmed(html.unescape(caption.raw_text)))
        for caption in captions
    ]
    assert view == our_view(cues)


def vtt_ms(timing: str) -> int:
    hours, minutes, seconds = timing.split(":")
    return round((int(hours) * 3600 + int(minutes) * 60 + float(seconds)) * 1000)


@settings(max_examples=300)
@given(
    st.binary(max_size=400)
    | st.text(alphabet="0123456789:,.-> \n\rWEBVTTabc<>{}\\", max_size=400).map(str.encode)
)
def test_any_bytes_either_read_or_raise_user_input_error(data: bytes) -> None:
    try:
        read_subtitles_bytes(data)
    except UserInputError as error:
        assert error.problems


def test_vtt_output_is_valid_webvtt() -> None:
    cues = [Cue(1, 3723.5, 3725.0, "Tom & Jerry <3\n-->"), Cue(2, 5.0, 6.25, "")]
    assert to_vtt(cues) == (
        "WEBVTT\n\n"
        "01:02:03.500 --> 01:02:05.000\nTom &amp; Jerry &lt;3\n--&gt;\n\n"
        "00:00:05.000 --> 00:00:06.250\n"
    )


def test_srt_output_and_crlf(tmp_path: Path) -> None:
    cues = [Cue(7, 1.0, 2.0, "  Hello \n\n world -->"), Cue(8, 3.0, 4.0005, "Bye")]
    assert (
        to_srt(cues)
        == "1\n00:00:01,000 --> 00:00:02,000\nHello\nworld ->\n\n2\n00:00:03,000 --> 00:00:04,000\nBye\n"
    )
    target = tmp_path / "out" / "en.srt"
    write_srt(cues, target, crlf=True)
    data = target.read_bytes()
    assert data.count(b"\r\n") == 8 and b"\n" not in data.replace(b"\r\n", b"")
    assert not data.startswith(b"\xef\xbb\xbf")
    assert [cue.text for cue in read_subtitles(target).cues] == ["Hello\nworld ->", "Bye"]
    assert list(target.parent.iterdir()) == [target]  # no temp file left behind


def test_write_vtt_replaces_atomically(tmp_path: Path) -> None:
    target = tmp_path / "fr.vtt"
    target.write_text("old", encoding="utf-8")
    write_vtt([Cue(1, 0.0, 1.0, "Bonjour")], target)
    document = read_subtitles(target)
    assert document.format == "vtt" and document.cues[0].text == "Bonjour"
    assert list(tmp_path.iterdir()) == [target]
