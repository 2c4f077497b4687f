"""Line breaking: at most two lines, balanced, bottom-heavy, protected terms kept whole."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from jointcampaign.subtitles.linebreak import break_lines
from jointcampaign.subtitles.textmetrics import reading_length

WORDS = st.sampled_from(
    ["a", "to", "café", "coffee", "flowers", "spring", "morning", "bouquet,", "only.", "neighbours"]
)


@settings(max_examples=200)
@given(
    words=st.lists(WORDS, min_size=1, max_size=25), max_chars=st.integers(10, 42), term_at=st.integers(0, 25)
)
def test_two_lines_at_most_no_word_lost_and_terms_whole(
    words: list[str], max_chars: int, term_at: int
) -> None:
    words = [*words[:term_at], "Rosas Flowers", *words[term_at:]]
    text = " ".join(words)
    broken = break_lines(text, "en", max_chars, terms=["Rosas Flowers"])
    lines = broken.split("\n")
    assert len(lines) <= 2
    assert " ".join(broken.split()) == " ".join(text.split())
    assert any("Rosas Flowers" in line for line in lines)
    if reading_length(text, "en") <= max_chars:
        assert lines == [text]


def test_balanced_and_bottom_heavy() -> None:
    broken = break_lines("Come to the café this Saturday and take home a bouquet of tulips", "en", 42)
    top, bottom = broken.split("\n")
    assert abs(len(top) - len(bottom)) <= 8 and len(bottom) >= len(top)


def test_break_after_a_clause_when_it_is_nearly_balanced() -> None:
    assert break_lines("When the shop opens tomorrow, the first ten guests get a bouquet", "en", 42) == (
        "When the shop opens tomorrow,\nthe first ten guests get a bouquet"
    )


def test_numbers_keep_their_units_and_names_stay_together() -> None:
    broken = break_lines("Buy two coffees and get 20 % off the bouquet at Rosa Flores on Saturday", "en", 42)
    assert all("20 %" in line or "20" not in line for line in broken.split("\n"))
    assert any("Rosa Flores" in line for line in broken.split("\n"))


def test_chinese_breaks_without_spaces_and_never_before_closing_punctuation() -> None:
    broken = break_lines(
        "街角咖啡馆和罗莎花店邀请您在春天的早晨品尝咖啡和郁金香，只要100元。", "zh", 16, ["罗莎花店"]
    )
    top, bottom = broken.split("\n")
    assert top + bottom == "街角咖啡馆和罗莎花店邀请您在春天的早晨品尝咖啡和郁金香，只要100元。"
    assert bottom[0] not in "，。！？、" and "罗莎花店" in top + "|" + bottom
    assert "100元" in top or "100元" in bottom


def test_japanese_small_kana_do_not_start_a_line() -> None:
    broken = break_lines("コーヒーとチューリップのすてきな朝をおたのしみください", "ja", 13)
    assert "\n" in broken and broken.split("\n")[1][0] not in "ーっゃゅょァィゥェォッャュョ"


def test_thai_prefers_spaces_and_never_splits_before_a_mark() -> None:
    text = "ร้านกาแฟและร้านดอกไม้ ขอเชิญคุณมาดื่มกาแฟ"
    assert break_lines(text, "th", 25) == "ร้านกาแฟและร้านดอกไม้\nขอเชิญคุณมาดื่มกาแฟ"
    unspaced = break_lines("ร้านกาแฟและร้านดอกไม้ขอเชิญคุณมาดื่มกาแฟและชมดอกทิวลิป", "th", 30)
    bottom = unspaced.split("\n")[1]
    assert (
        bottom[0]
        not in "\u0e30\u0e31\u0e32\u0e33\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e47\u0e48\u0e49\u0e4a\u0e4b"
    )


def test_arabic_keeps_logical_order() -> None:
    text = "يدعوكم المقهى ومحل الزهور إلى صباح ربيعي من القهوة والزنبق"
    broken = break_lines(text, "ar", 42)
    assert broken.replace("\n", " ") == text
