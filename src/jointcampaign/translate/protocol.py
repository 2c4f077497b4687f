"""The one interface every translation engine offers to the pipeline."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class TranslationBatch:
    """Translations in input order, plus notes a human should see (pivots, fallbacks)."""

    texts: list[str]
    notes: list[str] = field(default_factory=list)


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
