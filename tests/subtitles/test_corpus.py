"""Every file of the shared real-world corpus is read or rejected as its README says.

The table below is the README's "Expected (robust reader)" column. For a ⚠ row the README
accepts either side of the evidence or a clear rejection, so the row lists every acceptable
outcome. SSA/ASS files are read (the README gives their event counts); formats we do not read (TTML,
SBV) must be refused as "unsupported format".
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import pysubs2
import pytest

from jointcampaign.errors import UserInputError
from jointcampaign.subtitles import SubtitleDocument, read_subtitles
from jointcampaign.subtitles.read.text_encoding import decode_subtitle_bytes
from tests.conftest import CORPUS

# Skipped in a lone clone, required in CI (JOINTCAMPAIGN_REQUIRE_CORPUS=1): see tests/conftest.py.
pytestmark = pytest.mark.corpus
REJECT = "reject"


@dataclass(frozen=True)
class Expect:
    outcomes: frozenset[int | str]
    unsupported: bool = False  # if rejected, it must be as an unsupported format


def reads(count: int) -> Expect:
    return Expect(frozenset({count}))


def disputed(*outcomes: int | str) -> Expect:
    """A ⚠ row: any of the README's counts, or a clear rejection."""
    return Expect(frozenset({*outcomes, REJECT}))


def rejected() -> Expect:
    return Expect(frozenset({REJECT}))


def other_format(count: int) -> Expect:
    """TTML/SBV: refused as unsupported, or read with the README's count if ever supported."""
    return Expect(frozenset({count, REJECT}), unsupported=True)


def ssa(count: int) -> Expect:
    """SSA/ASS: the README's "ASS/SSA reader" count."""
    return reads(count)


