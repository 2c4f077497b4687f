"""The offline sentence splitter, and the demo phrase tables that depend on how it splits."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jointcampaign.translate.sentences import split_sentences
from jointcampaign.translate.training.builder import demo_tables, load_phrase_table

REPO = Path(__file__).resolve().parents[2]
DEMO_CAMPAIGN = REPO / "campaigns" / "demo-cafe-florist"
END_CARD_LINES = [
    "Show this at Rosa's Flowers: 10% off with code CAFE10.",
    "Show this at Corner Café: 10% off with code BLOOM10.",
    "Write your post here.",
    "Write your subtitles here.",
]


def demo_campaign_sentences() -> list[str]:
    lines: list[str] = []
    for copy_file in sorted((DEMO_CAMPAIGN / "copy").glob("*.md")):
        for line in copy_file.read_text(encoding="utf-8").splitlines():
            lines.append(line.strip().removeprefix("# "))
    blocks = (DEMO_CAMPAIGN / "video" / "main.srt").read_text(encoding="utf-8").strip().split("\n\n")
    lines.extend(" ".join(block.splitlines()[2:]) for block in blocks)
    lines.extend(END_CARD_LINES)
    return [sentence for line in lines if line.strip() for sentence in split_sentences(line)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Two shops. One street. Two gifts.", ["Two shops.", "One street.", "Two gifts."]),
        ("Open every day from 8 am to 6 pm.", ["Open every day from 8 am to 6 pm."]),
        ("Open 8 a.m. to 6 p.m. daily. See you!", ["Open 8 a.m. to 6 p.m. daily.", "See you!"]),
        ("Bring flowers, e.g. Roses. Thanks.", ["Bring flowers, e.g. Roses.", "Thanks."]),
        ("Ask Mr. Lee or Dr. Rosa. They know.", ["Ask Mr. Lee or Dr. Rosa.", "They know."]),
        ("Only 10.5 euros! Really?", ["Only 10.5 euros!", "Really?"]),
        ("Visit rosas.example/maple today.", ["Visit rosas.example/maple today."]),
        ("Wait… what? Yes… Sure.", ["Wait… what?", "Yes…", "Sure."]),
        ('She said "Come in." Then we talked.', ['She said "Come in."', "Then we talked."]),
        ("J. R. Smith sells coffee.", ["J. R. Smith sells coffee."]),
        ("Really?! Yes.", ["Really?!", "Yes."]),
        ("两家小店。一条街！两份礼物？好", ["两家小店。", "一条街！", "两份礼物？", "好"]),
        ("「你好。」他说。", ["「你好。」", "他说。"]),
        ("दो दुकानें। एक गली॥ दो तोहफ़े।", ["दो दुकानें।", "एक गली॥", "दो तोहफ़े।"]),
        ("قهوة أم زهور؟ متجران. شارع واحد.", ["قهوة أم زهور؟", "متجران.", "شارع واحد."]),
        ("Heading\nFirst line. Second line.", ["Heading", "First line.", "Second line."]),
        ("  padded sentence.   ", ["padded sentence."]),
        ("", []),
        (" \n\t ", []),
    ],
)
def test_splits_like_a_reader_would(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


_TRICKY = st.text(alphabet=st.sampled_from(list("ab AB.!?…。！？।॥؟\"')」\n\t1é")), max_size=60)


@given(st.one_of(st.text(max_size=80), _TRICKY))
def test_joining_the_pieces_loses_no_character(text: str) -> None:
    pieces = split_sentences(text)
    assert "".join(" ".join(pieces).split()) == "".join(text.split())
    assert all(piece and piece == piece.strip() for piece in pieces)


def test_demo_tables_cover_every_demo_sentence() -> None:
    sentences = demo_campaign_sentences()
    assert len(sentences) >= 20
    for table in demo_tables():
        known = dict(load_phrase_table(table))
        missing = [sentence for sentence in sentences if sentence not in known]
        assert not missing, f"{table.name} lacks {missing}"


@pytest.mark.parametrize("table", demo_tables(), ids=lambda path: path.stem)
def test_demo_tables_keep_brand_names_and_codes(table: Path) -> None:
    keep = ["Corner Café", "Rosa's Flowers", "Maple Street", "CAFE10", "BLOOM10"]
    rows = load_phrase_table(table)
    assert 100 <= len(rows) <= 300
    for english, translation in rows:
        for name in keep:
            assert (name in english) == (name in translation), (english, translation)
