"""Confidence signals, one by one, and the statuses they lead to (no model needed)."""

from __future__ import annotations

import math

import pytest

from jointcampaign.translate.confidence import (
    Evidence,
    assess,
    engine_signal,
    length_signal,
    repair_signal,
    repetition_signal,
    round_trip_signal,
    untranslated_signal,
    word_f1,
)
from jointcampaign.translate.spans.protect import ProtectionRules, find_spans
from jointcampaign.translate.spans.verify import verify
from jointcampaign.translate.status import (
    REVIEWED,
    StringStatus,
    TranslatedString,
    status_counts,
    worst,
)

RULES = ProtectionRules.build(["Corner Café", "Rosa's Flowers"], ["CAFE10"])


def test_engine_score_is_the_mean_token_probability() -> None:
    sure = engine_signal("argos", -0.01)
    assert sure.factor == pytest.approx(math.exp(-0.01)) and sure.reason is None
    unsure = engine_signal("argos", -0.5)
    assert unsure.factor == pytest.approx(math.exp(-0.5))
    assert unsure.reason is not None and "0.61" in unsure.reason
    assert engine_signal("apertium", None).factor == 1.0


@pytest.mark.parametrize("output", ["y y y y", "Café café café café y flores", "咖啡咖啡咖啡咖啡", "!!!!!!!!!"])
def test_degenerate_repetition_is_caught(output: str) -> None:
    signal = repetition_signal("Our winter latte is back.", output)
    assert signal.factor == 0.0 and signal.reason is not None and "repeats itself" in signal.reason


def test_repetition_the_source_has_is_not_held_against_the_output() -> None:
    assert repetition_signal("Ha ha ha ha!", "¡Ja ja ja ja!").factor == 1.0
    assert repetition_signal("Go now!", "¡Vamos, vamos, vamos!").factor == 0.0  # not in the source
    assert repetition_signal("Go, go, go!", "¡Vamos, vamos, vamos!").factor == 1.0
    assert repetition_signal("Two shops. One street.", "Dos tiendas. Una calle.").factor == 1.0


def test_length_ratio_against_the_script() -> None:
    source = "Our winter latte is back with cinnamon and oat milk."
    assert length_signal(source, "Nuestro latte de invierno vuelve con canela y leche de avena.", "es").factor == 1.0
    too_short = length_signal(source, "Con el código", "es")
    assert too_short.factor == 0.5 and too_short.reason is not None and "shorter" in too_short.reason
    assert length_signal(source, "我们的冬季拿铁回来了，加了肉桂和燕麦奶。", "zh-Hans").factor == 1.0
    assert length_signal(source, "我们的冬季拿铁回来了，加了肉桂和燕麦奶。" * 4, "zh-Hans").factor == 0.5
    assert length_signal("Hi!", "¡Hola, muy buenos días a todos!", "es").factor == 1.0  # too short to judge


def test_each_repair_rung_costs_confidence() -> None:
    factors = [repair_signal(rung, ()).factor for rung in ("none", "substituted", "masked", "fragments")]
    assert factors == sorted(factors, reverse=True) and factors[0] == 1.0 and factors[-1] < 0.95
    still_wrong = repair_signal("fragments", ("missing CAFE10",))
    assert still_wrong.factor == 0.0 and still_wrong.reason is not None and "CAFE10" in still_wrong.reason


def test_source_words_left_in_the_output() -> None:
    source = "Our winter latte is back at Corner Café."
    spans = find_spans(source, RULES)
    # A Latin word in Arabic output is untranslated; the protected name is not counted.
    arabic = untranslated_signal(source, "عاد latte الشتوي إلى Corner Café.", spans, "ar")
    assert arabic.factor < 1.0 and arabic.reason is not None and "latte" in arabic.reason
    assert untranslated_signal(source, "عاد اللاتيه الشتوي إلى Corner Café.", spans, "ar").factor == 1.0
    # Same script: one shared word is normal (latte, chocolate); several are not.
    assert untranslated_signal(source, "Nuestro latte de invierno vuelve a Corner Café.", spans, "es").factor == 1.0
    spanish = untranslated_signal(source, "Our winter latte vuelve a Corner Café.", spans, "es")
    assert spanish.factor < 0.6 and spanish.reason is not None


