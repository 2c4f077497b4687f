"""Verdicts on real engines: the demo models are sure of their own sentences and of nothing else,
protected spans survive Argos and Apertium, remembered guesses stay guesses, the fallback engine helps."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from bench.translate import demo_campaign_segments, heldout_copy
from jointcampaign.translate.engines.apertium import ApertiumTranslator
from jointcampaign.translate.engines.argos import ArgosTranslator
from jointcampaign.translate.localizing import LocalizingTranslator
from jointcampaign.translate.memory import TranslationMemory
from jointcampaign.translate.protocol import TranslationBatch, Translator
from jointcampaign.translate.spans.protect import ProtectionRules, find_spans
from jointcampaign.translate.spans.verify import verify
from jointcampaign.translate.training.builder import demo_tables, load_phrase_table

pytestmark = pytest.mark.slow

LANGUAGES = ["es", "vi", "ar", "hi", "zh-Hans"]
BRANDS = ["Corner Café", "Rosa's Flowers", "Maple Street"]
MIXED = [
    "Show code SPRING-24 at Corner Café before 5 pm and save $3.50.",
    "Follow @rosasflowers and tag #MapleBlooms, or mail hi@rosas.example.",
    "Book at https://cornercafe.example/book?id=7 or call +1 555-0134, {first_name}.",
    "Our oat milk flat white is 20% off with WINTER5 until 18:30.",
]


class Recording:
    """A real engine that keeps each (source, target) it was asked for."""

    def __init__(self, engine: Translator) -> None:
        self.engine, self.name, self.asked = engine, engine.name, list[tuple[str, str]]()

    def version(self, source: str, target: str) -> str:
        return self.engine.version(source, target)

    def direct_pair(self, source: str, target: str) -> bool:
        probe = getattr(self.engine, "direct_pair", None)
        return bool(probe and probe(source, target))

    def translate_batch(self, texts: Sequence[str], source: str, target: str) -> TranslationBatch:
        self.asked.append((source, target))
        return self.engine.translate_batch(texts, source, target)


def test_the_held_out_copy_is_not_in_any_demo_table() -> None:
    known = {source.casefold() for table in demo_tables() for source, _ in load_phrase_table(table)}
    held_out = heldout_copy()
    assert len(held_out) >= 50 and not [line for line in held_out if line.casefold() in known]


@pytest.mark.parametrize("language", LANGUAGES)
def test_demo_models_are_sure_of_their_campaign_and_unsure_of_anything_else(
    demo_models_dir: Path, language: str
) -> None:
    translator = LocalizingTranslator(ArgosTranslator(demo_models_dir, threads=2), brand_terms=BRANDS,
                                      offer_codes=["CAFE10", "BLOOM10"])  # fmt: skip
    own = translator.translate_detailed(demo_campaign_segments(language), "en", language).statuses
    other = translator.translate_detailed(heldout_copy(), "en", language).statuses
    assert sum(s.status == "confident" for s in own) / len(own) >= 0.95
    assert sum(s.status == "needs_review" for s in other) / len(other) >= 0.95
    assert all(s.reasons for s in other if s.needs_review)  # each one says why
    assert {s.engine for s in own + other} == {"argos"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_protected_span_of_mixed_copy_survives_argos(demo_models_dir: Path, language: str) -> None:
    translator = LocalizingTranslator(ArgosTranslator(demo_models_dir, threads=2), brand_terms=BRANDS)
    rules = translator.rules_for(language)
    batch = translator.translate_detailed(MIXED, "en", language)
    for text, output, status in zip(MIXED, batch.texts, batch.statuses, strict=True):
        assert verify(find_spans(text, rules), output, rules).missing == (), (text, output)
        assert status.needs_review  # the demo models never saw these sentences


def test_every_protected_span_of_mixed_copy_survives_apertium() -> None:
    translator = LocalizingTranslator(ApertiumTranslator(), brand_terms=BRANDS)
    rules = translator.rules_for("es")
    batch = translator.translate_detailed(MIXED, "en", "es")
    for text, output in zip(MIXED, batch.texts, strict=True):
        assert verify(find_spans(text, rules), output, rules).missing == (), (text, output)
        assert "de ejemplo" not in output and "primer_nombre" not in output


def test_apertium_is_checked_by_a_round_trip_through_its_reverse_pair() -> None:
    engine = Recording(ApertiumTranslator())
    batch = LocalizingTranslator(engine).translate_detailed(["The parking lot is closed on Sundays."], "en", "es")
    assert ("es", "en") in engine.asked and batch.statuses[0].engine == "apertium"


def test_a_remembered_guess_is_still_a_guess(demo_models_dir: Path, tmp_path: Path) -> None:
    memory = TranslationMemory(tmp_path / "memory.sqlite")
    texts = ["Our winter latte is back with cinnamon and oat milk.", "Fresh coffee at Corner Café."]

    def translate() -> list[str]:
        engine = ArgosTranslator(demo_models_dir)
        batch = LocalizingTranslator(engine, brand_terms=BRANDS, memory=memory).translate_detailed(texts, "en", "vi")
        return [status.status for status in batch.statuses] + list(batch.origins)

    assert translate() == ["needs_review", "confident", "mt", "mt"]
    assert translate() == ["needs_review", "confident", "memory", "memory"]  # no promotion on recall


def test_a_needs_review_string_is_retried_with_the_fallback_engine(demo_models_dir: Path) -> None:
    texts = ["Our winter latte is back with cinnamon and oat milk.", "Fresh coffee at Corner Café.",
             "Book a table at https://cornercafe.example/book before 5 pm."]  # fmt: skip
    plain = LocalizingTranslator(ArgosTranslator(demo_models_dir), brand_terms=BRANDS)
    helped = LocalizingTranslator(ArgosTranslator(demo_models_dir), brand_terms=BRANDS, fallback=ApertiumTranslator())
    before = plain.translate_detailed(texts, "en", "es")
    after = helped.translate_detailed(texts, "en", "es")
    assert [s.engine for s in after.statuses] == ["apertium", "argos", "apertium"]
    assert after.texts[1] == before.texts[1]  # a confident string is left alone
    assert after.statuses[0].confidence > before.statuses[0].confidence
    assert "canela" in after.texts[0] and "https://cornercafe.example/book" in after.texts[2]
    assert any("translated by apertium" in note for note in after.notes)
    rules: ProtectionRules = helped.rules_for("es")
    assert verify(find_spans(texts[2], rules), after.texts[2], rules).missing == ()
    # Other languages have no Apertium pair here: the Argos verdict stands.
    vi = helped.translate_detailed(texts[:1], "en", "vi")
    assert vi.statuses[0].engine == "argos" and vi.statuses[0].needs_review
