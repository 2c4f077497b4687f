"""Line breaking: at most two lines, balanced, bottom-heavy, protected terms kept whole."""

from __future__ import annotations

import sys
import unicodedata
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jointcampaign.subtitles.fit.boundaries import boundaries
from jointcampaign.subtitles.fit.linebreak import break_lines, candidate_breaks
from jointcampaign.subtitles.fit.retime import split_into_pieces
from jointcampaign.subtitles.qc.textmetrics import reading_length

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
    from jointcampaign.subtitles.fit.boundaries import boundaries

    # 😀|ร้าน|กาแฟ|😀|ดอกไม้ and 𠀀|咖啡|馆|和|花店: the emoji and the Extension B ideograph are one
    # character each here, two UTF-16 units each in ICU.
    assert boundaries("😀ร้านกาแฟ😀ดอกไม้", "th", "line") == {1, 5, 9, 10}
    assert boundaries("𠀀咖啡馆和花店", "zh", "word") == {1, 3, 4, 5}


# A Thai sentence segmented by hand. ICU's dictionary splits two of these words: the name
# โรซ่า (โร|ซ่า) and the compound เยี่ยมชม (เยี่ยม|ชม); every other word must stay on one line.
THAI_SENTENCE = [
    "ร้าน",
    "กาแฟ",
    "หัว",
    "มุม",
    "และ",
    "ร้าน",
    "ดอกไม้",
    "ของ",
    "โรซ่า",
    "ขอ",
    "เชิญ",
    "คุณ",
    "มา",
    "เยี่ยมชม",
    "ใน",
    "เช้า",
    "วัน",
    "เสาร์",
    "นี้",
]
THAI_FOLLOWING_VOWELS = "\u0e30\u0e32\u0e33\u0e45\u0e46"  # ะ า ำ ๅ ๆ: written after their consonant
THAI_LEADING_VOWELS = "\u0e40\u0e41\u0e42\u0e43\u0e44"  # เ แ โ ใ ไ: written before it
COMBINING = ("Mn", "Mc", "Me")


def words_split_by(words: list[str], cut: int, whole: set[str]) -> list[str]:
    """The words in `whole` that a cut at `cut` in "".join(words) would split."""
    split, position = [], 0
    for word in words:
        if word in whole and position < cut < position + len(word):
            split.append(word)
        position += len(word)
    return split


def assert_valid_line_starts(top: str, bottom: str) -> None:
    assert unicodedata.category(bottom[0]) not in COMBINING and bottom[0] not in THAI_FOLLOWING_VOWELS
    assert top[-1] not in THAI_LEADING_VOWELS


def test_thai_sentence_keeps_dictionary_words_whole() -> None:
    # Every run of three or more words, so the balanced cut falls everywhere in the sentence.
    whole = set(THAI_SENTENCE) - {"โรซ่า", "เยี่ยมชม"}
    for first in range(len(THAI_SENTENCE)):
        for last in range(first + 3, len(THAI_SENTENCE) + 1):
            words = THAI_SENTENCE[first:last]
            broken = break_lines("".join(words), "th", 2)
            top, bottom = broken.split("\n")
            assert top + bottom == "".join(words)
            assert words_split_by(words, len(top), whole) == [], broken
            assert_valid_line_starts(top, bottom)


def test_thai_name_given_as_a_term_is_not_split() -> None:
    text = "".join(THAI_SENTENCE[5:12])  # ร้านดอกไม้ของโรซ่าขอเชิญคุณ: ICU would cut โร|ซ่า
    for max_chars in range(8, 20):
        top, bottom = break_lines(text, "th", max_chars, terms=["โรซ่า"]).split("\n")
        assert "โรซ่า" in top or "โรซ่า" in bottom


