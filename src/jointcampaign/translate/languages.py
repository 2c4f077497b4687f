"""From the BCP 47 tags campaigns use to the language codes Argos models are labelled with."""

from __future__ import annotations

import unicodedata

import langcodes

# Scripts written without spaces between sentences.
_NO_SPACE_BETWEEN_SENTENCES = frozenset({"zh", "zt", "ja"})

# The one table from BCP 47 to Argos codes: the tags whose Argos code is not their primary language
# subtag. A script subtag is looked up before a region (zh-Hans-TW is Simplified). Everything else
# uses its ISO 639 primary subtag, after langcodes has replaced deprecated ones (iw → he, mo → ro).
_ARGOS_CODE_OF_TAG = {
    "pt-BR": "pb",  # the Argos index labels Brazilian Portuguese "pb"
    "zh-Hans": "zh",
    "zh-Hant": "zt",  # and Traditional Chinese "zt"
    "zh-TW": "zt",
    "zh-HK": "zt",
    "zh-MO": "zt",
    "no": "nb",  # Norwegian: the index has Bokmål only
    "fil": "tl",  # Filipino: the index says Tagalog
}

# Languages of the public Argos index (argospm-index, 2026) and of the demo models (vi), with English
# names for model metadata and messages. Other registered languages pass through as their primary
# subtag, so a model someone trained for them is still found.
ARGOS_LANGUAGES = {
    "ar": "Arabic", "az": "Azerbaijani", "bg": "Bulgarian", "bn": "Bengali", "ca": "Catalan",
    "cs": "Czech", "da": "Danish", "de": "German", "el": "Greek", "en": "English", "eo": "Esperanto",
    "es": "Spanish", "et": "Estonian", "eu": "Basque", "fa": "Persian", "fi": "Finnish", "fr": "French",
    "ga": "Irish", "gl": "Galician", "he": "Hebrew", "hi": "Hindi", "hu": "Hungarian",
    "id": "Indonesian", "it": "Italian", "ja": "Japanese", "ko": "Korean", "ky": "Kyrgyz",
    "lt": "Lithuanian", "lv": "Latvian", "ms": "Malay", "nb": "Norwegian", "nl": "Dutch",
    "pb": "Portuguese (Brazil)", "pl": "Polish", "pt": "Portuguese", "ro": "Romanian", "ru": "Russian",
    "sk": "Slovak", "sl": "Slovenian", "sq": "Albanian", "sv": "Swedish", "th": "Thai", "tl": "Tagalog",
    "tr": "Turkish", "uk": "Ukrainian", "ur": "Urdu", "vi": "Vietnamese", "zh": "Chinese",
    "zt": "Chinese (traditional)",
}  # fmt: skip


def _known_codes() -> str:
    return ", ".join(sorted(ARGOS_LANGUAGES))


def to_argos_code(tag: str) -> str:
    """`zh-Hans` → `zh`, `zh-Hant`/`zh-TW` → `zt`, `pt-BR` → `pb`, `es-419` → `es`, `iw` → `he`.

    Raises ValueError, naming the known codes, for a tag that is not a registered BCP 47 tag; the
    campaign validator reports those first.
    """
    text = tag.strip().replace("_", "-")
    if not text or not langcodes.tag_is_valid(text):
        raise ValueError(
            f"{tag!r} is not a BCP 47 language tag (expected something like 'es', 'pt-BR' or 'zh-Hans'); "
            f"Argos models use: {_known_codes()}"
        )
    parsed = langcodes.Language.get(langcodes.standardize_tag(text))
    primary = str(parsed.language)
    for qualifier in (parsed.script, parsed.territory):
        if qualifier and (code := _ARGOS_CODE_OF_TAG.get(f"{primary}-{qualifier}")):
            return code
    return _ARGOS_CODE_OF_TAG.get(primary, primary)


def is_known_argos_code(code: str) -> bool:
    return code in ARGOS_LANGUAGES


def language_name(tag: str) -> str:
    """English name for model metadata and messages; falls back to the code itself."""
    code = to_argos_code(tag)
    return ARGOS_LANGUAGES.get(code, code)


def sentence_separator(tag: str) -> str:
    """What goes between two translated sentences of one line in this language."""
    return "" if to_argos_code(tag) in _NO_SPACE_BETWEEN_SENTENCES else " "


# The Unicode script a translation into each language is written in, as the first word of
# unicodedata.name() ("LATIN SMALL LETTER A" → LATIN). Used to catch a mislabelled model package.
# Languages missing here are not script-checked (the install message says so).
_LATIN = ("az", "ca", "cs", "da", "de", "en", "eo", "es", "et", "eu", "fi", "fr", "ga", "gl", "hu", "id", "it",
          "lt", "lv", "ms", "nb", "nl", "pb", "pl", "pt", "ro", "sk", "sl", "sq", "sv", "tl", "tr", "vi")
_SCRIPT_OF_LANGUAGE: dict[str, frozenset[str]] = {
    **{code: frozenset({"LATIN"}) for code in _LATIN},
    "ar": frozenset({"ARABIC"}),
    "fa": frozenset({"ARABIC"}),
    "ur": frozenset({"ARABIC"}),
    "he": frozenset({"HEBREW"}),
    "hi": frozenset({"DEVANAGARI"}),
    "bn": frozenset({"BENGALI"}),
    "ru": frozenset({"CYRILLIC"}),
    "bg": frozenset({"CYRILLIC"}),
    "ky": frozenset({"CYRILLIC"}),
    "sr": frozenset({"CYRILLIC", "LATIN"}),
    "el": frozenset({"GREEK"}),
    "uk": frozenset({"CYRILLIC"}),
    "th": frozenset({"THAI"}),
    "ko": frozenset({"HANGUL"}),
    "ja": frozenset({"CJK", "HIRAGANA", "KATAKANA"}),
    "zh": frozenset({"CJK"}),
    "zt": frozenset({"CJK"}),
}


# ISO 15924 script subtags (sr-Latn, sr-Cyrl, az-Arab …) as unicodedata name prefixes.
_SCRIPT_SUBTAG = {
    "Latn": "LATIN", "Cyrl": "CYRILLIC", "Arab": "ARABIC", "Hebr": "HEBREW", "Deva": "DEVANAGARI",
    "Beng": "BENGALI", "Thai": "THAI", "Hang": "HANGUL", "Grek": "GREEK", "Hans": "CJK", "Hant": "CJK",
}  # fmt: skip


def expected_scripts(tag: str) -> frozenset[str] | None:
    """The Unicode script names text in this language is written in; None when not known here.

    A script subtag in the tag decides (sr-Latn is Latin); else the language's usual script."""
    script = langcodes.Language.get(tag.replace("_", "-")).script if langcodes.tag_is_valid(tag) else None
    if script in _SCRIPT_SUBTAG:
        return frozenset({_SCRIPT_SUBTAG[script]})
    return _SCRIPT_OF_LANGUAGE.get(to_argos_code(tag))


def dominant_script(text: str) -> str | None:
    """The script most letters of `text` belong to (unicodedata's name prefix); None without letters."""
    counts: dict[str, int] = {}
    for char in text:
        if char.isalpha():
            name = unicodedata.name(char, "?").split(" ")[0]
            counts[name] = counts.get(name, 0) + 1
    return max(counts, key=lambda name: counts[name]) if counts else None
