"""Turn a model's output pieces back into text, for every tokenizer layout an Argos package uses.

SentencePiece packages built from one tokenizer for both sides decode cleanly. Opus-MT
conversions ship only the *source* SentencePiece model, so target pieces it does not know come
back from `decode_pieces` with their word-start marker `▁` (U+2581) still in them. argostranslate
turns every leftover `▁` into a space; so does this module. Two deliberate differences:
argostranslate also turns every `_` into a space, which would break {first_name} placeholders
and @shop_name handles, so underscores stay; and in languages written without spaces (Chinese,
Japanese) a marker between two such characters joins them instead of leaving a stray space.
"""

from __future__ import annotations

import re
from typing import Any

from jointcampaign.translate.languages import sentence_separator

WORD_MARKER = "\u2581"
_SPACES = re.compile(r"[ \t]{2,}")
# Han, Hiragana, Katakana, CJK punctuation and full-width forms: no spaces between them.
_UNSPACED = r"\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_SPACE_BETWEEN_UNSPACED = re.compile(rf"(?<=[{_UNSPACED}]) +(?=[{_UNSPACED}])")


def decode_sentencepiece(processor: Any, pieces: list[str], target: str) -> str:
    """Decode `pieces` with a sentencepiece.SentencePieceProcessor, leaving no `▁` behind."""
    text: str = processor.decode_pieces(pieces)
    return tidy_markers(text, target)


def tidy_markers(text: str, target: str) -> str:
    """Leftover markers become spaces (as in argostranslate); doubled spaces collapse."""
    text = _SPACES.sub(" ", text.replace(WORD_MARKER, " ")).strip()
    if sentence_separator(target) == "":
        text = _SPACE_BETWEEN_UNSPACED.sub("", text)
    return text
