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


def test_a_draft_cut_says_so_beside_its_player_and_burned_in_subtitles_are_not_shown_twice() -> None:
    from jointcampaign.portal.catalog import PayloadFile

    files = {
        rel: PayloadFile(rel, "0" * 64, 10)
        for rel in ["video/es/16x9.mp4", "video/vi/16x9.mp4", "subtitles/es.vtt", "subtitles/vi.vtt"]
    }
    cuts = [
        {"language": "es", "aspect": "16:9", "path": "video/es/16x9.mp4", "draft": False},
        {"language": "vi", "aspect": "16:9", "path": "video/vi/16x9.mp4", "draft": True},
    ]
    translation = {"vi": {"strings": {"needs_review": 3}, "needs_review": 3, "owners": ["cafe"]}}
    base = bundle(translation)
    page = Pages().campaign(Bundle("spring", "cafe", Path("/nowhere"), Path("/nowhere.zip"),
                                   {**base.manifest, "cuts": cuts}, files), None)  # fmt: skip
    captions = page.split("<figcaption>")[1:]
    assert len(captions) == 2
    assert "draft" not in captions[0].split("</figcaption>")[0].lower()
    assert "DRAFT – translation not reviewed" in captions[1].split("</figcaption>")[0]
    # The cuts carry their own language's subtitles burned in: a default track would show them twice.
    assert "<track" in page and " default>" not in page
