"""What each stage hands to the next: paths and small facts, never bytes."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from jointcampaign.render.geometry import Box
from jointcampaign.translate.status import TranslatedString


@dataclass(frozen=True)
class CopyOutcome:
    language: str
    pieces: dict[str, Path]
    notes: tuple[str, ...] = ()
    strings: tuple[TranslatedString, ...] = ()  # every translated line, with its status


@dataclass(frozen=True)
class SubtitleOutcome:
    language: str
    deliverable: str
    srt: Path
    vtt: Path
    cue_count: int
    notes: tuple[str, ...] = ()
    readability: dict[str, Any] = field(default_factory=dict)
    rule_breaks: tuple[str, ...] = ()
    # Cues shown a little before or after their speech because the translation needed the time.
    borrowed_time: tuple[str, ...] = ()
    # The end card's offer sentence per bundle partner, translated alongside the subtitles.
    end_cards: dict[str, str] = field(default_factory=dict)
    strings: tuple[TranslatedString, ...] = ()  # every translated subtitle sentence, with its status
    end_card_strings: dict[str, TranslatedString] = field(default_factory=dict)  # per partner

    def draft_for(self, partner: str) -> bool:
        """Whether `partner`'s cuts would show a string nobody has reviewed and the engine is unsure of."""
        card = self.end_card_strings.get(partner)
        return any(item.verdict.needs_review for item in self.strings) or (
            card is not None and card.verdict.needs_review
        )


@dataclass(frozen=True)
class CutOutcome:
    partner: str
    language: str
    aspect: str
    path: Path
    poster: Path
    probe: dict[str, Any]
    draft: bool = False  # carries the "DRAFT – translation not reviewed" mark
    fitting: tuple[str, ...] = ()  # subtitles that needed smaller type or a broken word to fit
    placed: tuple[tuple[str, Box], ...] = ()  # every text box and logo drawn, in the cut's pixels


@dataclass(frozen=True)
class StageFailure:
    stage: str
    message: str
    language: str | None = None
    partner: str | None = None
    aspect: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class CutsFailedError(Exception):
    """Some cuts of one language could not be finished; the others were, and are carried along.

    Raised by the render step so the orchestrator records no result for it (a failure is never
    cached) yet can still bundle the cuts that did succeed and name each one that did not.
    """

    def __init__(self, language: str, done: list[CutOutcome], failed: list[tuple[str, str, str]]):
        self.language = language
        self.done = done
        self.failed = failed  # (partner, aspect, message)
        names = ", ".join(f"{partner} {aspect}" for partner, aspect, _ in failed)
        super().__init__(f"{len(failed)} cut(s) of {language} failed ({names}): {failed[0][2]}")

    def __reduce__(self) -> tuple[type[CutsFailedError], tuple[str, list[CutOutcome], list[tuple[str, str, str]]]]:
        # Task runners in other processes (Dask) send the exception back pickled.
        return (CutsFailedError, (self.language, self.done, self.failed))


@dataclass
class RunOutcome:
    """Everything a run produced, for the bundles, the QC report and the CLI's summary."""

    copies: list[CopyOutcome] = field(default_factory=list)
    subtitles: list[SubtitleOutcome] = field(default_factory=list)
    cuts: list[CutOutcome] = field(default_factory=list)
    failures: list[StageFailure] = field(default_factory=list)
    # (partner, language) whose cuts were kept out of the bundle: unreviewed, and the campaign says hold.
    held: list[tuple[str, str]] = field(default_factory=list)
