from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from PIL import ImageFont

from jointcampaign.errors import ToolMissingError
from jointcampaign.render.text.cmap import covered_codepoints
from jointcampaign.render.text.fonts import (
    FontChoice,
    font_for_script,
    font_for_text,
    missing_glyphs,
    undrawable_chars,
)
from jointcampaign.render.text.runs import text_runs
from jointcampaign.render.text.scripts import scripts_in

SAMPLES = {
    "es": ("¡Buenos días! Enseña tu recibo y ahorra un 10%.", "NotoSans-"),
    "vi": ("Cà phê sữa đá — Ấỹ ợ", "NotoSans-"),
    "ar": ("مرحبا بكم", "Arabic"),
    "hi": ("नमस्ते दुनिया, क्षत्रिय", "Devanagari"),
    "zh-Hans": ("早上好，欢迎光临！", "CJK"),
    "ru": ("Доброе утро", "NotoSans-"),
    "th": ("สวัสดีตอนเช้า", "Thai"),
}


def _family(font: FontChoice) -> str:
    family, _style = ImageFont.truetype(str(font.path), 12, index=font.index).getname()
    return family or ""


@pytest.mark.parametrize("language", list(SAMPLES))
def test_each_demo_script_gets_a_font_that_covers_it(language: str) -> None:
    text, expected_file = SAMPLES[language]
    font = font_for_text(text, language=language)
    assert font.path.is_file()
    assert expected_file in font.path.name
    assert missing_glyphs(text, font) == set()


def test_simplified_chinese_uses_the_sc_face_of_the_collection() -> None:
    font = font_for_text("早上好", language="zh-Hans")
    assert font.path.suffix == ".ttc"
    assert _family(font).endswith("CJK SC")


@pytest.mark.parametrize(
    ("language", "region"), [("ja", "JP"), ("zh-Hant", "TC"), ("ko", "KR"), (None, "SC")]
)
def test_cjk_face_follows_the_language(language: str | None, region: str) -> None:
    assert _family(font_for_script("CJK", language=language)).endswith(f"CJK {region}")


def test_missing_glyphs_finds_characters_of_an_unsupported_script() -> None:
    latin = font_for_text("Hello")
    assert missing_glyphs("مرحبا", latin) == set("مرحبا")
    assert missing_glyphs("नमस्ते", font_for_text("مرحبا")) >= {"न", "म", "स"}


def test_missing_glyphs_ignores_control_and_format_characters() -> None:
    latin = font_for_text("Hello")
    assert missing_glyphs("Hello\nworld\u200e", latin) == set()


def test_decomposed_vietnamese_is_checked_after_composition() -> None:
    decomposed = unicodedata.normalize("NFD", "Cà phê sữa đá")
    assert missing_glyphs(decomposed, font_for_text("Cà")) == set()


def test_no_installed_font_names_the_debian_package(tmp_path: Path) -> None:
    with pytest.raises(ToolMissingError, match="apt-get install fonts-noto-core"):
        font_for_text("مرحبا", search_dirs=[tmp_path])
    with pytest.raises(ToolMissingError, match="apt-get install fonts-noto-cjk"):
        font_for_text("早上好", search_dirs=[tmp_path])


def test_fonts_in_earlier_folders_override_system_fonts(tmp_path: Path) -> None:
    system = font_for_text("Hello")
    (tmp_path / system.path.name).symlink_to(system.path)
    assert (
        font_for_text("Hello", search_dirs=[tmp_path, Path("/usr/share/fonts")]).path
        == tmp_path / system.path.name
    )


def test_scripts_are_detected_most_used_first() -> None:
    assert scripts_in("Cà phê sữa đá") == ["Latin"]
    assert scripts_in("مرحبا بكم في Café") == ["Arabic", "Latin"]
    assert scripts_in("123 !?") == []


def test_cmap_reader_sees_the_characters_pillow_draws() -> None:
    cjk = font_for_text("早", language="zh-Hans")
    covered = covered_codepoints(cjk.path, cjk.index)
    assert ord("早") in covered and ord("A") in covered
    assert ord("ก") not in covered


def test_arabic_with_a_latin_brand_name_splits_into_runs_in_right_to_left_order() -> None:
    runs = text_runs("مرحبا Corner Café!", language="ar")
    assert [run.rtl for run in runs][-1] is True, "the Arabic words start at the right"
    latin = next(run for run in runs if "Corner" in run.text)
    assert latin.direction == "ltr" and "NotoSans-" in latin.font.path.name
    assert runs[0].text.strip() == "!", "the final '!' of a right-to-left sentence is at the far left"


def test_text_one_font_covers_stays_one_run() -> None:
    runs = text_runs("早上好，Corner Café", language="zh-Hans")
    assert len(runs) == 1
    assert "CJK" in runs[0].font.path.name


def test_undrawable_characters_raise_with_their_code_points(tmp_path: Path) -> None:
    latin = font_for_text("Hello")
    (tmp_path / latin.path.name).symlink_to(latin.path)
    with pytest.raises(ToolMissingError, match=r"U\+0645"):
        text_runs("Hello م", search_dirs=[tmp_path])


def test_validation_accepts_mixed_scripts_and_flags_undrawable_characters() -> None:
    assert undrawable_chars("مرحبا بكم في Corner Café! 10%", language="ar") == set()
    assert undrawable_chars("早上好 Corner Café", language="zh-Hans") == set()
    assert undrawable_chars("Hola \ue000", language="es") == {"\ue000"}
