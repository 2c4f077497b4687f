"""A submitted campaign is frozen: later edits to the folder or its brand kits do not reach the run."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from jointcampaign.pipeline.submission import RECORD_FILE, snapshot_campaign
from jointcampaign.pipeline.validate import validate_campaign

NOW = dt.datetime(2026, 11, 25, 9, 30, tzinfo=dt.UTC)


def all_models(source: str, target: str) -> bool:
    return True


def test_snapshot_is_a_valid_campaign_with_its_brand_kits(campaign_copy: Path, tmp_path: Path) -> None:
    loaded = validate_campaign(campaign_copy, all_models).require_ok()
    snapshot = snapshot_campaign(loaded, tmp_path / "submissions", NOW)
    assert snapshot.campaign_dir.name == campaign_copy.name
    assert snapshot.root.name.startswith(f"{campaign_copy.name}-20261125T093000Z-")
    assert sorted(p.name for p in (snapshot.root / "assets" / "partners").iterdir()) == [
        "corner-cafe", "rosas-flowers"]
    frozen = validate_campaign(snapshot.campaign_dir, all_models)
    assert frozen.ok, [p.render() for p in frozen.errors]
    assert frozen.loaded is not None
    assert frozen.loaded.brand_kits["corner-cafe"].folder == snapshot.root / "assets/partners/corner-cafe"
    record = json.loads((snapshot.root / RECORD_FILE).read_text(encoding="utf-8"))
    assert record["source_hash"] == snapshot.source_hash
    assert record["source"] == str(campaign_copy.resolve())


def test_later_edits_do_not_change_the_snapshot(campaign_copy: Path, tmp_path: Path) -> None:
    loaded = validate_campaign(campaign_copy, all_models).require_ok()
    snapshot = snapshot_campaign(loaded, tmp_path / "submissions", NOW)
    frozen_post = (snapshot.campaign_dir / "copy" / "post.md").read_bytes()
    (campaign_copy / "copy" / "post.md").write_text("# Rewritten after submitting\n", encoding="utf-8")
    (campaign_copy.parents[1] / "assets/partners/corner-cafe/logo.png").write_bytes(b"not a png")
    assert (snapshot.campaign_dir / "copy" / "post.md").read_bytes() == frozen_post
    assert validate_campaign(snapshot.campaign_dir, all_models).ok


def test_two_submissions_of_one_folder_are_kept_apart(campaign_copy: Path, tmp_path: Path) -> None:
    loaded = validate_campaign(campaign_copy, all_models).require_ok()
    first = snapshot_campaign(loaded, tmp_path / "submissions", NOW)
    second = snapshot_campaign(loaded, tmp_path / "submissions", NOW)
    assert first.root != second.root
    assert not [p for p in (tmp_path / "submissions").iterdir() if p.name.startswith(".")]  # no staging left
