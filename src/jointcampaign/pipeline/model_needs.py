"""Which translation models a campaign needs, and where each comes from: installed already, from a
package index (directly, or through English when the index has no direct pair), or nowhere.

`models install --for CAMPAIGN` prints this plan, installs what it can and reports the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from jointcampaign.campaign.load import LoadedCampaign
from jointcampaign.settings import Settings
from jointcampaign.translate.languages import to_argos_code
from jointcampaign.translate.models.index import IndexEntry, find_entry
from jointcampaign.translate.models.store import PIVOT, InstalledModel, active_models

Pair = tuple[str, str]  # Argos codes


@dataclass(frozen=True)
class LanguageNeed:
    """What one campaign language needs. `route` is empty for the source language itself."""

    language: str  # the campaign's tag, e.g. pt-BR
    route: tuple[Pair, ...] = ()  # the pairs it is translated through, in order
    installed: dict[Pair, InstalledModel] = field(default_factory=dict)
    to_install: dict[Pair, IndexEntry] = field(default_factory=dict)
    missing: tuple[Pair, ...] = ()  # pairs neither installed nor in the index
    engine: str = "argos"

    @property
    def pivots(self) -> bool:
        return len(self.route) == 2

    @property
    def covered(self) -> bool:
        return not self.missing


def campaign_needs(
    loaded: LoadedCampaign, settings: Settings, entries: list[IndexEntry]
) -> list[LanguageNeed]:
    """For each campaign language, the models that would translate it (the direct pair when it is
    installed or in the index, else the pair through English), and which of them are missing."""
    source = loaded.campaign.source_language
    active = active_models(settings.model_shelf)
    needs = []
    for language in loaded.campaign.languages:
        if settings.engine_for(language) != "argos":
            needs.append(LanguageNeed(language=language, engine=settings.engine_for(language)))
            continue
        needs.append(_need(language, to_argos_code(source), to_argos_code(language), active, entries))
    return needs


def _need(
    language: str, source: str, target: str, active: dict[Pair, InstalledModel], entries: list[IndexEntry]
) -> LanguageNeed:
    if source == target:
        return LanguageNeed(language=language)
    routes: list[tuple[Pair, ...]] = [((source, target),)]
    if PIVOT not in (source, target):
        routes.append(((source, PIVOT), (PIVOT, target)))

    def available(pair: Pair) -> bool:
        return pair in active or find_entry(entries, *pair) is not None

    # The first route whose every pair is at hand; else the one missing least, direct first.
    chosen = next((route for route in routes if all(map(available, route))), None)
    if chosen is None:
        chosen = min(routes, key=lambda route: sum(not available(pair) for pair in route))
    installed = {pair: active[pair] for pair in chosen if pair in active}
    to_install = {}
    for pair in chosen:
        entry = find_entry(entries, *pair)
        if pair not in installed and entry is not None:
            to_install[pair] = entry
    missing = tuple(pair for pair in chosen if pair not in installed and pair not in to_install)
    return LanguageNeed(
        language=language, route=chosen, installed=installed, to_install=to_install, missing=missing
    )


def describe_route(need: LanguageNeed) -> str:
    return " then ".join(f"{a}→{b}" for a, b in need.route)
