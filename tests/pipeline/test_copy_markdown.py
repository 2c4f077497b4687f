"""The copy stage translates only the text of Markdown copy and keeps its structure."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from jointcampaign.pipeline.copy_stage import markdown_segments, translate_markdown
from jointcampaign.translate.protocol import TranslationBatch

_PLACEHOLDER = re.compile(r"(⟦/?\d+⟧)")


class _Fake:
    """Applies `change` to the text between placeholders and remembers what it was sent."""

    name = "fake"

    def __init__(self, change: Callable[[str], str] = str.upper) -> None:
        self.change = change
        self.seen: list[str] = []

    def version(self, source: str, target: str) -> str:
        return "1"

    def translate_batch(self, texts: Sequence[str], source: str, target: str) -> TranslationBatch:
        self.seen += texts
        return TranslationBatch([self._one(text) for text in texts])

    def _one(self, text: str) -> str:
        return "".join(p if _PLACEHOLDER.fullmatch(p) else self.change(p) for p in _PLACEHOLDER.split(text))


class _Canned(_Fake):
    def __init__(self, answers: dict[str, str]) -> None:
        super().__init__()
        self.answers = answers

    def _one(self, text: str) -> str:
        return self.answers.get(text, text.upper())


def _translate(text: str, translator: _Fake | None = None) -> str:
    return translate_markdown(text, translator or _Fake(), "en", "vi")[0]


def _shape(text: str) -> list[Any]:
    """The document's structure with the words left out (code, URLs and markers kept)."""

    def one(token: Token) -> Any:
        kept = token.content if token.type in ("code_inline", "code_block", "fence", "html_inline") else ""
        children = [one(child) for child in token.children or [] if child.type != "text"]
        return (token.type, token.tag, token.markup, token.info, sorted(token.attrs.items()), kept, children)

    return [one(token) for token in MarkdownIt("commonmark").parse(text)]


def test_demo_lines_go_to_the_translator_as_written() -> None:
    text = (
        "# Coffee and flowers, better together\n\n"
        "This month, Corner Café and Rosa's Flowers have a gift for you.\n"
        "Show your café receipt at Rosa's Flowers and get 10% off any bouquet.\n"
    )
    fake = _Fake()
    assert _translate(text, fake) == text.upper()
    assert fake.seen == [
        "Coffee and flowers, better together",
        "This month, Corner Café and Rosa's Flowers have a gift for you.",
        "Show your café receipt at Rosa's Flowers and get 10% off any bouquet.",
    ]
    assert markdown_segments(text) == fake.seen


def test_headings_keep_their_marks() -> None:
    text = "# One\n## Two ##\n###   Three\nSetext\n======\n"
    assert _translate(text) == "# ONE\n## TWO ##\n###   THREE\nSETEXT\n======\n"


def test_nested_and_numbered_lists() -> None:
    text = "- apples\n  - red pears\n    * green\n\n1. first\n2) second\n10. tenth\n"
    assert _translate(text) == "- APPLES\n  - RED PEARS\n    * GREEN\n\n1. FIRST\n2) SECOND\n10. TENTH\n"


def test_blockquote_blank_lines_and_hard_breaks() -> None:
    text = "> quoted\n> more\n\n\n\nline one  \nline two\\\nline three\n"
    assert _translate(text) == "> QUOTED\n> MORE\n\n\n\nLINE ONE  \nLINE TWO\\\nLINE THREE\n"


def test_links_translate_their_text_not_their_target() -> None:
    url = "https://rosa.example/shop?utm_source=corner-cafe&utm_campaign=spring"
    text = f"Visit [our shop]({url} \"the shop\") or <{url}> today\n"
    fake = _Fake()
    assert _translate(text, fake) == f'VISIT [OUR SHOP]({url} "the shop") OR <{url}> TODAY\n'
    assert fake.seen == ["Visit ⟦1⟧our shop⟦/1⟧ or ⟦2⟧ today"]


