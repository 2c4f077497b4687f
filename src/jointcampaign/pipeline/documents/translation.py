"""What a bundle's translations are worth: counts per status, the strings that need review, who reviews.

The copy and the subtitles of a language go into every bundle; the end card's offer line is the
bundle partner's own. A language with strings that need review is a blocker attributed to the
owner of its review deliverable in campaign.yaml, or to every partner when there is none.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from jointcampaign.campaign.load import LoadedCampaign
from jointcampaign.pipeline.results import RunOutcome
from jointcampaign.pipeline.validate import Blocker
from jointcampaign.translate.status import TranslatedString, status_counts


@dataclass(frozen=True)
class LanguageReview:
    language: str
    strings: dict[str, int]  # count per status, each distinct string once
    unsure: tuple[TranslatedString, ...] = ()  # the needs_review strings, in order
    owners: tuple[str, ...] = ()  # partner ids who review this language
    deliverable: str = ""  # the review deliverable's id, or review-<lang>
    commands: tuple[str, ...] = field(default=())  # export → edit → import, ready to paste

    @property
    def needs_review(self) -> int:
        return self.strings.get("needs_review", 0)

    def as_manifest(self) -> dict[str, object]:
        return {"strings": self.strings, "needs_review": self.needs_review, "owners": list(self.owners)}


def bundle_strings(outcome: RunOutcome, partner: str, language: str) -> list[TranslatedString]:
    strings: list[TranslatedString] = []
    for copy in outcome.copies:
        if copy.language == language:
            strings += copy.strings
    for subs in outcome.subtitles:
        if subs.language == language:
            strings += subs.strings
            card = subs.end_card_strings.get(partner)
            if card is not None:
                strings.append(card)
    return strings


def review_owners(loaded: LoadedCampaign, language: str) -> tuple[str, tuple[str, ...]]:
    """The review deliverable for `language` and its owner; without one, the partners whose bundles hold it."""
    for item in loaded.campaign.deliverables:
        if item.kind == "review" and item.language == language:
            return item.id, (item.owner,)
    return f"review-{language}", tuple(loaded.campaign.partners_for(language))


def fix_commands(loaded: LoadedCampaign, language: str) -> tuple[str, ...]:
    folder = shlex.quote(str(loaded.folder))
    po = shlex.quote(f"{loaded.slug}.{language}.po")
    return (
        f"jointcampaign review export {folder} --lang {language} -o {po}",
        f"open {po} in a PO editor (Poedit), correct each string and clear its fuzzy mark",
        f"jointcampaign review import {folder} {po} --lang {language}",
        "run the campaign again: only what changed is made again",
    )


def translation_review(
    loaded: LoadedCampaign, outcome: RunOutcome, partner: str, languages: Sequence[str]
) -> dict[str, LanguageReview]:
    reviews = {}
    for language in languages:
        strings = bundle_strings(outcome, partner, language)
        unsure = {(item.where, item.source): item for item in strings if item.verdict.needs_review}
        deliverable, owners = review_owners(loaded, language)
        reviews[language] = LanguageReview(
            language=language,
            strings=status_counts(strings),
            unsure=tuple(unsure.values()),
            owners=owners,
            deliverable=deliverable,
            commands=fix_commands(loaded, language),
        )
    return reviews


def review_blockers(loaded: LoadedCampaign, reviews: Mapping[str, LanguageReview]) -> list[Blocker]:
    """One blocker per owner per language with strings that need review."""
    blockers = []
    for language, review in reviews.items():
        if not review.needs_review:
            continue
        for owner in review.owners:
            blockers.append(
                Blocker(
                    partner=owner,
                    deliverable=review.deliverable,
                    message=f"{review.needs_review} {language} string(s) need review: machine translations "
                    "the engine is not sure of (cuts showing them are drafts)",
                    fix=f"{loaded.partner_name(owner)}: {review.commands[0]}, correct the file, then "
                    f"{review.commands[2]}",
                )
            )
    return blockers


def needs_review_counts(outcome: RunOutcome, languages: Sequence[str]) -> dict[str, int]:
    """Per language, the distinct strings of the whole run (every partner's end card) that need review."""
    counts = {}
    for language in languages:
        strings = [item for copy in outcome.copies if copy.language == language for item in copy.strings]
        for subs in (s for s in outcome.subtitles if s.language == language):
            strings += [*subs.strings, *subs.end_card_strings.values()]
        counts[language] = len({(item.where, item.source) for item in strings if item.verdict.needs_review})
    return counts
