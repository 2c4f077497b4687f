from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from jointcampaign.campaign.load import load_campaign
from jointcampaign.pipeline.offers import end_card_for, offer_line, translated_offer_line
from jointcampaign.translate.protocol import TranslationBatch
from tests.conftest import DEMO_CAMPAIGN


class _Unused:
    """The source language needs no translation: any call would be a bug."""

    name = "unused"

    def version(self, source: str, target: str) -> str:
        raise AssertionError("no translation expected")

    def translate_batch(self, texts: object, source: str, target: str) -> TranslationBatch:
        raise AssertionError("no translation expected")


def test_each_audience_gets_the_offer_honoured_by_the_other_partner() -> None:
    loaded, _ = load_campaign(DEMO_CAMPAIGN)
    assert offer_line(loaded, "corner-cafe") == "Show this at Rosa's Flowers: 10% off with code CAFE10."
    assert offer_line(loaded, "rosas-flowers") == "Show this at Corner Café: 10% off with code BLOOM10."
    assert translated_offer_line(loaded, "corner-cafe", "en", _Unused()) == offer_line(loaded, "corner-cafe")


def test_end_card_links_to_the_honouring_partner_tagged_with_the_audience(tmp_path: Path) -> None:
    loaded, _ = load_campaign(DEMO_CAMPAIGN)
    card = end_card_for(loaded, "corner-cafe", "ar", "9:16", "اعرض هذا", seconds=4)
    assert (card.offer, card.code, card.seconds) == ("اعرض هذا", "CAFE10", 4)
    assert card.link is not None and card.link.startswith("https://rosasflowers.example/maple?")
    query = parse_qs(urlsplit(card.link).query)
    assert query["utm_source"] == ["corner-cafe"] and query["utm_content"] == ["ar-9x16"]
    assert (card.background, card.accent) == ("#6F4E37", "#F3E5D8")
    assert end_card_for(loaded, "corner-cafe", "es", "16:9", None).offer == offer_line(loaded, "corner-cafe")
