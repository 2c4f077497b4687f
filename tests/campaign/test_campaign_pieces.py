"""Small core pieces: YAML positions, Markdown framing, tracked links, the brief's health table."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from jointcampaign.campaign.load import load_campaign
from jointcampaign.campaign.yaml_source import load_yaml
from jointcampaign.errors import UserInputError
from jointcampaign.pipeline.documents.brief import partnership_health, render_brief
from jointcampaign.pipeline.documents.links import tracked_link


def test_yaml_lines_point_at_keys(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("a: 1\nb:\n  - x: 2\n    y: [1, 2]\n  - 3\n", encoding="utf-8")
    doc = load_yaml(path)
    assert doc.data == {"a": 1, "b": [{"x": 2, "y": [1, 2]}, 3]}
    assert doc.line_of(("b",)) == 2
    assert doc.line_of(("b", 0, "y")) == 4
    assert doc.line_of(("b", 1)) == 5
    assert doc.line_of(("b", 0, "missing-field")) == 3


def test_duplicate_keys_are_an_error(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("title: a\ntitle: b\n", encoding="utf-8")
    with pytest.raises(UserInputError) as caught:
        load_yaml(path)
    assert caught.value.problems[0].line == 2
    assert "appears twice" in caught.value.problems[0].message


def test_tracked_link_keeps_existing_query() -> None:
    link = tracked_link("https://shop.example/p?ref=1", "spring", "corner-cafe", "vi", "9:16")
    assert link == (
        "https://shop.example/p?ref=1&utm_source=corner-cafe&utm_medium=referral&utm_campaign=spring"
        "&utm_content=vi-9x16"
    )


def test_health_table_of_the_demo(campaign_copy: Path) -> None:
    loaded, problems = load_campaign(campaign_copy)
    assert not problems
    health = {h.name: h for h in partnership_health(loaded, dt.date(2026, 11, 25))}
    assert all(h.ok for h in health.values()), {k: h.reason for k, h in health.items()}
    late = {h.name: h for h in partnership_health(loaded, dt.date(2026, 12, 28))}
    assert not late["Room to renew"].ok


def test_health_flags_missing_rights(campaign_copy: Path) -> None:
    yaml_path = campaign_copy / "campaign.yaml"
    text = yaml_path.read_text(encoding="utf-8")
    yaml_path.write_text(
        text.replace("  - asset: post\n    owner: corner-cafe\n    licence: CC BY 4.0\n", ""),
        encoding="utf-8",
    )
    loaded, _ = load_campaign(campaign_copy)
    health = {h.name: h for h in partnership_health(loaded, dt.date(2026, 11, 25))}
    assert not health["Rights defined"].ok
    assert health["Rights defined"].reason == "no rights entry for: post"


def test_brief_escapes_and_lists_both_offers(campaign_copy: Path) -> None:
    loaded, _ = load_campaign(campaign_copy)
    html = render_brief(loaded, "rosas-flowers", [], dt.date(2026, 11, 25))
    assert "Rosa&#x27;s Flowers" in html and "Rosa's Flowers" not in html
    assert "CAFE10" in html and "BLOOM10" in html
    assert "utm_campaign=demo-cafe-florist" in html


def test_brief_badge_says_who_is_still_to_review_not_that_it_was_reviewed(campaign_copy: Path) -> None:
    from jointcampaign.pipeline.documents.translation import LanguageReview

    loaded, _ = load_campaign(campaign_copy)
    unsure = LanguageReview("vi", {"confident": 2, "needs_review": 3}, owners=("corner-cafe", "rosas-flowers"))
    html = render_brief(loaded, "corner-cafe", [], dt.date(2026, 11, 25), {"vi": unsure})
    assert "3 string(s), to be reviewed by Corner Café and Rosa&#x27;s Flowers" in html
    assert "string(s), reviewed by" not in html
