"""The translator the pipeline uses: review, memory and protected spans around any engine.

For each batch, in this order: reviewed strings (human overrides) win; then exact matches from
the translation memory; only the rest goes to the engine, in one batch, through the protected
span checks and repairs of `repair`. New machine output is remembered; findings become notes
(the QC report shows them) and are kept in `findings`.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from jointcampaign.translate.languages import to_argos_code
from jointcampaign.translate.memory import MemoryKey, Remembered, TranslationMemory
from jointcampaign.translate.protect import ProtectionRules
from jointcampaign.translate.protocol import TranslationBatch, Translator
from jointcampaign.translate.repair import SpanFinding, translate_protected
from jointcampaign.translate.review import ReviewStore

Origin = Literal["review", "memory", "mt"]


class GlossaryLike(Protocol):
    @property
    def keep(self) -> Sequence[str]: ...

    @property
    def fixed(self) -> Mapping[str, Mapping[str, str]]: ...


@dataclass(frozen=True)
class LocalizedBatch:
    texts: list[str]
    origins: list[Origin]
    notes: list[str] = field(default_factory=list)
    findings: list[SpanFinding] = field(default_factory=list)
    engine_calls: int = 0


class LocalizingTranslator:
    """A Translator: reviewed strings, then memory, then the engine with protected-span checks."""

    def __init__(
        self,
        engine: Translator,
        *,
        glossary: GlossaryLike | None = None,
        brand_terms: Sequence[str] = (),
        offer_codes: Sequence[str] = (),
        memory: TranslationMemory | None = None,
        overrides: ReviewStore | None = None,
    ) -> None:
        self.engine = engine
        self.name = engine.name
        self.memory = memory
        self.overrides = overrides or ReviewStore()
        self._keep = tuple(brand_terms) + tuple(glossary.keep if glossary else ())
        self._codes = tuple(offer_codes)
        self._fixed = {tag: dict(terms) for tag, terms in (glossary.fixed if glossary else {}).items()}
        self._findings: list[SpanFinding] = []
        self._lock = threading.Lock()

    @property
    def findings(self) -> list[SpanFinding]:
        """Every protected-span finding of this translator's batches so far (machine output only)."""
        with self._lock:
            return list(self._findings)

    def rules_for(self, target: str) -> ProtectionRules:
        return ProtectionRules.build(self._keep, self._codes, self._fixed_terms(target).items())

    def version(self, source: str, target: str) -> str:
        return (
            f"{self.engine.version(source, target)}; protect {self.rules_for(target).digest()}; "
            f"review {self.overrides.digest(target)}"
        )

    def translate_batch(self, texts: Sequence[str], source: str, target: str) -> TranslationBatch:
        batch = self.translate_detailed(texts, source, target)
        return TranslationBatch(texts=batch.texts, notes=batch.notes)

    def translate_detailed(self, texts: Sequence[str], source: str, target: str) -> LocalizedBatch:
        unique = list(dict.fromkeys(texts))
        done: dict[str, tuple[str, Origin, Mapping[str, Any]]] = {}
        reviewed = self.overrides.lookup(unique, target)
        if self.memory is not None:
            if reviewed:
                self.memory.remember_reviewed(reviewed, source, target, self.overrides.origin(target))
            remembered_reviews = self.memory.reviewed(
                [t for t in unique if t not in reviewed], source, target
            )
            reviewed = {**remembered_reviews, **reviewed}
        done.update({text: (translation, "review", {}) for text, translation in reviewed.items()})
        pending = [text for text in unique if text not in done]
        rules = self.rules_for(target)
        key = None
        if pending and self.memory is not None:
            key = MemoryKey(
                source, target, self.engine.name, self.engine.version(source, target), rules.digest()
            )
            hits = self.memory.lookup(pending, key)
            done.update({text: (hit.text, "memory", hit.details) for text, hit in hits.items()})
            pending = [text for text in pending if text not in done]
        calls = 0
        if pending:
            result = translate_protected(self.engine, pending, source, target, rules)
            calls = result.engine_calls
            fresh: dict[str, Remembered] = {}
            for text, item in zip(pending, result.results, strict=True):
                details: dict[str, Any] = {"notes": result.notes}
                if item.finding is not None:
                    details["finding"] = item.finding.as_dict()
                done[text] = (item.text, "mt", details)
                fresh[text] = Remembered(item.text, details)
            if self.memory is not None and key is not None:
                self.memory.store(fresh, key)
        return self._assemble(texts, done, calls)

    def _assemble(
        self, texts: Sequence[str], done: Mapping[str, tuple[str, Origin, Mapping[str, Any]]], calls: int
    ) -> LocalizedBatch:
        notes: list[str] = []
        findings: list[SpanFinding] = []
        for text in dict.fromkeys(texts):
            details = done[text][2]
            notes += [str(note) for note in details.get("notes", [])]
            finding = details.get("finding")
            if isinstance(finding, dict):
                findings.append(SpanFinding.from_dict(finding))
        notes += [finding.note() for finding in findings]
        with self._lock:
            self._findings += findings
        return LocalizedBatch(
            texts=[done[text][0] for text in texts],
            origins=[done[text][1] for text in texts],
            notes=list(dict.fromkeys(notes)),
            findings=findings,
            engine_calls=calls,
        )

    def _fixed_terms(self, target: str) -> dict[str, str]:
        if target in self._fixed:
            return self._fixed[target]
        code = to_argos_code(target)
        for tag, terms in self._fixed.items():
            if to_argos_code(tag) == code:
                return terms
        return {}