def test_code_is_left_alone() -> None:
    text = "Type `make coffee` now\n\n```\nsome code\n```\n\n    indented code\n"
    assert _translate(text) == "TYPE `make coffee` NOW\n\n```\nsome code\n```\n\n    indented code\n"


def test_emphasis_follows_the_translated_words() -> None:
    text = "Get *fresh* flowers and **good** coffee\n"
    canned = _Canned({"Get ⟦1⟧fresh⟦/1⟧ flowers and ⟦2⟧good⟦/2⟧ coffee": "Cà phê ⟦2⟧ ngon ⟦/2⟧ và hoa ⟦1⟧tươi⟦/1⟧"})
    assert _translate(text, canned) == "Cà phê **ngon** và hoa *tươi*\n"


def test_lost_placeholders_fall_back_to_text_runs() -> None:
    text = "Get *fresh* flowers\n"
    canned = _Canned({"Get ⟦1⟧fresh⟦/1⟧ flowers": "Hoa tươi"})
    assert _translate(text, canned) == "GET *FRESH* FLOWERS\n"
    assert canned.seen[1:] == ["Get ", "fresh", " flowers"]


def test_untranslated_copy_is_byte_identical() -> None:
    text = "# T *x* #\n\n- a [b](c)\n\n> q `c`\n\n---\n\n1. x\n"
    assert _translate(text, _Fake(lambda s: s)) == text


_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzé", min_size=1, max_size=8)
_URL = st.builds(lambda p: f"https://shop.example/{p}?utm_source=cafe", _WORD)


def _inline() -> st.SearchStrategy[str]:
    words = st.lists(_WORD, min_size=1, max_size=4).map(" ".join)
    piece = st.one_of(
        words,
        words.map(lambda w: f"*{w}*"),
        words.map(lambda w: f"**{w}**"),
        st.builds(lambda w, u: f"[{w}]({u})", words, _URL),
        _WORD.map(lambda w: f"`{w}`"),
        _URL.map(lambda u: f"<{u}>"),
    )
    return st.lists(piece, min_size=1, max_size=4).map(" ".join)


def _block() -> st.SearchStrategy[str]:
    inline = _inline()
    return st.one_of(
        st.builds(lambda n, t: "#" * n + " " + t, st.integers(1, 6), inline),
        st.lists(inline, min_size=1, max_size=3).map("\n".join),
        st.lists(st.tuples(st.integers(0, 2), inline), min_size=1, max_size=4).map(
            lambda items: "\n".join("  " * depth + "- " + t for depth, t in items)
        ),
        st.lists(inline, min_size=1, max_size=4).map(
            lambda items: "\n".join(f"{n}. {t}" for n, t in enumerate(items, start=1))
        ),
        inline.map(lambda t: "> " + t),
        _WORD.map(lambda w: f"```\n{w}\n```"),
        st.lists(inline, min_size=2, max_size=2).map("  \n".join),
    )


@settings(max_examples=150, deadline=None)
@given(st.lists(_block(), min_size=1, max_size=6), st.sampled_from(["\n\n", "\n\n\n"]))
def test_structure_survives_translation(blocks: list[str], gap: str) -> None:
    text = gap.join(blocks) + "\n"
    translated = _translate(text)
    assert _shape(translated) == _shape(text)
    assert translated.count("\n") == text.count("\n")
    assert _translate(text, _Fake(lambda s: s)) == text
    for url in re.findall(r"https://\S+?\?utm_source=cafe", text):
        assert url in translated


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\x00"), max_size=80))
def test_any_text_comes_back_unchanged_when_nothing_is_translated(text: str) -> None:
    translated = _translate(text, _Fake(lambda s: s))
    assert translated == (text if text.endswith("\n") else text + "\n") or (text == "" and translated == "\n")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\x00"), max_size=80))
def test_any_text_keeps_its_line_count(text: str) -> None:
    translated = _translate(text)
    assert translated.count("\n") == _translate(text, _Fake(lambda s: s)).count("\n")