def test_round_trip_compares_the_back_translation_with_the_source() -> None:
    source = "The parking lot behind the bakery is closed on Sundays."
    close = round_trip_signal(source, "The plot of parking behind the bakery is closed the Sundays.", [])
    assert close.factor == 1.0
    far = round_trip_signal(source, "Show this at the flower shop for a discount.", [])
    assert far.factor < 0.5 and far.reason is not None and "translated back" in far.reason
    assert round_trip_signal("Hi there", "Something else", []).factor == 1.0  # too few words to judge
    assert round_trip_signal(source, None, []).factor == 1.0
    assert word_f1("a b c", "a b c") == 1.0 and word_f1("a b", "c d") == 0.0


def _evidence(engine: str, output: str, **extra: object) -> Evidence:
    source = "Show your receipt at Rosa's Flowers and save 10% with CAFE10."
    return Evidence(source=source, output=output, source_lang="en", target_lang="es", engine=engine,
                    spans=find_spans(source, RULES), **extra)  # type: ignore[arg-type]  # fmt: skip


def test_thresholds_are_per_engine() -> None:
    output = "Muestra tu recibo en Rosa's Flowers y ahorra un 10% con CAFE10."
    assert assess(_evidence("argos", output, score=-0.01)).status == "confident"
    assert assess(_evidence("argos", output, score=-0.2)).status == "needs_review"
    # A masked first try is routine for a rule-based engine, a warning sign for a phrase model.
    assert assess(_evidence("apertium", output, repair="masked")).status == "confident"
    verdict = assess(_evidence("argos", output, score=-0.01, repair="masked"))
    assert verdict.status == "needs_review" and any("repaired" in reason for reason in verdict.reasons)
    assert assess(_evidence("argos", "y y y y y", score=-0.01)).confidence == 0.0


def test_a_verdict_survives_the_memory_unchanged() -> None:
    unsure = StringStatus("needs_review", 0.4, "argos", ("the argos model is unsure",))
    assert StringStatus.from_dict(unsure.as_dict()) == unsure
    assert StringStatus.from_dict(REVIEWED.as_dict()) == REVIEWED
    with pytest.raises(ValueError):
        StringStatus.from_dict({**unsure.as_dict(), "status": "great"})


def test_counts_and_the_weakest_part() -> None:
    strings = [
        TranslatedString("copy:post", "a", "A", StringStatus("confident", 0.99, "argos")),
        TranslatedString("copy:post", "a", "A", StringStatus("confident", 0.99, "argos")),  # same string
        TranslatedString("subtitles", "b", "B", StringStatus("needs_review", 0.3, "argos", ("x",))),
        TranslatedString("subtitles", "c", "C", REVIEWED),
        TranslatedString("subtitles", "d", "D", StringStatus("memory", 0.98, "argos")),
    ]
    assert status_counts(strings) == {"reviewed": 1, "memory": 1, "confident": 1, "needs_review": 1}
    combined = worst(item.verdict for item in strings)
    assert combined.status == "needs_review" and combined.confidence == 0.3 and combined.reasons == ("x",)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Use BLOOM-2026 or SPRING25 today", [("code", "BLOOM-2026"), ("code", "SPRING25")]),
        ("使用优惠码CAFE10可享", [("code", "CAFE10")]),
        ("Call +1 555-0134 or (030) 1234 567", [("phone", "+1 555-0134"), ("phone", "(030) 1234 567")]),
        ("Open 8 am to 6 p.m., 17:30 on Fridays", [("time", "8 am"), ("time", "6 p.m."), ("time", "17:30")]),
        ("Until 2026-12-31, in 2 shops, MP4 or A1", []),
    ],
)
def test_default_protections_outside_any_campaign(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(span.kind, span.text) for span in find_spans(text, ProtectionRules())] == expected


def test_times_and_phones_may_be_written_the_target_way() -> None:
    rules = ProtectionRules()
    spans = find_spans("Open from 8 am to 6 pm, call 555 0134 567.", rules)
    assert verify(spans, "Abierto de 8:00 a 18:00, llama al 555-0134-567.", rules).ok
    assert verify(spans, "مفتوح من ٨ صباحًا حتى ٦ مساءً، اتصل على 555 0134 567.", rules).ok
    wrong = verify(spans, "Abierto de 9:00 a 18:00, llama al 555 0134 568.", rules)
    assert [span.text for span in wrong.missing] == ["8 am", "555 0134 567"]
