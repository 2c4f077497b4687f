"""Protected spans: detection, masking and restoring, fragments, verification and swaps."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jointcampaign.translate.spans.protect import (
    ProtectionRules,
    SpanKind,
    find_spans,
    fragments,
    mask,
    span_key,
    unmask,
)
from jointcampaign.translate.spans.verify import substitute, verify

TERMS = ("Corner Café", "Rosa's Flowers", "Maple Street")
CODES = ("CAFE10", "BLOOM10")
FIXED = {"receipt": "comprobante", "bouquet": "ramo"}
RULES = ProtectionRules.build(TERMS, CODES, FIXED.items())
WORDS = (
    "fresh",
    "coffee",
    "flowers",
    "street",
    "gift",
    "the",
    "and",
    "today",
    "visit",
    "save",
    "your",
    "shop",
)

lower = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=8)
number = st.integers(min_value=1, max_value=9999).map(str)
SPANS: dict[SpanKind, st.SearchStrategy[str]] = {
    "term": st.sampled_from(TERMS),
    "code": st.sampled_from(CODES),
    "fixed": st.sampled_from(["receipt", "Receipt", "bouquet"]),
    "url": st.builds(lambda host, path: f"https://{host}.example/{path}?id=7", lower, lower),
    "email": st.builds(lambda name, host: f"{name}@{host}.example", lower, lower),
    "handle": lower.map(lambda name: "@" + name),
    "hashtag": lower.map(lambda tag: "#" + tag),
    "placeholder": lower.map(lambda name: "{" + name + "}"),
    "price": st.one_of(
        st.builds(lambda sym, n: f"{sym}{n}", st.sampled_from("$€£₹"), number),
        st.builds(lambda n, sym: f"{n} {sym}", number, st.sampled_from(["€", "₫", "USD"])),
    ),
    "percent": number.map(lambda n: f"{n}%"),
    "emoji": st.sampled_from(["🌸", "☕", "👍🏽", "🇻🇳", "👨‍👩‍👧", "❤️", "5️⃣"]),
}
span_strategy = st.sampled_from(sorted(SPANS)).flatmap(
    lambda kind: SPANS[kind].map(lambda text: (kind, text))
)


@st.composite
def copy_with_spans(draw: st.DrawFn) -> tuple[str, list[tuple[SpanKind, str]]]:
    """Plain words with protected spans sprinkled in, space-separated, maybe with an end mark."""
    tokens: list[str] = []
    inserted: list[tuple[SpanKind, str]] = []
    for _ in range(draw(st.integers(min_value=1, max_value=8))):
        if draw(st.booleans()):
            kind, text = draw(span_strategy)
            tokens.append(text)
            inserted.append((kind, text))
        else:
            tokens.append(draw(st.sampled_from(WORDS)))
    return " ".join(tokens) + draw(st.sampled_from(["", ".", "!", "?"])), inserted


@given(copy_with_spans())
def test_every_inserted_span_is_found_exactly(case: tuple[str, list[tuple[SpanKind, str]]]) -> None:
    text, inserted = case
    assert [(span.kind, span.text) for span in find_spans(text, RULES)] == inserted


@given(copy_with_spans())
def test_mask_then_unmask_gives_the_text_with_fixed_translations(
    case: tuple[str, list[tuple[SpanKind, str]]],
) -> None:
    text, _ = case
    spans = find_spans(text, RULES)
    masked = mask(text, spans)
    assert masked.count("⟦") == len(spans)
    expected = text
    for span in reversed(spans):
        expected = expected[: span.start] + span.replacement + expected[span.end :]
    assert unmask(masked, spans) == expected
    assert verify(spans, expected, RULES).ok


@given(copy_with_spans())
def test_fragments_cut_the_text_without_losing_anything(case: tuple[str, list[tuple[SpanKind, str]]]) -> None:
    text, _ = case
    spans = find_spans(text, RULES)
    pieces = fragments(text, spans)
    assert "".join(piece if isinstance(piece, str) else piece.text for piece in pieces) == text
    assert [piece for piece in pieces if not isinstance(piece, str)] == spans


@given(copy_with_spans(), st.data())
def test_verify_names_each_dropped_span(
    case: tuple[str, list[tuple[SpanKind, str]]], data: st.DataObject
) -> None:
    text, _ = case
    spans = find_spans(text, RULES)
    if not spans:
        return
    dropped = data.draw(st.sampled_from(spans))
    output = text[: dropped.start] + " " + text[dropped.end :]
    for span in spans:
        if span.kind == "fixed":
            output = output.replace(span.text, span.replacement)
    verdict = verify(spans, output, RULES)
    assert dropped.replacement in [span.replacement for span in verdict.missing]


@settings(max_examples=50)
@given(number, number)
def test_a_wrong_percentage_is_swapped_for_the_source_one(right: str, wrong: str) -> None:
    if span_key("percent", right + "%") == span_key("percent", wrong + "%"):
        return
    source = f"Save {right}% at Corner Café."
    output = f"Ahorra un {wrong} % en Corner Café."
    spans = find_spans(source, RULES)
    assert verify(spans, output, RULES).badness == (1, 1)
    repaired = substitute(spans, output, RULES)
    assert repaired == f"Ahorra un {right}% en Corner Café."
    assert verify(spans, repaired, RULES).ok


def test_localised_number_formats_count_as_the_same_value() -> None:
    spans = find_spans("Save 10% on a $5 coffee.", RULES)
    assert verify(spans, "وفّر ١٠٪ على قهوة بـ 5 $.", RULES).ok
    assert verify(spans, "Ahorra un 10 % en un café de 5$.", RULES).ok
    assert not verify(spans, "Ahorra un 15 % en un café de 5$.", RULES).ok


def test_brand_names_inside_fixed_terms_do_not_count_as_the_translation() -> None:
    rules = ProtectionRules.build(TERMS, CODES, [("coffee", "café")])
    spans = find_spans("Fresh coffee at Corner Café.", rules)
    assert [span.kind for span in spans] == ["fixed", "term"]
    missing = verify(spans, "Bebida fresca en Corner Café.", rules).missing
    assert [span.replacement for span in missing] == ["café"]
    assert verify(spans, "Café fresco en Corner Café.", rules).ok


def test_a_glossary_term_left_untranslated_is_swapped() -> None:
    spans = find_spans("Show your receipt.", RULES)
    assert substitute(spans, "Muestra tu receipt.", RULES) == "Muestra tu comprobante."
    assert substitute(spans, "Muestra tu recibo.", RULES) is None  # not identifiable: left to the ladder


def test_another_shops_name_and_code_are_unexpected_and_swapped() -> None:
    spans = find_spans("Bring it to Rosa's Flowers with code CAFE10.", RULES)
    output = "Tráelo a Corner Café con el código BLOOM10."
    verdict = verify(spans, output, RULES)
    assert [span.text for span in verdict.unexpected] == ["Corner Café", "BLOOM10"]
    assert substitute(spans, output, RULES) == "Tráelo a Rosa's Flowers con el código CAFE10."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("See https://cornercafe.example/maple.", [("url", "https://cornercafe.example/maple")]),
        (
            "Mail ana@corner.example, or @cornercafe.",
            [("email", "ana@corner.example"), ("handle", "@cornercafe")],
        ),
        ("# Heading and C# code", []),
        ("Tag #coffee, not #1.", [("hashtag", "#coffee")]),
        ("Hi {name} and {{ shop }}", [("placeholder", "{name}"), ("placeholder", "{{ shop }}")]),
        ("From 8 am to 6 pm", [("time", "8 am"), ("time", "6 pm")]),
        ("Only US$12.50 or 300.000 ₫", [("price", "US$12.50"), ("price", "300.000 ₫")]),
        ("Maple Streets and maple street", []),
    ],
)
def test_span_examples(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(span.kind, span.text) for span in find_spans(text, RULES)] == expected


def test_unmask_tolerates_spaced_tokens_and_drops_invented_ones() -> None:
    spans = find_spans("Use CAFE10 now", RULES)
    assert unmask("Usa ⟦ 1 ⟧ ahora ⟦7⟧", spans) == "Usa CAFE10 ahora "
