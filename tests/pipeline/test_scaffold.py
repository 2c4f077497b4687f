"""`jointcampaign new` writes a campaign.yaml a marketing lead can read, and that validates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from jointcampaign.pipeline.scaffold import SECTION_NOTES, scaffold_campaign
from jointcampaign.pipeline.validate import validate_campaign


def _new(tmp_path: Path) -> Path:
    (tmp_path / "assets").mkdir()
    folder = tmp_path / "campaigns" / "spring"
    scaffold_campaign(folder, ["corner-cafe", "rosas-flowers"], ["es", "vi"], dt.date(2026, 12, 1))
    return folder / "campaign.yaml"


def test_new_campaign_yaml_has_no_anchors_and_a_comment_above_each_section(tmp_path: Path) -> None:
    path = _new(tmp_path)
    text = path.read_text(encoding="utf-8")
    events = list(yaml.parse(text))
    assert not [e for e in events if isinstance(e, yaml.AliasEvent)]
    assert not [e for e in events if getattr(e, "anchor", None)]
    lines = text.splitlines()
    data = yaml.safe_load(text)
    for key in data:
        [at] = [i for i, line in enumerate(lines) if line.startswith(f"{key}:")]
        assert lines[at - 1].startswith("# "), f"no comment above {key}"
        assert lines[at - 1][2:] in SECTION_NOTES[key].splitlines()
    # Short lists of plain values sit on one line, as a person would write them.
    assert "languages: [es, vi]" in lines
    assert "  keep: [Corner Cafe, Rosas Flowers]" in lines
    # Every partner got its own list of languages, equal in value (no shared alias in the file).
    assert [p["languages"] for p in data["partners"]] == [["es", "vi"], ["es", "vi"]]
    assert data["split"]["cost"] == {"corner-cafe": 50, "rosas-flowers": 50}


def test_new_campaign_validates(tmp_path: Path) -> None:
    path = _new(tmp_path)
    report = validate_campaign(path.parent, lambda source, target: True)
    assert report.ok, "\n".join(p.render() for p in report.errors)
    # The video is not there yet: that is the video owner's blocker, not an error.
    assert [b.deliverable for b in report.blockers] == ["video"]
