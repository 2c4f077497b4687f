"""Real models built from the demo phrase tables, installed and used like downloaded ones."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from jointcampaign.translate.engines.argos import ArgosTranslator
from jointcampaign.translate.models.store import find_model, install_model, list_models
from jointcampaign.translate.sentences import split_sentences
from jointcampaign.translate.training.builder import (
    build_argos_model,
    build_argos_model_with_report,
    demo_tables,
    load_phrase_table,
)

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
DEMO_CAMPAIGN = REPO / "campaigns" / "demo-cafe-florist"
TARGET_TAGS = {"es": "es", "vi": "vi", "ar": "ar", "hi": "hi", "zh": "zh-Hans"}
KEEP = ["Corner Café", "Rosa's Flowers", "Maple Street", "CAFE10", "BLOOM10"]
END_CARD_LINES = [
    "Show this at Rosa's Flowers: 10% off with code CAFE10.",
    "Show this at Corner Café: 10% off with code BLOOM10.",
    "Write your post here.",
    "Write your subtitles here.",
]


def demo_lines() -> list[str]:
    lines = []
    for copy_file in sorted((DEMO_CAMPAIGN / "copy").glob("*.md")):
        lines += [
            line.strip().removeprefix("# ") for line in copy_file.read_text(encoding="utf-8").splitlines()
        ]
    blocks = (DEMO_CAMPAIGN / "video" / "main.srt").read_text(encoding="utf-8").strip().split("\n\n")
    lines += [" ".join(block.splitlines()[2:]) for block in blocks]
    return [line for line in lines + END_CARD_LINES if line]


def table_for(target: str) -> dict[str, str]:
    return dict(load_phrase_table(next(table for table in demo_tables() if table.stem == f"en-{target}")))


def test_all_demo_models_are_installed(demo_models_dir: Path) -> None:
    assert sorted(model.to_code for model in list_models(demo_models_dir)) == sorted(TARGET_TAGS)
    from argostranslate import settings
    from argostranslate.package import get_installed_packages

    # argostranslate settled on its own packages folder at import; the engine must not depend on it.
    assert Path(settings.package_data_dir) != demo_models_dir

    packages = get_installed_packages(path=[demo_models_dir])  # type: ignore[arg-type]
    assert sorted(package.to_code for package in packages) == sorted(TARGET_TAGS)


@pytest.mark.parametrize("target", sorted(TARGET_TAGS))
def test_every_demo_sentence_translates_exactly(demo_models_dir: Path, target: str) -> None:
    table = table_for(target)
    sentences = [sentence for line in demo_lines() for sentence in split_sentences(line)]
    translator = ArgosTranslator(demo_models_dir, threads=2, beam_size=1)
    batch = translator.translate_batch(sentences, "en", TARGET_TAGS[target])
    assert batch.notes == []
    assert batch.texts == [table[sentence] for sentence in sentences]
    for source, output in zip(sentences, batch.texts, strict=True):
        assert [name for name in KEEP if name in source] == [name for name in KEEP if name in output]


@pytest.mark.parametrize("target", sorted(TARGET_TAGS))
def test_whole_table_translates_exactly(demo_models_dir: Path, target: str) -> None:
    rows = list(table_for(target).items())
    translator = ArgosTranslator(demo_models_dir, threads=2, beam_size=1)
    produced = translator.translate_batch([source for source, _ in rows], "en", TARGET_TAGS[target]).texts
    wrong = [
        (source, expected, got)
        for (source, expected), got in zip(rows, produced, strict=True)
        if got != expected
    ]
    assert not wrong


def test_multi_sentence_segments_and_lines_are_rejoined(demo_models_dir: Path) -> None:
    translator = ArgosTranslator(demo_models_dir, threads=2, beam_size=1)
    texts = ["Two shops. One street. Two gifts.", "Coffee and flowers\n\n  See you on Maple Street!", ""]
    spanish = translator.translate_batch(texts, "en", "es").texts
    assert spanish == [
        "Dos tiendas. Una calle. Dos regalos.",
        "Café y flores\n\n  ¡Nos vemos en Maple Street!",
        "",
    ]
    chinese = translator.translate_batch(texts[:1], "en", "zh-Hans").texts
    assert chinese == ["两家小店。一条街。两份礼物。"]
    spanish_model = find_model(demo_models_dir, "en", "es")
    assert spanish_model is not None
    assert translator.version("en", "es") == f"argos:en-es@{spanish_model.version}"


def test_pivot_through_english_runs_and_says_so(demo_models_dir: Path, tmp_path: Path) -> None:
    rows = load_phrase_table(next(table for table in demo_tables() if table.stem == "en-es"))[:25]
    reversed_table = tmp_path / "es-en.tsv"
    reversed_table.write_text("".join(f"{es}\t{en}\n" for en, es in rows), encoding="utf-8")
    archive = build_argos_model(reversed_table, "es", "en", tmp_path / "es_en.argosmodel", max_seconds=30)
    models = tmp_path / "models"
    install_model(archive, models)
    english_to_vietnamese = find_model(demo_models_dir, "en", "vi")
    assert english_to_vietnamese is not None
    shutil.copytree(english_to_vietnamese.path, models / english_to_vietnamese.path.name)

    translator = ArgosTranslator(models, threads=2, beam_size=1)
    batch = translator.translate_batch(["Dos tiendas.", "Una calle."], "es", "vi")
    assert len(batch.texts) == 2 and all(batch.texts)
    assert batch.notes == ["pivoted through English: no direct es→vi model installed"]
    assert " > " in translator.version("es", "vi")


def test_same_table_and_seed_build_the_same_file(tmp_path: Path) -> None:
    rows = load_phrase_table(next(table for table in demo_tables() if table.stem == "en-vi"))[:12]
    table = tmp_path / "en-vi.tsv"
    table.write_text("".join(f"{en}\t{vi}\n" for en, vi in rows), encoding="utf-8")
    first = build_argos_model_with_report(table, "en", "vi", tmp_path / "a.argosmodel", max_seconds=30)
    second = build_argos_model_with_report(table, "en", "vi", tmp_path / "b.argosmodel", max_seconds=30)
    assert first.exact == first.total == 12
    assert first.version == second.version
    assert first.path.read_bytes() == second.path.read_bytes()