EXPECTED: dict[str, Expect] = {
    # byroot/pysrt
    "byroot-pysrt/bom-utf-16-be.srt": reads(7),
    "byroot-pysrt/bom-utf-16-le.srt": reads(7),
    "byroot-pysrt/bom-utf-32-be.srt": reads(7),
    "byroot-pysrt/bom-utf-32-le.srt": reads(7),
    "byroot-pysrt/bom-utf-8.srt": reads(7),
    "byroot-pysrt/capability_tester.srt": reads(37),
    "byroot-pysrt/empty.srt": disputed(7, 5),
    "byroot-pysrt/invalid.srt": disputed(1),
    "byroot-pysrt/no-indexes.srt": reads(7),
    "byroot-pysrt/utf-8.srt": reads(1332),
    "byroot-pysrt/windows-1252.srt": reads(1332),
    # cdown/srt
    "cdown-srt/ascii.srt": reads(3),
    "cdown-srt/gb2312.srt": reads(3),
    # SubtitleEdit
    "SubtitleEdit-subtitleedit/auto_detect_Danish.srt": reads(301),
    "SubtitleEdit-subtitleedit/auto_detect_Russian.srt": reads(183),
    "SubtitleEdit-subtitleedit/auto_detect_windows-1250.srt": reads(1132),
    "SubtitleEdit-subtitleedit/auto_detect_windows-1251.srt": reads(595),
    "SubtitleEdit-subtitleedit/sample_WebVTT_AppleTV.webvtt": disputed(420),
    "SubtitleEdit-subtitleedit/test.srt": reads(3),
    "SubtitleEdit-subtitleedit/test2.srt": reads(2),
    "SubtitleEdit-subtitleedit/test.vtt": reads(3),
    "SubtitleEdit-subtitleedit/test2.vtt": reads(2),
    "SubtitleEdit-subtitleedit/test.ass": ssa(3),
    "SubtitleEdit-subtitleedit/test.ssa": ssa(3),
    "SubtitleEdit-subtitleedit/test.txt": ssa(3),
    # asticode/go-astisub
    "asticode-go-astisub/example-in.srt": disputed(6, 5),
    "asticode-go-astisub/example-in-non-utf8.srt": disputed(6, 5),
    "asticode-go-astisub/missing-sequence-in.srt": disputed(6, 5),
    "asticode-go-astisub/example-in-carriage-return.srt": reads(3),
    "asticode-go-astisub/example-in-html-entities.srt": reads(3),
    "asticode-go-astisub/example-in-styled.srt": reads(10),
    "asticode-go-astisub/example-out.srt": reads(6),
    "asticode-go-astisub/example-out-html-entities.srt": reads(3),
    "asticode-go-astisub/example-out-styled.srt": reads(10),
    "asticode-go-astisub/broken-1-in.vtt": disputed(0),
    "asticode-go-astisub/example-in.vtt": disputed(6, 5),
    "asticode-go-astisub/example-in-non-utf8.vtt": disputed(6, 5),
    "asticode-go-astisub/example-in-carriage-return.vtt": reads(3),
    "asticode-go-astisub/example-in-html-entities.vtt": reads(3),
    "asticode-go-astisub/example-out.vtt": reads(6),
    "asticode-go-astisub/example-out-html-entities.vtt": reads(3),
    "asticode-go-astisub/example-out-styled.vtt": reads(10),
    "asticode-go-astisub/example-in.ssa": ssa(6),
    "asticode-go-astisub/example-in-carriage-return.ssa": ssa(3),
    "asticode-go-astisub/example-out.ssa": ssa(6),
    "asticode-go-astisub/example-out-v4plus.ssa": ssa(6),
    "asticode-go-astisub/example-in.ttml": other_format(6),
    "asticode-go-astisub/example-in-breaklines.ttml": other_format(4),
    "asticode-go-astisub/example-in-merging-style.ttml": other_format(4),
    "asticode-go-astisub/example-out.ttml": other_format(6),
    "asticode-go-astisub/example-out-no-indent.ttml": other_format(6),
    "asticode-go-astisub/example-out-breaklines.ttml": other_format(4),
    # glut23/webvtt-py
    "glut23-webvtt-py/sample.srt": reads(5),
    "glut23-webvtt-py/one_caption.srt": reads(1),
    "glut23-webvtt-py/invalid_format1.srt": rejected(),
    "glut23-webvtt-py/invalid_format2.srt": rejected(),
    "glut23-webvtt-py/invalid_format3.srt": rejected(),
    "glut23-webvtt-py/invalid_format4.srt": disputed(1),
    "glut23-webvtt-py/invalid_timeframe.srt": disputed(5),
    "glut23-webvtt-py/missing_timeframe.srt": disputed(4),
    "glut23-webvtt-py/missing_caption_text.srt": disputed(5, 4),
    "glut23-webvtt-py/sample.vtt": reads(16),
    "glut23-webvtt-py/one_caption.vtt": reads(1),
    "glut23-webvtt-py/captions_with_bom.vtt": reads(4),
    "glut23-webvtt-py/comments.vtt": reads(3),
    "glut23-webvtt-py/cue_tags.vtt": reads(3),
    "glut23-webvtt-py/styles.vtt": reads(1),
    "glut23-webvtt-py/metadata_headers.vtt": reads(2),
    "glut23-webvtt-py/metadata_headers_multiline.vtt": reads(2),
    "glut23-webvtt-py/using_identifiers.vtt": reads(6),
    "glut23-webvtt-py/youtube_dl.vtt": reads(4),
    "glut23-webvtt-py/netflix_chicas_del_cable.vtt": reads(865),
    "glut23-webvtt-py/no_captions.vtt": reads(0),
    "glut23-webvtt-py/empty.vtt": rejected(),
    "glut23-webvtt-py/invalid.vtt": disputed(7),
    "glut23-webvtt-py/invalid_timeframe.vtt": disputed(6),
    "glut23-webvtt-py/invalid_timeframe_in_cue_text.vtt": reads(4),
    "glut23-webvtt-py/missing_caption_text.vtt": reads(5),
    "glut23-webvtt-py/missing_timeframe.vtt": disputed(6),
    "glut23-webvtt-py/sample.sbv": other_format(5),
    "glut23-webvtt-py/two_captions.sbv": other_format(2),
    "glut23-webvtt-py/invalid_format.sbv": rejected(),
    "glut23-webvtt-py/invalid_timeframe.sbv": disputed(4),
    "glut23-webvtt-py/missing_caption_text.sbv": Expect(frozenset({5, 4, REJECT}), unsupported=True),
    "glut23-webvtt-py/missing_timeframe.sbv": disputed(4),
    # tkarabela/pysubs2
    "tkarabela-pysubs2/subtitle_with_attached_fonts_aegisub.ass": ssa(1),
    "tkarabela-pysubs2/subtitle_with_attached_fonts_pysubs2_ref.ass": ssa(1),
    "tkarabela-pysubs2/subtitle_with_attached_fonts_no_events.ass": ssa(0),
    "tkarabela-pysubs2/subtitle_with_attached_images_aegisub.ass": ssa(1),
    "tkarabela-pysubs2/subtitle_with_attached_images_pysubs2_ref.ass": ssa(1),
    "tkarabela-pysubs2/ttml_example.ttml": other_format(11),
    "tkarabela-pysubs2/ttml_example.ass": ssa(11),
    "tkarabela-pysubs2/ttml_example2.ttml": other_format(10),
    "tkarabela-pysubs2/ttml_example2.ass": ssa(10),
    "tkarabela-pysubs2/ttml_example_apple.ttml": other_format(38),
    "tkarabela-pysubs2/ttml_example_apple.ass": ssa(38),
}


