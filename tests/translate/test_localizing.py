"""LocalizingTranslator on the real demo models: protected spans survive, memory saves every MT call."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jointcampaign.campaign.models import Glossary
from jointcampaign.pipeline import plan as core
from jointcampaign.pipeline.translator import build_campaign_translator
from jointcampaign.pipeline.validate import validate_campaign
from jointcampaign.translate.engines.argos import ArgosTranslator
from jointcampaign.translate.localizing import LocalizingTranslator
from jointcampaign.translate.memory import TranslationMemory
from jointcampaign.translate.protocol import TranslationBatch
from jointcampaign.translate.spans.protect import find_spans
from jointcampaign.translate.spans.verify import verify
from jointcampaign.translate.training.builder import demo_tables, load_phrase_table
from tests.translate.test_protect import span_strategy

pytestmark = pytest.mark.slow

TARGETS = {"es": "es", "vi": "vi", "ar": "ar", "hi": "hi", "zh": "zh-Hans"}
BRANDS = ["Corner Café", "Rosa's Flowers"]
CODES = ["CAFE10", "BLOOM10"]


# The demo tables' own wording for "receipt", so table sentences verify as they are.
GLOSSARY = Glossary(keep=["Maple Street"], fixed={"es": {"receipt": "recibo"}, "vi": {"receipt": "hóa đơn"}})


class CountingArgos(ArgosTranslator):
    """The real engine, counting how often it is asked to translate."""

    def __init__(self, models_dir: Path) -> None:
        super().__init__(models_dir, threads=2, beam_size=1)
        self.segments: list[int] = []

    def translate_batch(self, texts: Sequence[str], source: str, target: str) -> TranslationBatch:
        self.segments.append(len(texts))
        return super().translate_batch(texts, source, target)


def table(target: str) -> list[tuple[str, str]]:
    return load_phrase_table(next(path for path in demo_tables() if path.stem == f"en-{target}"))


@st.composite
def demo_copy(draw: st.DrawFn, sentences: list[str]) -> str:
    """A demo sentence with protected spans pushed in between its words."""
    words = draw(st.sampled_from(sentences)).split(" ")
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        _, span = draw(span_strategy)
        words.insert(draw(st.integers(min_value=0, max_value=len(words))), span)
    return " ".join(words)


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_table_sentences_come_out_exactly_with_no_findings(demo_models_dir: Path, target: str) -> None:
    rows = table(target)
    engine = CountingArgos(demo_models_dir)
    translator = LocalizingTranslator(engine, glossary=GLOSSARY, brand_terms=BRANDS, offer_codes=CODES)
    batch = translator.translate_detailed([source for source, _ in rows], "en", TARGETS[target])
    assert batch.texts == [expected for _, expected in rows]
    assert batch.findings == [] and batch.notes == []
    assert engine.segments == [len(rows)]  # verify-first: one batch, nothing retried


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_every_protected_span_survives_every_demo_language(demo_models_dir: Path, target: str) -> None:
    translator = LocalizingTranslator(
        ArgosTranslator(demo_models_dir, threads=2), glossary=GLOSSARY, brand_terms=BRANDS, offer_codes=CODES
    )
    rules = translator.rules_for(TARGETS[target])
    sentences = [source for source, _ in table(target)]

    @settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(demo_copy(sentences), min_size=1, max_size=6))
    def survives(texts: list[str]) -> None:
        batch = translator.translate_detailed(texts, "en", TARGETS[target])
        for text, output in zip(texts, batch.texts, strict=True):
            assert verify(find_spans(text, rules), output, rules).missing == (), (text, output)
        findings = {finding.segment: finding for finding in batch.findings}
        for text, output in zip(texts, batch.texts, strict=True):
            if text in findings:
                assert findings[text].output == output
                assert any(findings[text].note() == note for note in batch.notes)

    survives()


def make_plan(campaign: Path, out: Path) -> core.RunPlan:
    return core.plan_run(validate_campaign(campaign, lambda source, target: True), out)


def test_a_rerun_of_an_unchanged_campaign_does_no_machine_translation(
    demo_models_dir: Path, campaign_copy: Path, tmp_path: Path
) -> None:
    (campaign_copy / "copy" / "post.md").write_text(
        "# A small gift from your neighbours\n\nVisit https://cornercafe.example/maple today for 15% off.\n",
        encoding="utf-8",
    )
    plan = make_plan(campaign_copy, tmp_path / "out")
    memory_path = tmp_path / "cache" / "memory.sqlite"

    def run_all() -> tuple[CountingArgos, list[object], float]:
        engine = CountingArgos(demo_models_dir)
        started = time.perf_counter()
        outcomes: list[object] = []
        for language in TARGETS.values():
            translator = build_campaign_translator(plan.loaded, engine, memory_path)
            outcomes += [
                core.translate_copy(plan, language, translator),
                core.translate_subtitles(plan, language, translator),
            ]
        return engine, outcomes, time.perf_counter() - started

    cold_engine, cold, cold_seconds = run_all()
    assert cold_engine.segments
    files = {path: path.read_bytes() for path in (tmp_path / "out").rglob("*") if path.is_file()}
    warm_engine, warm, warm_seconds = run_all()
    assert warm_engine.segments == []  # every segment came from the translation memory
    assert warm == cold  # same outputs, same notes (QC findings are replayed from the memory)
    assert {path: path.read_bytes() for path in files} == files
    vi = next(o for o in cold if getattr(o, "language", "") == "vi" and hasattr(o, "pieces"))
    assert any("https://cornercafe.example/maple" in note for note in vi.notes)  # type: ignore[attr-defined]
    post = (tmp_path / "out" / plan.loaded.slug).rglob("post.md")
    assert all("https://cornercafe.example/maple" in p.read_text(encoding="utf-8") for p in post)
    print(f"\ncold {cold_seconds:.3f} s, warm {warm_seconds:.3f} s")
    assert TranslationMemory(memory_path).counts()["machine"] > 0
