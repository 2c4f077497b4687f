"""The Apertium engine (Debian: apertium, apertium-eng-spa): a second real engine, no model download."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jointcampaign.campaign.models import Glossary
from jointcampaign.errors import ToolMissingError
from jointcampaign.settings import Settings
from jointcampaign.translate.engines.apertium import ApertiumTranslator
from jointcampaign.translate.engines.routing import RoutingTranslator, build_engine, pair_available
from jointcampaign.translate.localizing import LocalizingTranslator
from jointcampaign.translate.spans.protect import find_spans
from jointcampaign.translate.spans.verify import verify
from tests.translate.test_protect import CODES, FIXED, RULES, TERMS, copy_with_spans

pytestmark = pytest.mark.skipif(
    shutil.which("apertium") is None, reason="needs the Debian packages apertium and apertium-eng-spa"
)


GLOSSARY = Glossary(keep=list(TERMS), fixed={"es": FIXED})


def test_translates_english_to_spanish_keeping_lines_in_place() -> None:
    engine = ApertiumTranslator()
    batch = engine.translate_batch(
        ["The red house is big.", "Good morning!\n  the red\n\nhouse is big  ", "", "The red house is big."],
        "en",
        "es",
    )
    assert batch.texts[0] == "La casa roja es grande."
    assert batch.texts[1].split("\n")[1:] == ["  El rojo", "", "La casa es grande  "]
    assert batch.texts[2:] == ["", "La casa roja es grande."]
    assert engine.version("en", "es") == engine.version("en", "es-419")
    assert engine.version("en", "es").startswith("apertium:eng-spa@")


def test_missing_pair_and_missing_program_say_how_to_install() -> None:
    with pytest.raises(ToolMissingError, match=r"(?s)no en→vi pair.*apt-get install"):
        ApertiumTranslator().translate_batch(["Hello"], "en", "vi")
    with pytest.raises(ToolMissingError, match=r"(?s)not installed.*apt-get install apertium"):
        ApertiumTranslator(binary="apertium-not-here").version("en", "es")


def test_settings_choose_apertium_per_language(tmp_path: Path) -> None:
    chosen = Settings.from_env({"JOINTCAMPAIGN_HOME": str(tmp_path), "JOINTCAMPAIGN_ENGINE_ES": "apertium"})
    assert chosen.engine_for("es-419") == "apertium" and chosen.engine_for("vi") == "argos"
    engine = build_engine(chosen)
    assert isinstance(engine, RoutingTranslator)
    assert engine.version("en", "es").startswith("apertium:")
    assert engine.translate_batch(["The red house is big."], "en", "es").texts == ["La casa roja es grande."]
    assert pair_available(chosen, "en", "es")
    assert not pair_available(chosen, "en", "vi")  # no Argos model in this empty home
    assert not pair_available(Settings.from_env({"JOINTCAMPAIGN_HOME": str(tmp_path)}), "en", "es")


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(copy_with_spans(), min_size=1, max_size=4))
def test_every_protected_span_survives_apertium(cases: list[tuple[str, list[tuple[str, str]]]]) -> None:
    translator = LocalizingTranslator(ApertiumTranslator(), glossary=GLOSSARY, offer_codes=CODES)
    texts = [text for text, _ in cases]
    batch = translator.translate_detailed(texts, "en", "es")
    rules = translator.rules_for("es")
    assert rules == RULES
    for text, output in zip(texts, batch.texts, strict=True):
        assert verify(find_spans(text, rules), output, rules).missing == (), (text, output)
    assert batch.engine_calls <= 3


def test_apertium_keeps_brand_names_by_masking_them_on_its_first_pass() -> None:
    translator = LocalizingTranslator(ApertiumTranslator(), glossary=GLOSSARY, offer_codes=CODES)
    started = time.perf_counter()
    batch = translator.translate_detailed(
        [
            "Fresh coffee at Corner Café.",
            "Show your receipt and save 15% with CAFE10.",
            "The red house is big.",
        ],
        "en",
        "es",
    )
    assert time.perf_counter() - started < 10
    assert batch.texts[0] == "Café fresco en Corner Café."
    assert "comprobante" in batch.texts[1] and "15%" in batch.texts[1] and "CAFE10" in batch.texts[1]
    assert batch.texts[2] == "La casa roja es grande."
    # Apertium would translate "Corner Café" word by word; masked from the start, nothing needs repair.
    assert batch.findings == [] and batch.engine_calls == 1
    assert [status.engine for status in batch.statuses] == ["apertium"] * 3


def test_models_list_shows_the_apertium_pairs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from jointcampaign.cli.models import models_app
    from jointcampaign.translate.engines.apertium import installed_pairs

    [english_spanish] = [pair for pair in installed_pairs() if pair.pair == "en→es"]
    assert english_spanish.version.startswith("eng-spa@") and english_spanish.size_bytes > 1_000_000
    monkeypatch.setenv("JOINTCAMPAIGN_HOME", str(tmp_path))
    monkeypatch.setenv("COLUMNS", "200")
    result = CliRunner().invoke(models_app, ["list"])
    assert result.exit_code == 0
    assert "en→es" in result.output and "apertium" in result.output
