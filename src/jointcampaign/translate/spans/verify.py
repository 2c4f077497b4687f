"""Check an engine's output against the protected spans of its source, and fix what is identifiable."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from jointcampaign.translate.spans.protect import ProtectionRules, Span, SpanKind, output_spans, time_forms

# Kinds whose appearance in an output without a source counterpart is itself a problem (a wrong
# offer code, another shop's name, a changed price). Emoji are left out: an extra one harms nobody.
_WATCHED: frozenset[SpanKind] = frozenset(
    {"term", "code", "url", "email", "handle", "hashtag", "placeholder", "price", "percent", "phone"}
)
# Kinds checked by meaning rather than by exact text: a fixed term's translation, a time's hour.
_SOFT: frozenset[SpanKind] = frozenset({"fixed", "time"})


@dataclass(frozen=True)
class Verdict:
    missing: tuple[Span, ...]  # source spans whose required output is absent
    unexpected: tuple[Span, ...]  # protected-looking spans of the output that the source lacks

    @property
    def ok(self) -> bool:
        return not self.missing and not self.unexpected

    @property
    def badness(self) -> tuple[int, int]:
        return len(self.missing), len(self.unexpected)

    def describe(self) -> tuple[str, ...]:
        return tuple(
            [f"missing {span.replacement}" for span in self.missing]
            + [f"unexpected {span.text}" for span in self.unexpected]
        )


def verify(spans: Sequence[Span], output: str, rules: ProtectionRules) -> Verdict:
    """Each source span must appear in the output as often as in the source."""
    found = output_spans(output, rules)
    available = Counter(span.key for span in found)
    missing: list[Span] = []
    for span in spans:
        if span.kind in _SOFT:
            continue
        if available[span.key] > 0:
            available[span.key] -= 1
        else:
            missing.append(span)
    expected = Counter(span.key for span in spans if span.kind not in _SOFT)
    unexpected: list[Span] = []
    for span in found:
        if expected[span.key] > 0:
            expected[span.key] -= 1
        elif span.kind in _WATCHED:
            unexpected.append(span)
    missing += _missing_fixed(spans, output, found)
    missing += _missing_times(spans, output)
    missing.sort(key=lambda span: span.start)
    return Verdict(tuple(missing), tuple(unexpected))


def substitute(spans: Sequence[Span], output: str, rules: ProtectionRules) -> str | None:
    """The output with identifiable mistranslations swapped for what the source requires.

    Identifiable means: the output holds as many wrong spans of a kind (another code, another
    price, another shop's name) as the source has missing ones, so they pair up in order; or a
    glossary term was left untranslated. None when there is nothing to swap.
    """
    verdict = verify(spans, output, rules)
    edits: list[tuple[int, int, str]] = []
    for kind in sorted(_WATCHED):
        missing = [span for span in verdict.missing if span.kind == kind]
        wrong = [span for span in verdict.unexpected if span.kind == kind]
        if missing and len(missing) == len(wrong):
            edits += [
                (bad.start, bad.end, good.replacement) for good, bad in zip(missing, wrong, strict=True)
            ]
    for span in verdict.missing:
        if span.kind != "fixed":
            continue
        pattern = re.compile(r"(?<!\w)" + re.escape(span.text) + r"(?!\w)", re.IGNORECASE)
        for match in pattern.finditer(output):
            if not any(start < match.end() and match.start() < end for start, end, _ in edits):
                edits.append((match.start(), match.end(), span.replacement))
                break
    if not edits:
        return None
    repaired = output
    for start, end, text in sorted(edits, reverse=True):
        repaired = repaired[:start] + text + repaired[end:]
    return repaired


def _missing_times(spans: Sequence[Span], output: str) -> list[Span]:
    """A time is kept when the output holds its hour (12- or 24-hour form) and any minutes it has."""
    wanted = [span for span in spans if span.kind == "time"]
    if not wanted:
        return []
    plain = "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in output)
    numbers = Counter(str(int(number)) for number in re.findall(r"\d+", plain))
    minutes = Counter(re.findall(r"(?<=:)\d\d", plain))
    missing = []
    for span in wanted:
        twelve, hour, mins = time_forms(span.text)
        form = next((f for f in (hour, twelve) if numbers[f] > 0), None)
        if form is None or (mins != "00" and minutes[mins] == 0):
            missing.append(span)
            continue
        numbers[form] -= 1
        if mins != "00":
            minutes[mins] -= 1
    return missing


def _missing_fixed(spans: Sequence[Span], output: str, found: Sequence[Span]) -> list[Span]:
    """Fixed translations, counted outside protected names (`Corner Café` does not count as `café`)."""
    wanted = [span for span in spans if span.kind == "fixed"]
    if not wanted:
        return []
    blanked = list(output)
    for span in found:
        if span.kind in ("term", "code"):
            blanked[span.start : span.end] = " " * (span.end - span.start)
    haystack = "".join(blanked).casefold()
    budget = {key: haystack.count(key) for key in {span.key for span in wanted}}
    missing = []
    for span in wanted:
        if budget[span.key] > 0:
            budget[span.key] -= 1
        else:
            missing.append(span)
    return missing
