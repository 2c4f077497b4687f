"""Re-timing invariants, property-tested: order, no overlap, two-frame gaps, inside the (widened) span."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from jointcampaign.subtitles import Cue
from jointcampaign.subtitles.fit.localize import localize_cues
from jointcampaign.subtitles.fit.retime import allocate_times, split_into_pieces
from jointcampaign.subtitles.fit.sentences import group_sentences
from jointcampaign.subtitles.qc.readability import rules_for
from jointcampaign.subtitles.qc.textmetrics import is_unspaced


def ms(seconds: float) -> int:
    return round(seconds * 1000)


@settings(max_examples=300)
@given(
    weights=st.lists(st.floats(0, 100), min_size=1, max_size=10),
    start=st.integers(0, 10_000_000),
    span=st.integers(1, 60_000),
    gap=st.integers(0, 120),
    min_ms=st.integers(1, 2000),
    max_ms=st.one_of(st.none(), st.integers(2000, 8000)),
)
def test_allocated_times_keep_order_gaps_and_span(
    weights: list[float], start: int, span: int, gap: int, min_ms: int, max_ms: int | None
) -> None:
    available = span - (len(weights) - 1) * gap
    assume(available >= len(weights))
    times = allocate_times(weights, start, start + span, gap, min_ms, max_ms)
    assert len(times) == len(weights)
    assert times[0][0] == start and all(end <= start + span for _, end in times)
    assert all(end > begin for begin, end in times)
    assert all(following[0] - previous[1] >= gap for previous, following in itertools.pairwise(times))
    if max_ms is not None:
        assert all(end - begin <= max_ms for begin, end in times)
    if len(weights) * min_ms <= available and max_ms is None:
        assert all(end - begin >= min_ms for begin, end in times)


def test_allocation_is_proportional_to_reading_length() -> None:
    times = allocate_times([10, 30], 0, 4080, gap_ms=80)
    assert [end - start for start, end in times] == [1000, 3000]


def test_text_split_prefers_clause_ends_and_keeps_terms() -> None:
    text = "Corner Café and Rosas Flowers invite you, this Saturday only, to a spring morning of coffee."
    pieces = split_into_pieces(text, 2, "en", terms=["Rosas Flowers"])
    assert pieces == [
        "Corner Café and Rosas Flowers invite you,",
        "this Saturday only, to a spring morning of coffee.",
    ]
    assert split_into_pieces("前十位客人可获赠一束鲜花。街角咖啡馆送您一杯咖啡。", 2, "zh") == [
        "前十位客人可获赠一束鲜花。",
        "街角咖啡馆送您一杯咖啡。",
    ]


# Source cues as subtitle files have them: gaps, overlaps, zero durations, empty text.
_WORDS = [
    "coffee",
    "tulips",
    "spring",
    "Rosa",
    "café",
    "morning",
    "only",
    "5 €",
    "free",
    "bouquet,",
    "today.",
]


@st.composite
def source_cues(draw: st.DrawFn) -> list[Cue]:
    count = draw(st.integers(1, 25))
    cues = []
    cursor = draw(st.integers(0, 5000))
    for index in range(1, count + 1):
        cursor = max(0, cursor + draw(st.integers(-1500, 3000)))
        duration = draw(st.integers(0, 9000))
        words = draw(st.lists(st.sampled_from(_WORDS), min_size=0, max_size=14))
        text = " ".join(words)
        if draw(st.booleans()) and len(words) > 3:
            text = f"- {' '.join(words[:2])}\n- {' '.join(words[2:])}"
        cues.append(Cue(index, cursor / 1000, (cursor + duration) / 1000, text))
    return cues


TRANSLATIONS: dict[str, Callable[[str], str]] = {
    "same": lambda text: text,
    "longer": lambda text: re.sub(r"(\w+)", r"\1 \1", text),
    "shorter": lambda text: " ".join(text.split()[::2]),
    "cjk": lambda text: "".join("咖啡花店春天" for _ in text.split()) + "。",
    "empty": lambda text: "",
}


@settings(max_examples=120, deadline=None)
@given(
    cues=source_cues(),
    translation=st.sampled_from(sorted(TRANSLATIONS)),
    lang=st.sampled_from(["en", "es", "zh", "ja", "th", "ar"]),
)
def test_localized_cues_keep_every_timing_invariant(cues: list[Cue], translation: str, lang: str) -> None:
    rules = rules_for(lang)
    translate = TRANSLATIONS[translation]
    sent: list[str] = []

    def batch(texts: list[str]) -> list[str]:
        sent.extend(texts)
        return [translate(text) for text in texts]

    result = localize_cues(cues, batch, lang)
    out = result.cues
    assert [cue.index for cue in out] == list(range(1, len(out) + 1))
    for cue in out:
        assert ms(cue.end) > ms(cue.start)
    for previous, following in itertools.pairwise(out):
        assert ms(following.start) - ms(previous.end) >= rules.min_gap_ms
    # Each cue lies inside the window of one source sentence, and the sentences come in order.
    owners = []
    for cue in out:
        owner = [
            k
            for k, window in enumerate(result.windows)
            if window.start_ms <= ms(cue.start) < ms(cue.end) <= window.end_ms
        ]
        assert len(owner) == 1
        owners.append(owner[0])
    assert owners == sorted(owners)
    for group in result.groups:
        assert group.start_ms == min(ms(cue.start) for cue in group.cues)
        assert group.end_ms <= max(ms(cue.end) for cue in group.cues)
    # A window is its sentence's own span, widened only into the silence around it: by at most
    # the lag-out after and the lead-in before, and never into another sentence's time.
    lag_out, lead_in = round(rules.max_lag_out * 1000), round(rules.max_lead_in * 1000)
    for k, (group, window) in enumerate(zip(result.groups, result.windows, strict=True)):
        assert group.start_ms - lead_in <= window.start_ms <= group.start_ms
        assert group.end_ms <= window.end_ms <= group.end_ms + lag_out
        if k + 1 < len(result.groups):
            assert window.end_ms <= result.groups[k + 1].start_ms - rules.min_gap_ms
        if k > 0:
            assert window.start_ms >= result.groups[k - 1].end_ms + rules.min_gap_ms
    # No text is lost or reordered; only spaces and line breaks may change at the cuts.
    translated = [translate(text) for text in sent]
    separator = "" if is_unspaced(lang) else " "
    squeeze = (
        (lambda text: re.sub(r"\s+", "", text)) if separator == "" else (lambda text: " ".join(text.split()))
    )
    assert squeeze(" ".join(cue.text for cue in out)) == squeeze(" ".join(t for t in translated if t.strip()))
    for cue, owner in zip(out, owners, strict=True):
        if not result.groups[owner].dialogue:
            assert len(cue.lines) <= rules.max_lines


def test_groups_merge_sentences_split_over_cues() -> None:
    cues = [
        Cue(1, 1.0, 2.5, "Our café and the flower shop"),
        Cue(2, 2.5, 4.0, "invite you to spring."),
        Cue(3, 4.5, 6.0, "- Coffee?\n- Tulips!"),
        Cue(4, 9.0, 9.0, "Never shown"),
    ]
    groups = group_sentences(cues, "en", min_gap_ms=80, min_duration_ms=833)
    assert [group.text for group in groups] == [
        "Our café and the flower shop invite you to spring.",
        "- Coffee?\n- Tulips!",
    ]
    assert (groups[0].start_ms, groups[0].end_ms) == (1000, 4000)
    assert groups[1].dialogue


def test_dialogue_lines_are_translated_one_by_one_and_keep_their_dashes() -> None:
    cues = [Cue(1, 1.0, 3.0, "- Coffee?\n- Tulips!")]
    result = localize_cues(cues, lambda texts: [text.replace("Coffee", "Café") for text in texts], "es")
    assert [cue.text for cue in result.cues] == ["- Café?\n- Tulips!"]


def test_translator_must_return_one_text_per_input() -> None:
    with pytest.raises(ValueError, match="returned 0 texts for 1"):
        localize_cues([Cue(1, 0.0, 2.0, "Hello.")], lambda texts: [], "en")


def test_a_translation_too_long_for_its_cue_lingers_into_the_pause_after_it() -> None:
    source = [Cue(1, 1.0, 2.0, "Get 20% off."), Cue(2, 4.0, 6.0, "Shop local.")]
    spanish = {"Get 20% off.": "Obtén un 20% de descuento.", "Shop local.": "Compra local."}
    result = localize_cues(source, lambda texts: [spanish[text] for text in texts], "es")
    first, second = result.cues
    # 26 characters at 17 per second need 1.53 s: the full 0.5 s lag-out, then 31 ms of lead-in.
    assert (ms(first.start), ms(first.end)) == (969, 2500)
    assert (second.start, second.end) == (4.0, 6.0)  # a cue that reads in time keeps its timing
    assert result.borrowed_time() == [
        "cue 1: shown 0.03 s before and 0.50 s after the speech, to be read in time"
    ]
    assert not result.issues


def test_what_borrowing_cannot_fix_is_flagged() -> None:
    source = [Cue(1, 1.0, 2.0, "Get 10% off any bouquet.")]
    result = localize_cues(source, lambda texts: ["Obtén un 10% de descuento en cualquier ramo."], "es")
    (cue,) = result.cues
    assert (ms(cue.start), ms(cue.end)) == (750, 2500)  # all the lead-in and lag-out the rules allow
    assert [issue.rule for issue in result.issues] == ["cps"]


def test_only_the_time_reading_needs_is_borrowed_and_the_next_sentence_keeps_its_own() -> None:
    source = [Cue(1, 1.0, 2.0, "Get 20% off."), Cue(2, 2.3, 4.0, "Shop local.")]
    spanish = {"Get 20% off.": "Obtén un 20% de descuento.", "Shop local.": "Compra local."}
    result = localize_cues(source, lambda texts: [spanish[text] for text in texts], "es")
    first, second = result.cues
    # The pause is 300 ms: lag-out stops two frames (80 ms) before the next sentence, then the
    # rest comes from before the speech, up to the 250 ms lead-in.
    assert ms(first.end) == 2220 and ms(first.start) == 750
    assert (second.start, second.end) == (2.3, 4.0)
    assert result.borrowed_time() == [
        "cue 1: shown 0.25 s before and 0.22 s after the speech, to be read in time"
    ]


def test_no_cue_runs_past_the_end_of_the_video() -> None:
    result = localize_cues([Cue(1, 9.0, 9.5, "Hola.")], lambda texts: texts, "es", media_end=9.7)
    assert ms(result.cues[0].end) == 9700 and ms(result.cues[0].start) == 9000 - 133


def test_cues_past_the_end_of_the_video_are_cut_there_or_left_out_and_said() -> None:
    # A source cue that runs past the video (a trimmed video, another cut's subtitles) would
    # ship a subtitle file longer than its cut: it is cut at the video's end, one that starts
    # after it is left out, and both are named.
    cues = [Cue(1, 0.5, 2.0, "Hello there."), Cue(2, 3.0, 6.0, "We ride on."), Cue(3, 6.5, 8.0, "Goodbye.")]
    result = localize_cues(cues, lambda texts: texts, "en", media_end=5.0)
    assert [cue.text for cue in result.cues] == ["Hello there.", "We ride on."]
    assert max(ms(cue.end) for cue in result.cues) <= 5000
    assert result.past_video_end == [
        "source cue 2 (3.000–6.000 s) runs past the end of the video (5.000 s): cut there",
        "source cue 3 (6.500–8.000 s) starts after the end of the video (5.000 s): left out",
    ]


def test_without_a_video_end_nothing_is_cut() -> None:
    result = localize_cues([Cue(1, 3.0, 60.0, "Long.")], lambda texts: texts, "en")
    assert ms(result.cues[-1].end) > 5000 and result.past_video_end == []
