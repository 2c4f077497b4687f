"""How sure the pipeline is of one translated string, carried with the string wherever it goes.

`reviewed`: a human wrote or approved it for this campaign (its review/<lang>.po). `memory`: a
human translation recalled from the translation memory (reviewed for another campaign, or in an
earlier review file). `confident`: machine output that passed every check. `needs_review`:
machine output a human must look at before customers see it.

Machine output recalled from the memory keeps the verdict it was stored with, so a rerun reports
exactly what the cold run did and a needs_review guess is never promoted by being remembered.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

Status = Literal["reviewed", "memory", "confident", "needs_review"]
STATUSES: tuple[Status, ...] = ("reviewed", "memory", "confident", "needs_review")
SHIPPABLE: frozenset[Status] = frozenset({"reviewed", "memory", "confident"})


@dataclass(frozen=True)
class StringStatus:
    """The verdict on one translated string."""

    status: Status
    confidence: float  # 0..1; 1.0 for reviewed strings
    engine: str  # "review", "argos", "apertium", or "none" when nothing translated it
    reasons: tuple[str, ...] = ()  # why it needs review (or what lowered its confidence)

    @property
    def needs_review(self) -> bool:
        return self.status == "needs_review"

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "confidence": round(self.confidence, 4),
            "engine": self.engine,
            "reasons": list(self.reasons),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> StringStatus:
        status = data["status"]
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")
        return cls(
            status=status,
            confidence=float(data["confidence"]),
            engine=str(data["engine"]),
            reasons=tuple(str(reason) for reason in data.get("reasons", ())),
        )


REVIEWED = StringStatus("reviewed", 1.0, "review")
REMEMBERED_REVIEW = StringStatus("memory", 1.0, "review", ("reviewed earlier, not in this campaign's review files",))
UNCHANGED = StringStatus("confident", 1.0, "none")  # nothing to translate (source language, no letters)
# From a translator that judges nothing (a bare engine): never shipped as if checked.
UNCHECKED = StringStatus("needs_review", 0.0, "unknown", ("not checked: translated without the localizing service",))


def worst(statuses: Iterable[StringStatus]) -> StringStatus:
    """The verdict of a string made of several translated parts: its weakest part's."""
    items = list(statuses)
    if not items:
        return UNCHANGED
    rank = {status: index for index, status in enumerate(STATUSES)}
    weakest = max(items, key=lambda item: (rank[item.status], -item.confidence))
    reasons = tuple(dict.fromkeys(reason for item in items for reason in item.reasons))
    return StringStatus(weakest.status, min(item.confidence for item in items), weakest.engine, reasons)


@dataclass(frozen=True)
class TranslatedString:
    """One string of a deliverable, as it ships: where it is, what it said, what it says now."""

    where: str  # "copy:post", "subtitles", "end-card:corner-cafe"
    source: str
    text: str
    verdict: StringStatus

    @property
    def status(self) -> Status:
        return self.verdict.status

    def as_dict(self) -> dict[str, Any]:
        return {"where": self.where, "source": self.source, "text": self.text, **self.verdict.as_dict()}


def status_counts(strings: Iterable[TranslatedString]) -> dict[str, int]:
    """A count per status (every status present, zero included), each distinct string once."""
    distinct = {(item.where, item.source): item.status for item in strings}
    counted = Counter(distinct.values())
    return {status: counted.get(status, 0) for status in STATUSES}
