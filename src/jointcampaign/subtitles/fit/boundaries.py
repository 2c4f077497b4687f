"""Where words and lines may end in scripts written without spaces, from ICU's dictionaries.

Thai, Lao, Khmer and Burmese put no space between words, and a line may only break between
words: finding them takes a dictionary, which ICU ships. ICU counts positions in UTF-16 code
units; they are turned into Python string indices here, so a character outside the Basic
Multilingual Plane (an emoji, a rare CJK ideograph) does not shift every later position.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Literal

import icu

Kind = Literal["line", "word"]
_OffsetMap = Callable[[int], int]


@lru_cache(maxsize=8192)
def boundaries(text: str, lang: str, kind: Kind) -> frozenset[int]:
    """Indices i (0 < i < len(text)) where ICU allows a `kind` break between text[i-1] and text[i]."""
    if len(text) < 2:
        return frozenset()
    locale = icu.Locale(lang.replace("-", "_"))
    # Creating an iterator costs microseconds (ICU caches the rules) and keeps this thread-safe.
    iterator = (
        icu.BreakIterator.createLineInstance(locale)
        if kind == "line"
        else icu.BreakIterator.createWordInstance(locale)
    )
    iterator.setText(text)
    to_index = _utf16_to_index(text)
    found: set[int] = set()
    for offset in iterator:
        index = to_index(int(offset))
        if 0 < index < len(text):
            found.add(index)
    return frozenset(found)


def _utf16_to_index(text: str) -> _OffsetMap:
    if all(ord(char) < 0x10000 for char in text):
        return _identity
    table: dict[int, int] = {}
    offset = 0
    for index, char in enumerate(text):
        table[offset] = index
        offset += 2 if ord(char) >= 0x10000 else 1
    table[offset] = len(text)
    return lambda unit: table.get(unit, -1)


def _identity(unit: int) -> int:
    return unit

