from __future__ import annotations

from pathlib import Path

from jointcampaign.render.text.fonts import font_for_text
from jointcampaign.render.text.glyph_check import undrawable_report


def test_every_demo_language_is_drawable() -> None:
    texts = {
        "es": ["¡Buenos días!", "Muestra esto en Rosa's Flowers: 10% de descuento con el código CAFE10."],
        "vi": ["Cà phê sữa đá"],
        "ar": ["اعرض هذا في Rosa's Flowers: خصم 10% مع الرمز CAFE10."],
        "hi": ["इसे Rosa's Flowers पर दिखाएँ"],
        "zh-Hans": ["在 Rosa's Flowers 出示此页面"],
    }
    assert undrawable_report(texts) == []


def test_undrawable_characters_are_reported_per_language_with_the_fix(tmp_path: Path) -> None:
    latin = font_for_text("Hola")
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    (fonts / latin.path.name).symlink_to(latin.path)
    campaign = tmp_path / "campaign.yaml"
    problems = undrawable_report(
        {"es": ["Hola"], "ar": ["مرحبا", "بكم"]}, file=campaign, search_dirs=[fonts]
    )
    assert len(problems) == 1
    (problem,) = problems
    assert problem.file == campaign and problem.field == "languages.ar"
    assert "U+0645" in problem.message and "apt-get install fonts-noto-core" in problem.fix


def test_private_use_characters_are_never_drawable() -> None:
    (problem,) = undrawable_report({"es": ["Hola \ue000"]})
    assert "U+E000" in problem.message
