"""The end card's sentence goes through the real demo translation models, like the copy."""

from __future__ import annotations

from pathlib import Path

import pytest

from jointcampaign.campaign.load import load_campaign
from jointcampaign.pipeline.offers import offer_line, translated_offer_line
from jointcampaign.translate.engines.argos import ArgosTranslator
from tests.conftest import DEMO_CAMPAIGN
from tests.helpers.video import demo_translation

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("partner", ["corner-cafe", "rosas-flowers"])
def test_offer_line_is_translated_for_every_demo_language(demo_models_dir: Path, partner: str) -> None:
    loaded, _ = load_campaign(DEMO_CAMPAIGN)
    translator = ArgosTranslator(demo_models_dir, threads=2, beam_size=1)
    english = offer_line(loaded, partner)
    assert english is not None
    for language in loaded.campaign.languages:
        assert translated_offer_line(loaded, partner, language, translator) == demo_translation(english, language)
