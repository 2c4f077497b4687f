"""A few characters of each writing system, to prove before rendering that a font can draw it.

Translations do not exist yet at validate time, so each target language is checked with a sample
of its script (with the marks its orthography needs, e.g. Vietnamese tone marks, Devanagari conjuncts).
"""

from __future__ import annotations

import langcodes

SCRIPT_SAMPLES = {
    "Latn": "AaÁáÀàÂâÃãÄäÅåÇçÉéÈèÊêËëÍíÎîÏïÑñÓóÒòÔôÕõÖöÚúÙùÛûÜüŁłŚśŻżßĂăĐđƠơƯưẠạẢảẤấẦầẨẩẪẫẬậẾếỆệỐốỘộỚớỜờỨứỰự€%",
    "Cyrl": "АаБбВвГгДдЕеЁёЖжЗзИиЙйКкЛлПпЯяЇїЄєЂђЉљЊњ",
    "Grek": "ΑαΒβΓγΔδΕεΩωάέήίόύώ",
    "Arab": "مرحبا بكم في المقهى ٠١٢٣٤٥٦٧٨٩ ؟ ، پچژگ",
    "Hebr": "שלום לכם בחנות",
    "Deva": "नमस्ते क्ष त्र ज्ञ श्र कॉफ़ी ताज़ा फूल।",
    "Beng": "নমস্কার কফি ফুল",
    "Thai": "สวัสดีกาแฟและดอกไม้",
    "Hans": "咖啡与鲜花，两家小店。一条街！",
    "Hant": "咖啡與鮮花，兩家小店。一條街！",
    "Jpan": "コーヒーと花、こんにちは。",
    "Kore": "커피와 꽃, 안녕하세요.",
}


def script_of(language: str) -> str | None:
    return str(langcodes.Language.get(language).maximize().script or "") or None


def sample_for(language: str) -> str | None:
    script = script_of(language)
    return SCRIPT_SAMPLES.get(script) if script else None
