"""The nightly pass: which folders are campaigns, and the record of each one's last successful run."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from jointcampaign.pipeline import nightly
from jointcampaign.pipeline.nightly import NightlyEntry

NOW = dt.datetime(2026, 11, 25, 2, 0, tzinfo=dt.UTC)


def test_campaign_folders_are_those_with_a_campaign_file(tmp_path: Path) -> None:
    for name in ("spring", "autumn", ".hidden", "notes"):
        (tmp_path / name).mkdir()
    for name in ("spring", "autumn", ".hidden"):
        (tmp_path / name / "campaign.yaml").write_text("title: x\n", encoding="utf-8")
    (tmp_path / "README.md").write_text("not a campaign", encoding="utf-8")
    assert [p.name for p in nightly.discover_campaigns(tmp_path)] == ["autumn", "spring"]
    assert nightly.discover_campaigns(tmp_path / "missing") == []


def test_last_success_round_trip(tmp_path: Path) -> None:
    out = tmp_path / "out" / "spring"
    assert nightly.last_success(out) is None
    nightly.record_success(out, "abc123", NOW)
    assert nightly.last_success(out) == "abc123"
    nightly.record_success(out, "def456", NOW)
    assert nightly.last_success(out) == "def456"


def test_a_damaged_state_file_means_run_again(tmp_path: Path) -> None:
    nightly.state_file(tmp_path).write_text("{not json", encoding="utf-8")
    assert nightly.last_success(tmp_path) is None
    nightly.state_file(tmp_path).write_text('{"fingerprint": 7}', encoding="utf-8")
    assert nightly.last_success(tmp_path) is None


def test_counts_and_rows() -> None:
    entries = [NightlyEntry("a", "rendered", "rebuilt 3 step(s)", 12.34), NightlyEntry("b", "skipped", "unchanged"),
               NightlyEntry("c", "failed", "invalid")]
    assert nightly.nightly_counts(entries) == "1 rendered · 1 skipped · 0 partial · 1 failed"
    assert entries[0].as_row() == {"campaign": "a", "outcome": "rendered", "detail": "rebuilt 3 step(s)",
                                   "seconds": "12.3"}