def corpus_files() -> list[str]:
    if not CORPUS.is_dir():
        return []
    return sorted(
        path.relative_to(CORPUS).as_posix()
        for path in CORPUS.rglob("*")
        if path.is_file() and path.name != "README.md" and not path.name.startswith("SOURCE_LICENSE")
    )


def outcome(relative: str) -> tuple[int | str, SubtitleDocument | UserInputError]:
    try:
        document = read_subtitles(CORPUS / relative)
    except UserInputError as error:  # anything else escaping fails the test: that is the contract
        return REJECT, error
    return len(document.cues), document


def test_corpus_is_present_and_fully_covered() -> None:
    files = corpus_files()
    assert len(files) == 96
    assert set(files) == set(EXPECTED), "the table and the corpus folder disagree"


@pytest.mark.parametrize("relative", sorted(EXPECTED))
def test_corpus_file_is_read_or_rejected_as_the_readme_says(relative: str) -> None:
    expect = EXPECTED[relative]
    result, detail = outcome(relative)
    assert result in expect.outcomes, (
        f"{relative}: got {result}, README allows {sorted(map(str, expect.outcomes))}"
    )
    if isinstance(detail, UserInputError):
        assert detail.problems, "a rejection must say what is wrong"
        for problem in detail.problems:
            assert problem.file == CORPUS / relative
            assert problem.message and problem.fix
        if expect.unsupported:
            assert "unsupported format" in str(detail)
    else:
        for cue in detail.cues:
            assert "\ufffd" not in cue.text, f"{relative}: cue {cue.index} has undecodable characters"
            assert "-->" not in cue.text
            assert 0 <= cue.start <= cue.end
        assert [cue.index for cue in detail.cues] == list(range(1, len(detail.cues) + 1))
        assert all(warning.severity == "warning" for warning in detail.warnings)


@pytest.mark.parametrize(
    ("relative", "encoding"),
    [
        ("byroot-pysrt/windows-1252.srt", "cp1252"),
        ("SubtitleEdit-subtitleedit/auto_detect_windows-1250.srt", "cp1250"),
        ("SubtitleEdit-subtitleedit/auto_detect_windows-1251.srt", "cp1251"),
        ("cdown-srt/gb2312.srt", "gb18030"),
    ],
)
def test_legacy_encodings_are_detected_and_announced(relative: str, encoding: str) -> None:
    document = read_subtitles(CORPUS / relative)
    assert document.encoding == encoding
    assert any("not UTF-8" in warning.message for warning in document.warnings)


