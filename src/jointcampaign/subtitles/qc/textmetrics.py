"""How long a text is to read and to display, per script.

Alphabetic text is measured in characters (spaces included, as style guides count them);
Chinese and Japanese in character widths, where a full-width character counts 1 and a
half-width one (Latin letters, digits inside CJK text) counts ½. Combining marks (Thai vowel
and tone marks, Devanagari matras, Arabic harakat) take no space of their own and count 0.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

# Chinese and Japanese are written without spaces; Korean uses spaces between words.
UNSPACED_LANGUAGES = frozenset({"zh", "ja", "yue", "wuu", "th", "lo", "km", "my"})
WIDTH_LANGUAGES = frozenset({"zh", "ja", "ko", "yue", "wuu"})


@lru_cache(maxsize=256)
def primary_subtag(lang: str) -> str:
    return lang.replace("_", "-").split("-", 1)[0].lower()


def is_unspaced(lang: str) -> bool:
    return primary_subtag(lang) in UNSPACED_LANGUAGES


def counts_width(lang: str) -> bool:
    return primary_subtag(lang) in WIDTH_LANGUAGES


@lru_cache(maxsize=4096)
def char_units(char: str, width: bool) -> float:
    if char == "\n" or unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0.0
    if not width:
        return 1.0
    return 1.0 if unicodedata.east_asian_width(char) in ("W", "F") else 0.5


@lru_cache(maxsize=4096)
def _plain_units(char: str) -> float:
    return char_units(char, False)


@lru_cache(maxsize=4096)
def _width_units(char: str) -> float:
    return char_units(char, True)


@lru_cache(maxsize=16384)
def reading_length(text: str, lang: str) -> float:
    """Characters a viewer reads; line breaks do not count."""
    width = counts_width(lang)
    if text.isascii():
        # Every ASCII character but the line break counts 1 (½ where widths count): no marks.
        visible = len(text) - text.count("\n")
        return visible * 0.5 if width else float(visible)
    return sum(map(_width_units if width else _plain_units, text))


def join_lines(lines: list[str], lang: str) -> str:
    """One line of text from several, the way the language separates words."""
    parts = [line.strip() for line in lines if line.strip()]
    if not is_unspaced(lang):
        return " ".join(parts)
    # Unspaced scripts still put a space between two Latin words that met at a line break.
    joined = ""
    for part in parts:
        needs_space = joined and joined[-1].isascii() and joined[-1].isalnum() and part[0].isascii()
        joined += (" " if needs_space else "") + part
    return joined
