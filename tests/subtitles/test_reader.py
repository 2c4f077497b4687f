"""The reader's repairs and rejections on small, hand-made files."""

from __future__ import annotations

from pathlib import Path

import pytest

from jointcampaign.errors import UserInputError
from jointcampaign.subtitles import read_subtitles, read_subtitles_bytes
from jointcampaign.subtitles.read.text_encoding import decode_subtitle_bytes

SOURCE = Path("campaign/video/intro.srt")


def srt(*blocks: str) -> bytes:
    return "\n\n".join(blocks).encode("utf-8")


def warnings_of(data: bytes) -> list[str]:
    return [warning.message for warning in read_subtitles_bytes(data, SOURCE).warnings]


def rejection(data: bytes) -> UserInputError:
    with pytest.raises(UserInputError) as caught:
        read_subtitles_bytes(data, SOURCE)
    return caught.value


def test_clean_srt_reads_without_warnings() -> None:
    document = read_subtitles_bytes(
        srt("1\n00:00:01,000 --> 00:00:02,500\nHello\nthere", "2\n00:00:03,000 --> 00:00:04,000\nBye")
    )
    assert [(cue.index, cue.start, cue.end, cue.text) for cue in document.cues] == [
        (1, 1.0, 2.5, "Hello\nthere"),
        (2, 3.0, 4.0, "Bye"),
    ]
    assert document.format == "srt" and document.encoding == "utf-8" and document.warnings == []


def test_formatting_tags_are_stripped_and_kept_as_markup() -> None:
    data = srt(
        '1\n00:00:01,000 --> 00:00:02,000\n{\\an8}<i>Hello</i> <font color="red">world</font>\n<b>2<3</b>'
    )
    cue = read_subtitles_bytes(data).cues[0]
    assert cue.text == "Hello world\n2<3"
    assert cue.markup.startswith("{\\an8}<i>Hello</i>")


def test_out_of_order_cues_are_sorted_and_renumbered() -> None:
    data = srt("1\n00:00:05,000 --> 00:00:06,000\nSecond", "2\n00:00:01,000 --> 00:00:02,000\nFirst")
    document = read_subtitles_bytes(data, SOURCE)
    assert [(cue.index, cue.text) for cue in document.cues] == [(1, "First"), (2, "Second")]
    assert any("not in time order" in message for message in warnings_of(data))


def test_negative_duration_becomes_zero_with_a_warning() -> None:
    document = read_subtitles_bytes(srt("1\n00:00:05,000 --> 00:00:04,000\nOops"), SOURCE)
    assert (document.cues[0].start, document.cues[0].end) == (5.0, 5.0)
    assert document.warnings[0].line == 2 and "ends before it starts" in document.warnings[0].message


def test_wrong_and_missing_numbers_are_renumbered() -> None:
    data = srt(
        "7\n00:00:01,000 --> 00:00:02,000\nA",
        "00:00:03,000 --> 00:00:04,000\nB",
        "x\n00:00:05,000 --> 00:00:06,000\nC",
    )
    document = read_subtitles_bytes(data, SOURCE)
    assert [cue.index for cue in document.cues] == [1, 2, 3]
    messages = " | ".join(warnings_of(data))
    assert "cue number 7 where 1 was expected" in messages
    assert "cue has no number" in messages
    assert "'x' stands where the cue number belongs" in messages


def test_cues_without_blank_lines_between_them() -> None:
    data = b"1\n00:00:01,000 --> 00:00:02,000\nA\n2\n00:00:03,000 --> 00:00:04,000\nB\n"
    assert [cue.text for cue in read_subtitles_bytes(data).cues] == ["A", "B"]


def test_blank_line_inside_text_keeps_the_text_in_its_cue() -> None:
    data = srt("1\n00:00:01,000 --> 00:00:02,000\nA", "still A", "2\n00:00:03,000 --> 00:00:04,000\nB")
    assert [cue.text for cue in read_subtitles_bytes(data).cues] == ["A\nstill A", "B"]
    assert any("blank line splits" in message for message in warnings_of(data))


def test_trailing_garbage_is_ignored_with_a_warning() -> None:
    data = srt("1\n00:00:01,000 --> 00:00:02,000\nA", "Subtitles downloaded from example.org") + b"\x1a"
    document = read_subtitles_bytes(data, SOURCE)
    assert [cue.text for cue in document.cues] == ["A"]
    assert any("after the cues" in warning.message for warning in document.warnings)