def test_legacy_text_matches_its_utf8_twin() -> None:
    utf8 = read_subtitles(CORPUS / "byroot-pysrt/utf-8.srt")
    legacy = read_subtitles(CORPUS / "byroot-pysrt/windows-1252.srt")
    assert utf8.cues == legacy.cues


@pytest.mark.parametrize(
    "name", ["bom-utf-8", "bom-utf-16-le", "bom-utf-16-be", "bom-utf-32-le", "bom-utf-32-be"]
)
def test_every_byte_order_mark_gives_the_same_cues(name: str) -> None:
    document = read_subtitles(CORPUS / f"byroot-pysrt/{name}.srt")
    reference = read_subtitles(CORPUS / "byroot-pysrt/bom-utf-8.srt")
    assert document.cues == reference.cues
    assert document.cues[0].index == 1
    assert len(document.cues[2].lines) == 5


def test_tags_and_karaoke_times_are_stripped_from_text() -> None:
    cue_tags = read_subtitles(CORPUS / "glut23-webvtt-py/cue_tags.vtt").cues
    assert [cue.text for cue in cue_tags[1:]] == ["Like a big-a pizza pie", "That's amore"]
    youtube = read_subtitles(CORPUS / "glut23-webvtt-py/youtube_dl.vtt").cues
    assert youtube[2].text == "this will happen is I'm telling"
    netflix = read_subtitles(CORPUS / "glut23-webvtt-py/netflix_chicas_del_cable.vtt").cues
    assert netflix[0].text == "[Alba] En 1928,"
    assert netflix[0].markup == "[Alba] <i>En 1928,</i>"


def test_capability_tester_formatting_is_plain_text() -> None:
    cues = read_subtitles(CORPUS / "byroot-pysrt/capability_tester.srt").cues
    assert cues[1].lines[3] == "This text should be red"
    assert cues[10].lines == [
        "Implementation is the same of the ASS tag",
        "This text should be at the",
        "top and horizontally centered",
    ]
    assert cues[0].duration == 0  # zero-duration cues are kept, with a warning


def test_html_entities_are_decoded() -> None:
    cues = read_subtitles(CORPUS / "asticode-go-astisub/example-in-html-entities.srt").cues
    assert cues[1].text == "Go,\u00a0then,"
    assert "&" in cues[0].text and cues[2].text == "there are other < worlds than these."


def test_two_digit_fractions_are_hundredths() -> None:
    cues = read_subtitles(CORPUS / "asticode-go-astisub/example-in.srt").cues
    assert (cues[0].start, cues[0].end) == (99.0, 101.04)


# The README's cross-check records that pysubs2 itself fails on this file, so it cannot be a witness.
PYSUBS2_CANNOT_READ = {"asticode-go-astisub/example-out-v4plus.ssa"}


def readable_files() -> list[str]:
    return [
        relative
        for relative, expect in sorted(EXPECTED.items())
        if REJECT not in expect.outcomes and relative not in PYSUBS2_CANNOT_READ
    ]


@pytest.mark.parametrize("relative", sorted(PYSUBS2_CANNOT_READ))
def test_files_left_out_of_the_cross_check_really_defeat_pysubs2(relative: str) -> None:
    text = decode_subtitle_bytes((CORPUS / relative).read_bytes()).text
    with warnings.catch_warnings(), pytest.raises(ValueError):
        warnings.simplefilter("ignore")
        pysubs2.SSAFile.from_string(text, format_=read_subtitles(CORPUS / relative).format)


@pytest.mark.parametrize("relative", readable_files())
def test_timings_agree_with_pysubs2(relative: str) -> None:
    """A second, independent parser reads the same times from the same (decoded) text."""
    document = read_subtitles(CORPUS / relative)
    text = decode_subtitle_bytes((CORPUS / relative).read_bytes()).text
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pysubs2 warns about style fields we do not use
        events = pysubs2.SSAFile.from_string(text, format_=document.format)
    theirs = sorted((event.start, event.end) for event in events if event.type == "Dialogue")
    ours = sorted((round(cue.start * 1000), round(cue.end * 1000)) for cue in document.cues)
    assert ours == theirs