def test_thai_line_never_starts_with_a_following_vowel_where_the_dictionary_misreads() -> None:
    # ชา|เขียว|ลาเต้|นะ|คะ ("green tea latte"): ICU does not know ลาเต้ and reads ลา|เต้น|ะ.
    text = "ชาเขียวลาเต้นะคะ"
    cuts = {point.cut_start for point in candidate_breaks(text, "th")}
    assert 7 in cuts  # ชาเขียว|ลาเต้นะคะ
    assert all(text[cut] not in THAI_FOLLOWING_VOWELS for cut in cuts)


SOUTHEAST_ASIAN = {
    # shop, coffee, and, shop, flower, invite, you, come, drink, coffee, in, morning
    "lo": ["ຮ້ານ", "ກາເຟ", "ແລະ", "ຮ້ານ", "ດອກໄມ້", "ເຊີນ", "ທ່ານ", "ມາ", "ດື່ມ", "ກາເຟ", "ໃນ", "ຕອນເຊົ້າ"],
    # shop, coffee, and, shop, flower, please, invite, you, come, drink, coffee, at, morning
    "km": ["ហាង", "កាហ្វេ", "និង", "ហាង", "ផ្កា", "សូម", "អញ្ជើញ", "អ្នក", "មក", "ផឹក", "កាហ្វេ", "នៅពេល", "ព្រឹក"],
    # coffee, shop, and, flower, shop, to, come, arrive, coffee, drink, for, invite, call, (polite end)
    "my": ["ကော်ဖီ", "ဆိုင်", "နှင့်", "ပန်း", "ဆိုင်", "သို့", "လာ", "ရောက်", "ကော်ဖီ", "သောက်", "ရန်", "ဖိတ်", "ခေါ်", "ပါသည်"],
}


@pytest.mark.parametrize("lang", sorted(SOUTHEAST_ASIAN))
def test_lao_khmer_burmese_break_only_between_words(lang: str) -> None:
    sentence = SOUTHEAST_ASIAN[lang]
    for first in range(len(sentence)):
        for last in range(first + 3, len(sentence) + 1):
            words = sentence[first:last]
            top, bottom = break_lines("".join(words), lang, 2).split("\n")
            assert top + bottom == "".join(words)
            assert len(top) in word_ends(words), f"{top}|{bottom}"
            assert unicodedata.category(bottom[0]) not in COMBINING


def test_chinese_does_not_split_a_word_when_a_boundary_beside_it_is_as_balanced() -> None:
    # Cutting 咖|啡 would give two lines of nine; 街角|咖啡馆 gives eight and ten.
    assert (
        break_lines("欢迎周末来到街角咖啡馆享受春天的优惠", "zh", 8)
        == "欢迎周末来到街角\n咖啡馆享受春天的优惠"
    )
    # Cutting 鲜|花 would give eight and nine; 鲜花|就能 gives nine and eight.
    assert (
        break_lines("凭此券到店购买鲜花就能享受优惠价格", "zh", 8) == "凭此券到店购买鲜花\n就能享受优惠价格"
    )


def test_chinese_word_penalties_land_on_python_indices_past_a_supplementary_character() -> None:
    # 𠀀 (Extension B) is two UTF-16 units; 咖啡|馆|和|花店 must be scored at the right places.
    penalties = {point.cut_start: point.penalty for point in candidate_breaks("𠀀咖啡馆和花店", "zh")}
    inside = {2, 6}  # 咖|啡 and 花|店
    assert set(penalties) == {1, 2, 3, 4, 5, 6}
    assert all((penalties[cut] > 0) == (cut in inside) for cut in penalties)


def test_latin_words_and_emoji_sequences_inside_chinese_stay_whole() -> None:
    text = "欢迎来到Café Rosa咖啡馆，我们的Crème brûlée和👩‍💻团队🇹🇭欢迎👍🏽您"
    cuts = {point.cut_start for point in candidate_breaks(text, "zh")}
    for whole in ("Café", "Rosa", "Crème", "brûlée", "👩‍💻", "🇹🇭", "👍🏽"):
        start = text.index(whole)
        assert not cuts & set(range(start + 1, start + len(whole))), whole


