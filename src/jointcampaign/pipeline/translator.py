"""What a campaign protects and what its reviewers corrected, wired around a translation engine."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from jointcampaign.campaign.load import LoadedCampaign
from jointcampaign.translate.localizing import LocalizingTranslator
from jointcampaign.translate.memory import shared_memory
from jointcampaign.translate.protocol import TranslationBatch, Translator
from jointcampaign.translate.review import ReviewStore, review_file
from jointcampaign.translate.spans.protect import ProtectionRules


def brand_terms(loaded: LoadedCampaign) -> list[str]:
    """Every partner's display name and brand-kit name: never translated."""
    names = [loaded.partner_name(partner) for partner in loaded.campaign.partner_ids]
    names += [kit.kit.name for kit in loaded.brand_kits.values()]
    return list(dict.fromkeys(names))


def offer_codes(loaded: LoadedCampaign) -> list[str]:
    """Every code a customer may be shown (each offer's own and its per-language/placement ones)."""
    return [code for offer in loaded.campaign.offers for code in (offer.code, *(c.code for c in offer.codes))]


def review_files(loaded: LoadedCampaign, language: str) -> list[Path]:
    """review/<lang>.po, then any review deliverable for the language that is a PO file."""
    files = [review_file(loaded.folder, language)]
    for item in loaded.campaign.deliverables:
        if (
            item.kind == "review"
            and item.language == language
            and item.source
            and item.source.endswith(".po")
        ):
            files.append(loaded.folder / item.source)
    return list(dict.fromkeys(files))


def protection_rules(loaded: LoadedCampaign, language: str) -> ProtectionRules:
    return bare_translator(loaded).rules_for(language)


def bare_translator(loaded: LoadedCampaign, engine: Translator | None = None) -> LocalizingTranslator:
    """The campaign's protections without memory or reviews (for checking reviewed files)."""
    return LocalizingTranslator(
        engine or _NoEngine(),
        glossary=loaded.campaign.glossary,
        brand_terms=brand_terms(loaded),
        offer_codes=offer_codes(loaded),
    )


def build_campaign_translator(
    loaded: LoadedCampaign, engine: Translator, memory_path: Path | None = None, fallback: Translator | None = None
) -> LocalizingTranslator:
    """The translator a campaign's copy and subtitles go through.

    Raises UserInputError when a review file is invalid (it names the file, entry line and fix).
    """
    bare = bare_translator(loaded)
    files = {language: review_files(loaded, language) for language in loaded.campaign.languages}
    return LocalizingTranslator(
        engine,
        glossary=loaded.campaign.glossary,
        brand_terms=brand_terms(loaded),
        offer_codes=offer_codes(loaded),
        memory=shared_memory(memory_path) if memory_path is not None else None,
        overrides=ReviewStore.load(files, bare.rules_for),
        fallback=fallback,
    )


class _NoEngine:
    name = "none"

    def version(self, source: str, target: str) -> str:
        return "none"

    def translate_batch(self, texts: Sequence[str], source: str, target: str) -> TranslationBatch:
        raise RuntimeError("this translator only checks protected spans; it has no engine")