def test_unreadable_timings_are_all_reported_with_their_lines() -> None:
    data = srt(
        "1\n00:00:01,000 --> 00:00:02,000\nA",
        "2\n00:00:0x,000 --> 00:00:04,000\nB",
        "3\n00:61:00,000 --> 00:62:00,000\nC",
    )
    error = rejection(data)
    assert [(problem.file, problem.line) for problem in error.problems] == [(SOURCE, 6), (SOURCE, 10)]
    assert "not a time" in error.problems[0].message and "above 59" in error.problems[1].message
    assert all(problem.fix for problem in error.problems)


def test_cue_missing_its_timing_is_rejected() -> None:
    error = rejection(
        srt("1\n00:00:01,000 --> 00:00:02,000\nA", "2\nB", "3\n00:00:05,000 --> 00:00:06,000\nC")
    )
    assert error.problems[0].line == 5 and "cue 2 has no timing line" in error.problems[0].message


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"  \n\n", "empty"),
        (b"just some notes\nabout the video\n", "no subtitle cues"),
        (b"\x00\x01\x02\x03mp4 junk\x00" * 10, "not a text file"),
        (b'<?xml version="1.0"?>\n<tt xmlns="http://www.w3.org/ns/ttml"></tt>', "unsupported format"),
        (b"0:00:01.000,0:00:02.000\nHello\n", "unsupported format"),
        (b"{0}{25}Hello\n", "unsupported format"),
    ],
)
def test_what_cannot_be_read_is_rejected_clearly(data: bytes, reason: str) -> None:
    error = rejection(data)
    assert reason in str(error)
    assert error.problems[0].file == SOURCE


def test_utf16_without_bom_and_cr_line_endings() -> None:
    text = "1\r00:00:01,000 --> 00:00:02,000\rÉté\r"
    document = read_subtitles_bytes(text.encode("utf-16-le"), SOURCE)
    assert document.cues[0].text == "Été" and document.encoding == "utf-16-le"
    assert "byte-order mark" in document.warnings[0].message


def test_broken_bom_encoding_is_rejected() -> None:
    error = rejection(b"\xff\xfe" + "1\n00:00:01,000 --> 00:00:02,000\nA".encode("utf-16-le") + b"\x00")
    assert "UTF-16-LE" in str(error)


def test_decoder_prefers_utf32_over_utf16_bom() -> None:
    data = "WEBVTT\n".encode("utf-32")  # little-endian BOM FF FE 00 00 on this platform
    assert decode_subtitle_bytes(data).encoding in ("utf-32-le", "utf-32-be")


def test_webvtt_notes_styles_and_settings() -> None:
    data = (
        b"WEBVTT - demo\nKind: captions\n\nNOTE a comment\n\nSTYLE\n::cue { color: red }\n\n"
        b"intro\n00:01.000 --> 00:02.000 align:start line:10%\n<v Ana>Caf\xc3\xa9 &amp; flowers</v>\n\n"
        b"00:00:03.000 --> 00:00:04.000\nA &lt;b&gt; tag\n"
    )
    document = read_subtitles_bytes(data)
    assert document.format == "vtt" and document.warnings == []
    assert [(cue.start, cue.text) for cue in document.cues] == [(1.0, "Café & flowers"), (3.0, "A <b> tag")]


def test_missing_files_and_folders_are_user_errors(tmp_path: Path) -> None:
    with pytest.raises(UserInputError, match="not found"):
        read_subtitles(tmp_path / "missing.srt")
    with pytest.raises(UserInputError, match="folder"):
        read_subtitles(tmp_path)


def test_ass_events_are_read_as_plain_cues() -> None:
    data = (
        b"[Script Info]\nScriptType: v4.00+\n\n[V4+ Styles]\nFormat: Name, Fontname\nStyle: Default,Arial\n\n"
        b"[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"
        b"Comment: 0,0:00:00.00,0:00:01.00,Default,,0,0,0,,not shown\n"
        b"Dialogue: 0,0:00:01.50,0:00:03.25,Default,,0,0,0,,{\\an8}Hello, {\\i1}world{\\i0}!\\NSecond line\n"
    )
    document = read_subtitles_bytes(data)
    assert document.format == "ass"
    assert [(cue.start, cue.end, cue.text) for cue in document.cues] == [
        (1.5, 3.25, "Hello, world!\nSecond line")
    ]


def test_ass_event_with_a_bad_time_is_rejected_with_its_line() -> None:
    data = b"[Script Info]\n\n[Events]\nDialogue: 0,0:00:0x.00,0:00:03.00,Default,,0,0,0,,Hi\n"
    error = rejection(data)
    assert error.problems[0].line == 4 and "cannot read the event times" in error.problems[0].message
