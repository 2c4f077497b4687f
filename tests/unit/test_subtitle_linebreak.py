"""Line breaking: at most two lines, balanced, bottom-heavy, protected terms kept whole."""

from __future__ import annotations

import pytest
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


THAI_WORDS = [
    "ร้าน",
    "กาแฟ",
    "และ",
    "ร้าน",
    "ดอกไม้",
    "ขอ",
    "เชิญ",
    "คุณ",
    "มา",
    "ดื่ม",
    "กาแฟ",
    "ใน",
    "เช้า",
    "วัน",
    "เสาร์",
    "นี้",
]
THAI_MARKS = "\u0e30\u0e31\u0e32\u0e33\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e47\u0e48\u0e49\u0e4a\u0e4b"


def word_ends(words: list[str], between: str = "") -> set[int]:
    ends, position = set(), 0
    for word in words[:-1]:
        position += len(word)
        ends.add(position)
        position += len(between)
        ends.add(position)
    return ends


def test_thai_prefers_spaces() -> None:
    text = "ร้านกาแฟและร้านดอกไม้ ขอเชิญคุณมาดื่มกาแฟ"
    assert break_lines(text, "th", 25) == "ร้านกาแฟและร้านดอกไม้\nขอเชิญคุณมาดื่มกาแฟ"


@pytest.mark.parametrize("max_chars", range(12, 40, 3))
def test_thai_without_spaces_breaks_only_between_words(max_chars: int) -> None:
    text = "".join(THAI_WORDS)
    top, bottom = break_lines(text, "th", max_chars).split("\n")
    assert top + bottom == text
    assert len(top) in word_ends(THAI_WORDS)  # never inside ดอกไม้, เชิญ, เสาร์...
    assert bottom[0] not in THAI_MARKS


def test_characters_beyond_the_basic_plane_do_not_shift_break_positions() -> None:
    # ICU counts UTF-16 units; an emoji is two of them but one Python character.
    words = [part for k, word in enumerate(THAI_WORDS) for part in ([word, "😀"] if k % 3 == 0 else [word])]
    text = "".join(words)
    top, bottom = break_lines(text, "th", 24).split("\n")
    assert top + bottom == text and len(top) in word_ends(words)
    chinese = "𠀀街角咖啡馆和罗莎花店邀请您在春天的早晨品尝咖啡"
    top, bottom = break_lines(chinese, "zh", 16).split("\n")
    assert top + bottom == chinese and not top.endswith(("咖", "罗")) and not top.endswith("早")


def test_chinese_prefers_to_break_between_words() -> None:
    top, bottom = break_lines("欢迎光临街角咖啡馆出示此优惠即可享受九折优惠", "zh", 16).split("\n")
    for word in ("咖啡馆", "优惠", "光临", "享受"):
        assert word not in top[-2:] + "|" + bottom[:2] or word in top or word in bottom
    assert (top, bottom) == ("欢迎光临街角咖啡馆出示", "此优惠即可享受九折优惠")


@settings(max_examples=150)
@given(
    words=st.lists(st.sampled_from([*THAI_WORDS, "😀", "10%", "Rosa"]), min_size=2, max_size=30),
    max_chars=st.integers(8, 35),
)
def test_thai_lines_give_back_the_text_and_never_start_with_a_mark(words: list[str], max_chars: int) -> None:
    text = "".join(words)
    lines = break_lines(text, "th", max_chars).split("\n")
    assert len(lines) <= 2 and "".join(lines) == text
    assert all(line and line[0] not in THAI_MARKS for line in lines)


def test_arabic_keeps_logical_order() -> None:
    text = "يدعوكم المقهى ومحل الزهور إلى صباح ربيعي من القهوة والزنبق"
    broken = break_lines(text, "ar", 42)
    assert broken.replace("\n", " ") == text


def test_icu_positions_are_python_string_indices() -> None:
    from jointcampaign.subtitles.boundaries import boundaries

    # 😀|ร้าน|กาแฟ|😀|ดอกไม้ and 𠀀|咖啡|馆|和|花店: the emoji and the Extension B ideograph are one
    # character each here, two UTF-16 units each in ICU.
    assert boundaries("😀ร้านกาแฟ😀ดอกไม้", "th", "line") == {1, 5, 9, 10}
    assert boundaries("𠀀咖啡馆和花店", "zh", "word") == {1, 3, 4, 5}