THAI_CHARACTERS = [chr(code) for code in range(0x0E01, 0x0E5C) if unicodedata.category(chr(code)) != "Cn"]
THAI_CONSONANTS = st.sampled_from([chr(code) for code in range(0x0E01, 0x0E2F)])
# Syllables spelt like Thai ones (vowel before, consonant, marks, vowel after, final) but mostly
# not words: where ICU's dictionary has to guess.
THAI_SYLLABLES = st.tuples(
    st.sampled_from(["", *THAI_LEADING_VOWELS]),
    THAI_CONSONANTS,
    st.sampled_from(["", *"\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e31"]),
    st.sampled_from(["", *"\u0e48\u0e49\u0e4a\u0e4b"]),
    st.sampled_from(["", *"\u0e30\u0e32\u0e33"]),
    st.sampled_from(["", "", *"กงนมยวด"]),
).map("".join)
THAI_TEXT = st.lists(
    THAI_SYLLABLES | st.sampled_from([*THAI_SENTENCE, "😀", "𠀀"]) | st.sampled_from(THAI_CHARACTERS),
    min_size=2,
).map("".join)
CHINESE_CHARACTERS = [
    *"咖啡馆和罗莎花店优惠享受春天的早晨，。！？「」ーっゃ",
    *"aéZ1%",
    "𠀀",
    "𪚥",
    "😀",
    "👍",
    "🏽",
    "\u200d",
    "\u0301",
]


@settings(max_examples=300)
@given(
    lang_text=st.tuples(st.just("th"), THAI_TEXT)
    | st.tuples(st.just("zh"), st.text(st.sampled_from(CHINESE_CHARACTERS), min_size=2)),
    max_chars=st.integers(4, 20),
)
def test_random_thai_and_chinese_break_between_characters_and_give_back_the_text(
    lang_text: tuple[str, str], max_chars: int
) -> None:
    lang, text = lang_text
    for point in candidate_breaks(text, lang):
        assert 0 < point.cut_start == point.cut_end < len(text)
        before, after = text[point.cut_start - 1], text[point.cut_start]
        assert unicodedata.category(after) not in COMBINING and after not in THAI_FOLLOWING_VOWELS
        assert before not in THAI_LEADING_VOWELS
        assert "\u200d" not in (before, after)  # inside an emoji sequence
    lines = break_lines(text, lang, max_chars).split("\n")
    assert len(lines) <= 2 and "".join(lines) == text
    assert all(line for line in lines)


def test_break_lines_from_many_threads_matches_one_thread() -> None:
    # Distinct texts, caches cleared: every call asks ICU, several at once.
    jobs = [("th", "".join(THAI_SENTENCE[first:])) for first in range(len(THAI_SENTENCE) - 3)]
    jobs += [("zh", "欢迎光临街角咖啡馆出示此优惠即可享受九折优惠"[first:]) for first in range(10)]
    boundaries.cache_clear()
    expected = [break_lines(text, lang, 8) for lang, text in jobs]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads often enough to interleave calls into ICU
    try:
        for _ in range(5):
            boundaries.cache_clear()
            with ThreadPoolExecutor(max_workers=8) as pool:
                assert list(pool.map(lambda job: break_lines(job[1], job[0], 8), jobs)) == expected
    finally:
        sys.setswitchinterval(interval)


def test_retimed_pieces_of_thai_cut_between_words() -> None:
    words = THAI_SENTENCE
    pieces = split_into_pieces("".join(words), 3, "th")
    assert len(pieces) == 3 and "".join(pieces) == "".join(words)
    cut = 0
    for piece in pieces[:-1]:
        cut += len(piece)
        assert words_split_by(words, cut, set(words) - {"โรซ่า", "เยี่ยมชม"}) == []
