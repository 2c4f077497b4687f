"""The one interface every translation engine offers to the pipeline."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from jointcampaign.translate.status import StringStatus


@dataclass(frozen=True)
class TranslationBatch:
    """Translations in input order, plus notes a human should see (pivots, fallbacks).

    `scores`: an engine's own score per text where it has one (Argos: the mean token log-probability
    of the text's weakest sentence), else empty or None per text. `statuses`: the verdict on each
    text, filled in by the localizing translator (empty from a bare engine).
    """

    texts: list[str]
    notes: list[str] = field(default_factory=list)
    scores: list[float | None] = field(default_factory=list)
    statuses: list[StringStatus] = field(default_factory=list)


@runtime_checkable
class Translator(Protocol):
    """Translates batches of segments between languages named by BCP 47 tags (`es`, `zh-Hans`).

    A segment may hold several sentences and several lines; line breaks are kept as they are.
    """

    name: str

    def version(self, source: str, target: str) -> str:
        """Identifies the model(s) used for this pair; changes whenever the output may change."""
        ...

    def translate_batch(self, texts: Sequence[str], source: str, target: str) -> TranslationBatch:
        """One output per input, same order; raises ToolMissingError when no model can do the pair."""
        ...
