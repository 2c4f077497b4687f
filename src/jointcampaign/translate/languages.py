"""From the BCP 47 tags campaigns use to the language codes Argos models are labelled with."""

from __future__ import annotations

import unicodedata

# Argos labels Traditional Chinese "zt"; everything else uses the plain ISO 639 primary subtag.
_TRADITIONAL_CHINESE_REGIONS = frozenset({"tw", "hk", "mo"})
# Scripts written without spaces between sentences.
_NO_SPACE_BETWEEN_SENTENCES = frozenset({"zh", "zt", "ja"})
# Tags that older data still uses for languages whose code changed.
_RENAMED = {"iw": "he", "in": "id", "ji": "yi", "jw": "jv"}

_NAMES = {
    "ar": "Arabic",
    "bn": "Bengali",
    "de": "German",
    "en": "English",
    "es": "Spanish",
    "fa": "Persian",
    "fr": "French",
    "he": "Hebrew",
    "hi": "Hindi",
    "id": "Indonesian",
    "it": "Italian",
    "ja": "Japanese",
    "ko": "Korean",
    "nl": "Dutch",
    "pl": "Polish",
    "pt": "Portuguese",
    "ru": "Russian",
    "th": "Thai",
    "tr": "Turkish",
    "uk": "Ukrainian",
    "ur": "Urdu",
    "vi": "Vietnamese",
    "zh": "Chinese",
    "zt": "Chinese (traditional)",
}


def to_argos_code(tag: str) -> str:
    """`zh-Hans` → `zh`, `zh-Hant`/`zh-TW` → `zt`, `pt-BR` → `pt`, `es-419` → `es`.

    Raises ValueError for an empty or malformed tag; the campaign validator reports those first.
    """
    subtags = [part.lower() for part in tag.strip().replace("_", "-").split("-")]
    primary = subtags[0]
    if not primary.isalpha() or not 2 <= len(primary) <= 3:
        raise ValueError(f"{tag!r} is not a BCP 47 language tag (expected something like 'es' or 'zh-Hans')")
    primary = _RENAMED.get(primary, primary)
    if primary == "zh":
        rest = subtags[1:]
        if "hant" in rest:
            return "zt"
        if "hans" not in rest and any(region in _TRADITIONAL_CHINESE_REGIONS for region in rest):
            return "zt"
    return primary


def language_name(tag: str) -> str:
    """English name for model metadata and messages; falls back to the code itself."""
    code = to_argos_code(tag)
    return _NAMES.get(code, code)


def sentence_separator(tag: str) -> str:
    """What goes between two translated sentences of one line in this language."""
    return "" if to_argos_code(tag) in _NO_SPACE_BETWEEN_SENTENCES else " "


# The Unicode script a translation into each language is written in, as the first word of
# unicodedata.name() ("LATIN SMALL LETTER A" → LATIN). Used to catch a mislabelled model package.
# Languages missing here are not script-checked (the install message says so).
_LATIN = ("de", "en", "es", "fr", "id", "it", "nl", "pl", "pt", "tr", "vi")
_SCRIPT_OF_LANGUAGE: dict[str, frozenset[str]] = {
    **{code: frozenset({"LATIN"}) for code in _LATIN},
    "ar": frozenset({"ARABIC"}),
    "fa": frozenset({"ARABIC"}),
    "ur": frozenset({"ARABIC"}),
    "he": frozenset({"HEBREW"}),
    "hi": frozenset({"DEVANAGARI"}),
    "bn": frozenset({"BENGALI"}),
    "ru": frozenset({"CYRILLIC"}),
    "uk": frozenset({"CYRILLIC"}),
    "th": frozenset({"THAI"}),
    "ko": frozenset({"HANGUL"}),
    "ja": frozenset({"CJK", "HIRAGANA", "KATAKANA"}),
    "zh": frozenset({"CJK"}),
    "zt": frozenset({"CJK"}),
}


def expected_scripts(tag: str) -> frozenset[str] | None:
    """The Unicode script names text in this language is written in; None when not known here."""
    return _SCRIPT_OF_LANGUAGE.get(to_argos_code(tag))


def dominant_script(text: str) -> str | None:
    """The script most letters of `text` belong to (unicodedata's name prefix); None without letters."""
    counts: dict[str, int] = {}
    for char in text:
        if char.isalpha():
            name = unicodedata.name(char, "?").split(" ")[0]
            counts[name] = counts.get(name, 0) + 1
    return max(counts, key=lambda name: counts[name]) if counts else None
