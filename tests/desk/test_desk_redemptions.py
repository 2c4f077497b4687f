"""The lead's page takes a till's export too: counted against the latest submitted campaign, all or nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from jointcampaign.desk.app import create_portal_with_desk
from jointcampaign.desk.service import DeskConfig
from jointcampaign.metrics.store import MetricsStore
from jointcampaign.pipeline.measure import load_for_measuring
from jointcampaign.pipeline.submission import snapshot_campaign
from tests.conftest import DEMO_CAMPAIGN
from tests.desk.test_desk_uploads import LIMITS

SLUG = DEMO_CAMPAIGN.name
EXPORT = b"Date;Receipt;Promo Code\n2026-12-01;R-1;CAFE10\n02.12.2026;R-2;bloom10\n;R-3;\n"


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[tuple[TestClient, Path]]:
    config = DeskConfig(root=tmp_path / "desk", submissions_dir=tmp_path / "submissions",
                        assets_dir=tmp_path / "assets", limits=LIMITS, has_model=lambda source, target: True)  # fmt: skip
    (tmp_path / "out").mkdir()
    db = tmp_path / "portal.sqlite3"
    app = create_portal_with_desk(tmp_path / "out", db, config)
    token = app.state.desk.leads.create("ana", [SLUG], timedelta(hours=1)).token
    client = TestClient(app)
    client.headers["Authorization"] = f"Bearer {token}"
    yield client, db
    app.state.desk.runner.stop()


def submit_demo(client: TestClient, tmp_path: Path) -> None:
    snapshot = snapshot_campaign(load_for_measuring(DEMO_CAMPAIGN), tmp_path / "submissions", dt.datetime.now(dt.UTC))
    client.app.state.desk.submissions.add(  # type: ignore[attr-defined]
        campaign=SLUG, lead="ana", token_id="t", source_hash=snapshot.source_hash, snapshot=snapshot.root,
        runner="local",
    )  # fmt: skip


def post(client: TestClient, data: bytes, slug: str = SLUG) -> object:
    return client.post(f"/desk/campaigns/{slug}/redemptions", files={"file": ("till.csv", data, "text/csv")})


def test_a_lead_imports_an_export_once_and_a_bad_one_is_refused_whole(
    desk: tuple[TestClient, Path], tmp_path: Path
) -> None:
    client, db = desk
    before = post(client, EXPORT)
    assert before.status_code == 409 and "Submit the campaign first" in before.text  # type: ignore[attr-defined]
    submit_demo(client, tmp_path)
    page = client.get(f"/desk/campaigns/{SLUG}")
    assert 'action="/desk/campaigns/demo-cafe-florist/redemptions"' in page.text
    first = post(client, EXPORT)
    assert first.status_code == 200  # type: ignore[attr-defined]
    assert "Imported 2 redemption(s) from till.csv; 0 already counted; 1 sale(s)" in first.text  # type: ignore[attr-defined]
    again = post(client, EXPORT)
    assert "Imported 0 redemption(s)" in again.text  # type: ignore[attr-defined]
    bad = post(client, b"Date,Code\n2026-12-03,CAFE10\n2026-12-03,NOPE\n")
    assert bad.status_code == 422  # type: ignore[attr-defined]
    assert "till.csv:3: unknown offer code &#39;NOPE&#39;" in bad.text  # type: ignore[attr-defined]
    assert sorted(r.code for r in MetricsStore(db).redemptions(SLUG)) == ["BLOOM10", "CAFE10"]
    assert post(client, EXPORT, slug="someone-else").status_code == 404  # type: ignore[attr-defined]
