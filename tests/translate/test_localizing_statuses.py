"""Each status through the one localizing service, on the real Apertium engine (fast, no model files)."""

from __future__ import annotations

from pathlib import Path

import pytest

from jointcampaign.translate.engines.apertium import ApertiumTranslator, available
from jointcampaign.translate.localizing import LocalizingTranslator
from jointcampaign.translate.memory import TranslationMemory
from jointcampaign.translate.review import ReviewStore
from jointcampaign.translate.spans.protect import ProtectionRules

pytestmark = pytest.mark.skipif(not available("en", "es"), reason="Apertium en→es is not installed")

KNOWN = "The red house is big."
# Words no dictionary has: Apertium passes them through, and the verdict says so.
GIBBERISH = "The zorblaxian quintoplex marvoozles glimber."
REVIEWED = "Our winter latte is back."


def test_reviewed_memory_confident_and_needs_review(tmp_path: Path) -> None:
    memory = TranslationMemory(tmp_path / "memory.sqlite")
    # Reviewed for another campaign: remembered machine-wide, but not this campaign's review.
    memory.remember_reviewed({REVIEWED: "Nuestro latte de invierno ha vuelto."}, "en", "es", "other/review/es.po")
    own = ReviewStore({"es": {KNOWN: "La casa roja es grande de verdad."}}, {"es": [Path("review/es.po")]})
    translator = LocalizingTranslator(ApertiumTranslator(), memory=memory, overrides=own)
    batch = translator.translate_detailed([KNOWN, REVIEWED, "Fresh coffee every morning.", GIBBERISH], "en", "es")
    assert [status.status for status in batch.statuses] == ["reviewed", "memory", "confident", "needs_review"]
    assert batch.texts[:2] == ["La casa roja es grande de verdad.", "Nuestro latte de invierno ha vuelto."]
    unsure = batch.statuses[3]
    assert unsure.engine == "apertium" and any("untranslated" in reason for reason in unsure.reasons)
    # Recalled from the memory, every verdict is what it was: the guess is not promoted.
    again = LocalizingTranslator(ApertiumTranslator(), memory=memory, overrides=own)
    second = again.translate_detailed([KNOWN, REVIEWED, "Fresh coffee every morning.", GIBBERISH], "en", "es")
    assert second.statuses == batch.statuses and second.origins[2:] == ["memory", "memory"]


def test_the_translate_batch_protocol_carries_the_verdicts() -> None:
    batch = LocalizingTranslator(ApertiumTranslator()).translate_batch([KNOWN, GIBBERISH], "en", "es")
    assert [status.status for status in batch.statuses] == ["confident", "needs_review"]


def test_default_rules_protect_without_a_campaign() -> None:
    rules = LocalizingTranslator(ApertiumTranslator()).rules_for("es")
    assert rules == ProtectionRules()  # the patterns alone: codes, handles, links, prices, times, phones
    text = "Use SPRING-24 at https://shop.example/a?b=1 before 5 pm, call +1 555-0134, @shop #spring {name}."
    output = LocalizingTranslator(ApertiumTranslator()).translate_batch([text], "en", "es").texts[0]
    for kept in ("SPRING-24", "https://shop.example/a?b=1", "+1 555-0134", "@shop", "#spring", "{name}"):
        assert kept in output, output
