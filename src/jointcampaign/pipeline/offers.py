"""What a partner's end card says: the offer its own audience gets at the other partner.

The café's bundle speaks to café customers, so its end card carries the offer for customers of
the café (honoured by the flower shop), and its QR code opens the honouring partner's page,
tagged with the café as the referral source.
"""

from __future__ import annotations

from jointcampaign.campaign.load import LoadedCampaign
from jointcampaign.campaign.models import Offer
from jointcampaign.pipeline.measure import link_for
from jointcampaign.render.request import DEFAULT_END_CARD_S, EndCard
from jointcampaign.translate.protocol import Translator
from jointcampaign.translate.status import UNCHANGED, UNCHECKED, TranslatedString

END_CARD = "end-card"  # the placement of the code an end card shows


def audience_offer(loaded: LoadedCampaign, partner: str) -> Offer | None:
    """The first offer for customers of `partner`, if the campaign has one."""
    return next((o for o in loaded.campaign.offers if o.for_customers_of == partner), None)


def offer_line(loaded: LoadedCampaign, partner: str, language: str | None = None) -> str | None:
    """The end card's sentence in the campaign's source language (English in the demo), with the
    code the offer lists for `language` on end cards, if any (so the till says where the sale came from)."""
    offer = audience_offer(loaded, partner)
    if offer is None:
        return None
    where = loaded.partner_name(offer.honoured_by)
    code = offer.code_for(language, END_CARD) if language else offer.code
    return f"Show this at {where}: {offer.discount} off with code {code}."


def translated_offer_line(
    loaded: LoadedCampaign, partner: str, language: str, translator: Translator
) -> str | None:
    """The sentence in `language`, through the same translator (glossary, memory) as the copy."""
    translated = translated_offer(loaded, partner, language, translator)
    return translated.text if translated is not None else None


def translated_offer(
    loaded: LoadedCampaign, partner: str, language: str, translator: Translator
) -> TranslatedString | None:
    """The sentence in `language` with its status (a bare engine's output counts as unchecked)."""
    line = offer_line(loaded, partner, language)
    source = loaded.campaign.source_language
    if line is None:
        return None
    where = f"end-card:{partner}"
    if language == source:
        return TranslatedString(where, line, line, UNCHANGED)
    batch = translator.translate_batch([line], source, language)
    verdict = batch.statuses[0] if batch.statuses else UNCHECKED
    return TranslatedString(where, line, batch.texts[0], verdict)


def end_card_for(
    loaded: LoadedCampaign,
    partner: str,
    language: str,
    aspect: str,
    offer_text: str | None,
    *,
    seconds: float = DEFAULT_END_CARD_S,
    portal_url: str | None = None,
) -> EndCard:
    """The card for one cut; `offer_text` None falls back to the source-language sentence.

    With a portal URL the QR code opens the portal's counting redirect for this partner, language
    and cut; without one it opens the destination's page directly (with UTM parameters)."""
    offer = audience_offer(loaded, partner)
    colours = loaded.brand_kits[partner].kit.colours
    return EndCard(
        seconds=seconds,
        offer=offer_text if offer_text is not None else offer_line(loaded, partner, language),
        code=offer.code_for(language, END_CARD) if offer else None,
        link=link_for(loaded, partner, language, aspect, END_CARD, portal_url),
        background=colours.primary,
        accent=colours.secondary,
    )
