"""The nightly flow on a real Prefect API (test harness): an unchanged campaign is not rendered again,
but its KPI summary is refreshed and a KPI behind pace becomes a blocker for its owner."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


@pytest.fixture
def harness(demo_home: Path, tmp_path: Path) -> Iterator[Path]:
    from prefect.testing.utilities import prefect_test_harness

    home = tmp_path / "home"
    home.mkdir()
    (home / "models").symlink_to(demo_home / "models", target_is_directory=True)
    db = tmp_path / "portal.sqlite3"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JOINTCAMPAIGN_HOME", str(home))
        patch.setenv("JOINTCAMPAIGN_PORTAL_DB", str(db))
        with prefect_test_harness(server_startup_timeout=120):
            yield db


def test_nightly_refreshes_kpis_and_blocks_the_owner_of_a_kpi_behind_pace(
    harness: Path, campaign_copy: Path, tmp_path: Path
) -> None:
    from jointcampaign.flows.nightly_render import nightly_render
    from jointcampaign.metrics.pos_csv import read_redemptions
    from jointcampaign.metrics.store import MetricsStore
    from jointcampaign.pipeline import measure, nightly
    from jointcampaign.pipeline.fingerprint import campaign_fingerprint
    from jointcampaign.settings import Settings

    db, out = harness, tmp_path / "out"
    today = dt.date.today()
    export = tmp_path / "till.csv"
    export.write_text(f"Date,Code\n{today.isoformat()},BLOOM10\n", encoding="utf-8")
    loaded = measure.load_for_measuring(campaign_copy)
    MetricsStore(db).add_redemptions(loaded.slug, "till.csv", read_redemptions(export, ["BLOOM10"]).redemptions, 0)
    # as if last night's run had made everything from these very inputs and numbers
    fingerprint = campaign_fingerprint(loaded, Settings.from_env()) + ":" + measure.kpi_digest(loaded, db, today)
    nightly.record_success(out / loaded.slug, fingerprint, dt.datetime.now(dt.UTC))

    entries = nightly_render(campaigns_dir=campaign_copy.parent, out_dir=out)
    assert [(e.campaign, e.outcome) for e in entries] == [(loaded.slug, "skipped")]
    summary = json.loads((out / loaded.slug / "kpis.json").read_text(encoding="utf-8"))
    assert [k["value"] for k in summary["kpis"]] == [0, 1, 0]
    behind = {(b["partner"], b["deliverable"]) for b in summary["blockers"]}
    # measured from 2026-11-25: weeks in, 0 of 40, 1 of 60 and 0 of 300 are all far behind pace
    assert today >= dt.date(2026, 12, 7)
    assert behind == {("rosas-flowers", "kpi:0"), ("corner-cafe", "kpi:1"), ("corner-cafe", "kpi:2")}
    assert "3 KPI blocker(s)" in entries[0].detail
    assert all(b["message"] and b["fix"] for b in summary["blockers"])

    # a new redemption changes what the briefs would show: the next night is not skipped for it
    assert measure.kpi_digest(loaded, db, today) == fingerprint.split(":", 1)[1]
    more = tmp_path / "more.csv"
    more.write_text(f"Date,Code\n{today.isoformat()},CAFE10\n", encoding="utf-8")
    MetricsStore(db).add_redemptions(loaded.slug, "more.csv", read_redemptions(more, ["CAFE10"]).redemptions, 0)
    assert measure.kpi_digest(loaded, db, today) != fingerprint.split(":", 1)[1]
