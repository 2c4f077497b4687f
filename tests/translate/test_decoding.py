"""Decoding model output pieces: leftover `▁` markers (Opus-MT layout) and the clean layout.

A real SentencePiece model is trained here on a few lines (a fraction of a second); the Opus-MT
case is pieces the tokenizer does not know, which is what a package shipping only its source
tokenizer produces for the target side.
"""

from __future__ import annotations

import io
from typing import Any

import pytest

from jointcampaign.translate.decoding import WORD_MARKER, decode_sentencepiece, tidy_markers

LINES = [
    "Fresh coffee at the corner cafe.",
    "Flowers for every table.",
    "Bring a friend and save ten percent.",
    "Open every day from eight.",
] * 5


@pytest.fixture(scope="module")
def processor() -> Any:
    import sentencepiece

    model = io.BytesIO()
    sentencepiece.SentencePieceTrainer.train(
        sentence_iterator=iter(LINES),
        model_writer=model,
        vocab_size=60,
        hard_vocab_limit=False,
        model_type="bpe",
        minloglevel=2,
        num_threads=1,
    )
    return sentencepiece.SentencePieceProcessor(model_proto=model.getvalue())


def argostranslate_decode(processor: Any, pieces: list[str]) -> str:
    """What argostranslate 1.11's SentencePieceTokenizer.decode does, without the `_` rule."""
    from argostranslate.tokenizer import SentencePieceTokenizer

    tokenizer = SentencePieceTokenizer.__new__(SentencePieceTokenizer)
    tokenizer.processor = processor
    return " ".join(tokenizer.decode(pieces).split())


def test_known_pieces_decode_as_sentencepiece_does(processor: Any) -> None:
    pieces = processor.encode("Fresh flowers at the cafe.", out_type=str)
    assert decode_sentencepiece(processor, pieces, "en") == "Fresh flowers at the cafe."
    assert decode_sentencepiece(processor, pieces, "en") == argostranslate_decode(processor, pieces)


def test_leftover_markers_of_unknown_pieces_become_spaces_like_argostranslate(processor: Any) -> None:
    # Opus-MT-style output: target-language pieces the (source) tokenizer has never seen.
    pieces = ["▁Café", "▁fresco", "▁en", "▁la", "▁esquina", "."]
    assert processor.decode_pieces(pieces).count(WORD_MARKER) >= 4  # the bug this module fixes
    decoded = decode_sentencepiece(processor, pieces, "es")
    assert decoded == "Café fresco en la esquina."
    assert decoded == argostranslate_decode(processor, pieces)


def test_leftover_markers_in_chinese_join_instead_of_leaving_spaces(processor: Any) -> None:
    pieces = ["▁新鲜", "▁咖啡", "，", "▁欢迎", "光临", "。"]
    assert decode_sentencepiece(processor, pieces, "zh-Hans") == "新鲜咖啡，欢迎光临。"
    # Latin words inside Chinese text keep their space.
    assert tidy_markers("▁Corner▁Café▁的▁咖啡", "zh") == "Corner Café 的咖啡"


def test_underscores_are_kept_unlike_argostranslate(processor: Any) -> None:
    assert tidy_markers("Hola▁{first_name},▁@corner_cafe", "es") == "Hola {first_name}, @corner_cafe"
