"""The portal's campaign list shows, per language, that translations need review and who reviews them."""

from __future__ import annotations

from pathlib import Path

from jointcampaign.portal.catalog import Bundle
from jointcampaign.portal.pages import Pages


def bundle(translation: dict[str, object]) -> Bundle:
    manifest = {
        "campaign": {"slug": "spring", "title": "Spring"},
        "partner": {"id": "cafe", "name": "Café Lumen"},
        "partners": [{"id": "cafe", "name": "Café Lumen"}, {"id": "florist", "name": "Flora <Blumen>"}],
        "languages": ["es", "vi"],
        "approvals": {"cafe": {"approved": True}, "florist": {"approved": True}},
        "translation": translation,
    }
    return Bundle("spring", "cafe", Path("/nowhere"), Path("/nowhere.zip"), manifest, {})


def test_a_language_with_unreviewed_strings_gets_a_badge_naming_its_reviewers() -> None:
    page = Pages().campaigns("Café Lumen", [bundle({
        "es": {"strings": {"confident": 9, "needs_review": 0}, "needs_review": 0, "owners": ["cafe"]},
        "vi": {"strings": {"confident": 4, "needs_review": 3}, "needs_review": 3, "owners": ["cafe", "florist"]},
    })])  # fmt: skip
    assert 'data-language="vi">vi: needs review' in page and "(3 strings)" in page
    assert "Café Lumen and Flora &lt;Blumen&gt;" in page  # names, escaped
    assert 'data-language="es"' not in page


def test_no_badge_when_everything_is_reviewed_or_the_manifest_is_older() -> None:
    clean = {"es": {"strings": {"reviewed": 9}, "needs_review": 0, "owners": ["cafe"]}}
    assert "needs review" not in Pages().campaigns("Café Lumen", [bundle(clean)])
    assert "needs review" not in Pages().campaigns("Café Lumen", [bundle({})])
