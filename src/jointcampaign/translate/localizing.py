"""The translator every entry point uses: review, memory and protected spans around any engine.

For each batch, in this order: reviewed strings (human overrides) win; then exact matches from
the translation memory; only the rest goes to the engine, in one batch, through the protected
span checks and repairs of `repair`. Each new machine translation is judged (`confidence`): it
gets a confidence and the status `confident` or `needs_review`; where a second engine is set up
as a fallback, a needs_review string is tried with it too and the better-scored result kept.
New machine output is remembered with its verdict; findings become notes (the QC report shows
them) and are kept in `findings`.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from jointcampaign.errors import ToolMissingError
from jointcampaign.translate.confidence import SCORING_VERSION, Evidence, assess
from jointcampaign.translate.languages import to_argos_code
from jointcampaign.translate.memory import MemoryKey, Remembered, TranslationMemory
from jointcampaign.translate.protocol import TranslationBatch, Translator
from jointcampaign.translate.review import ReviewStore
from jointcampaign.translate.spans.protect import MASK_CLOSE, MASK_OPEN, ProtectionRules, Span, find_spans
from jointcampaign.translate.spans.repair import ProtectedBatch, SpanFinding, translate_protected
from jointcampaign.translate.status import REMEMBERED_REVIEW, REVIEWED, StringStatus

Origin = Literal["review", "memory", "mt"]
_MASK_TOKEN = re.compile(rf"{MASK_OPEN}\s*\d+\s*{MASK_CLOSE}")


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
    statuses: list[StringStatus] = field(default_factory=list)  # one per text


_Done = tuple[str, Origin, Mapping[str, Any], StringStatus]


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
        fallback: Translator | None = None,
        round_trip: bool = True,
    ) -> None:
        self.engine = engine
        self.name = engine.name
        self.fallback = fallback  # tried on needs_review strings, where it has the pair
        self.round_trip = round_trip  # translate back where a direct reverse model is installed
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
            f"{self._engines_version(source, target)}; protect {self.rules_for(target).digest()}; "
            f"review {self.overrides.digest(target)}; scoring {SCORING_VERSION}"
        )

    def translate_batch(self, texts: Sequence[str], source: str, target: str) -> TranslationBatch:
        batch = self.translate_detailed(texts, source, target)
        return TranslationBatch(texts=batch.texts, notes=batch.notes, statuses=batch.statuses)

    def translate_detailed(self, texts: Sequence[str], source: str, target: str) -> LocalizedBatch:
        unique = list(dict.fromkeys(texts))
        done: dict[str, _Done] = {}
        reviewed = self.overrides.lookup(unique, target)
        done.update({text: (translation, "review", {}, REVIEWED) for text, translation in reviewed.items()})
        if self.memory is not None:
            if reviewed:
                self.memory.remember_reviewed(reviewed, source, target, self.overrides.origin(target))
            remembered_reviews = self.memory.reviewed(
                [t for t in unique if t not in reviewed], source, target
            )
            done.update(
                {text: (translation, "review", {}, REMEMBERED_REVIEW) for text, translation in remembered_reviews.items()}
            )
        pending = [text for text in unique if text not in done]
        rules = self.rules_for(target)
        key = None
        if pending and self.memory is not None:
            key = MemoryKey(
                source, target, self.engine.name, self._engines_version(source, target),
                f"{rules.digest()}+scoring{SCORING_VERSION}",
            )  # fmt: skip
            for text, hit in self.memory.lookup(pending, key).items():
                verdict = _remembered_verdict(hit.details)
                if verdict is not None:  # an entry without a verdict predates scoring: translate again
                    done[text] = (hit.text, "memory", hit.details, verdict)
            pending = [text for text in pending if text not in done]
        calls = 0
        if pending:
            fresh, calls = self._machine(pending, source, target, rules)
            done.update(fresh)
            if self.memory is not None and key is not None:
                self.memory.store(
                    {text: Remembered(item[0], {**item[2], "status": item[3].as_dict()}) for text, item in fresh.items()},
                    key,
                )
        return self._assemble(texts, done, calls)

    def _machine(
        self, pending: list[str], source: str, target: str, rules: ProtectionRules
    ) -> tuple[dict[str, _Done], int]:
        """Engine output for texts nobody reviewed or remembered, each with its verdict."""
        result = translate_protected(self.engine, pending, source, target, rules)
        calls = result.engine_calls
        verdicts = self._judge(self.engine, pending, result, source, target, rules)
        done: dict[str, _Done] = {}
        for text, item, verdict in zip(pending, result.results, verdicts, strict=True):
            details: dict[str, Any] = {"notes": result.notes}
            if item.finding is not None:
                details["finding"] = item.finding.as_dict()
            done[text] = (item.text, "mt", details, verdict)
        unsure = [text for text in pending if done[text][3].needs_review]
        if unsure and self._fallback_for(source, target) is not None:
            fallback = self._fallback_for(source, target)
            assert fallback is not None
            calls += self._try_fallback(fallback, unsure, source, target, rules, done)
        return done, calls

    def _try_fallback(
        self, fallback: Translator, texts: list[str], source: str, target: str, rules: ProtectionRules,
        done: dict[str, _Done],
    ) -> int:  # fmt: skip
        """Second opinion from another engine (masked and checked the same way); the better verdict wins."""
        result = translate_protected(fallback, texts, source, target, rules)
        verdicts = self._judge(fallback, texts, result, source, target, rules)
        for text, item, verdict in zip(texts, result.results, verdicts, strict=True):
            if verdict.confidence <= done[text][3].confidence:
                continue
            details: dict[str, Any] = {
                "notes": [*result.notes, f"translated by {_engine_name(fallback, source, target)} "
                          f"(the first engine's output needed review)"],
            }  # fmt: skip
            if item.finding is not None:
                details["finding"] = item.finding.as_dict()
            done[text] = (item.text, "mt", details, verdict)
        return result.engine_calls

    def _judge(
        self, engine: Translator, texts: list[str], result: ProtectedBatch, source: str, target: str,
        rules: ProtectionRules,
    ) -> list[StringStatus]:  # fmt: skip
        outputs = [_masked_output(item.text, find_spans(text, rules)) for text, item in zip(texts, result.results, strict=True)]
        back = self._back_translate(engine, outputs, source, target)
        name = _engine_name(engine, source, target)
        return [
            assess(
                Evidence(
                    source=text, output=item.text, source_lang=source, target_lang=target, engine=name,
                    score=item.score, spans=find_spans(text, rules), repair=item.repair,
                    remaining=item.remaining, back_translation=returned,
                )
            )
            for text, item, returned in zip(texts, result.results, back, strict=True)
        ]

    def _back_translate(self, engine: Translator, outputs: list[str], source: str, target: str) -> list[str | None]:
        """The outputs translated back, where one installed model does target→source directly."""
        probe = getattr(engine, "direct_pair", None)
        if not self.round_trip or probe is None or not outputs or not probe(target, source):
            return [None] * len(outputs)
        try:
            back = engine.translate_batch(outputs, target, source).texts
        except ToolMissingError:
            return [None] * len(outputs)
        return [" ".join(_MASK_TOKEN.sub(" ", text).split()) for text in back]

    def _fallback_for(self, source: str, target: str) -> Translator | None:
        """The fallback engine, when it is another engine than the pair's own and has the pair."""
        fallback = self.fallback
        if fallback is None or _engine_name(fallback, source, target) == _engine_name(self.engine, source, target):
            return None
        return fallback if _has_pair(fallback, source, target) else None

    def _engines_version(self, source: str, target: str) -> str:
        version = self.engine.version(source, target)
        fallback = self._fallback_for(source, target)
        if fallback is not None:
            version += f" | fallback {fallback.version(source, target)}"
        return version

    def _assemble(self, texts: Sequence[str], done: Mapping[str, _Done], calls: int) -> LocalizedBatch:
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
            statuses=[done[text][3] for text in texts],
        )

    def _fixed_terms(self, target: str) -> dict[str, str]:
        if target in self._fixed:
            return self._fixed[target]
        code = to_argos_code(target)
        for tag, terms in self._fixed.items():
            if to_argos_code(tag) == code:
                return terms
        return {}


def _masked_output(output: str, spans: Sequence[Span]) -> str:
    """The output with the protected text it kept masked, so a back-translation cannot mangle it."""
    for number, replacement in enumerate(sorted({span.replacement for span in spans}, key=len, reverse=True), 1):
        output = output.replace(replacement, f"{MASK_OPEN}{number}{MASK_CLOSE}")
    return output


def _remembered_verdict(details: Mapping[str, Any]) -> StringStatus | None:
    stored = details.get("status")
    if not isinstance(stored, dict):
        return None
    try:
        return StringStatus.from_dict(stored)
    except (KeyError, TypeError, ValueError):
        return None


def _engine_name(engine: Translator, source: str, target: str) -> str:
    """The name of the engine that really translates the pair (a router names the one it picks)."""
    pick = getattr(engine, "engine_for_pair", None)
    return str(pick(source, target).name) if pick is not None else engine.name


def _has_pair(engine: Translator, source: str, target: str) -> bool:
    probe = getattr(engine, "direct_pair", None)
    if probe is not None:
        return bool(probe(source, target))
    try:
        engine.version(source, target)
    except ToolMissingError:
        return False
    return True
