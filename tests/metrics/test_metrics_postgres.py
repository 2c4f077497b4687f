"""The portal counting clicks into a real PostgreSQL (a throwaway cluster), as several portal processes
would in production: real HTTP through /r/<id>, the database restarted under the running portal, the
portal restarted, and the numbers read back by `kpis show --json` from the same database."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from jointcampaign.bundle.bag import BagInfo, build_bundle, read_payload_manifest
from jointcampaign.metrics.links import link_id
from jointcampaign.pipeline.bundle_stage import stage_payload
from jointcampaign.pipeline.measure import load_for_measuring, publish_plan
from jointcampaign.pipeline.output_paths import OutputLayout
from jointcampaign.pipeline.results import RunOutcome
from tests.conftest import DEMO_CAMPAIGN
from tests.helpers.browser import chromium, cli, portal_server
from tests.helpers.pg_cluster import Cluster, throwaway_cluster
from tests.metrics.test_kpis_portal import PHONE, request

pytestmark = pytest.mark.slow

SLUG = "demo-cafe-florist"


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    with throwaway_cluster() as running:
        running.createdb("portal_metrics")
        yield running


def test_clicks_reach_postgres_through_restarts_of_the_database_and_the_portal(
    cluster: Cluster, tmp_path: Path
) -> None:
    out, db = tmp_path / "out", tmp_path / "portal.sqlite3"
    publish_plan(load_for_measuring(DEMO_CAMPAIGN), out / SLUG)
    url = cluster.url("portal_metrics")
    to_cafe = link_id(SLUG, "rosas-flowers", "hi", "16:9", "end-card")  # opens the café's page
    to_florist = link_id(SLUG, "corner-cafe", "es", "text", "post")

    def click(base: str, ident: str) -> None:
        status, location = request(base, f"/r/{ident}", agent=PHONE)
        assert status == 302 and location and location.startswith("https://"), (status, location)

    with portal_server(out, db, tmp_path / "portal-1.log", "--metrics-db", url) as base:
        for ident in (to_cafe, to_cafe, to_florist):
            click(base, ident)
        assert request(base, "/r/aaaaaaaaaaaa")[0] == 404
        cluster.restart()  # the database goes away under the running portal and comes back
        click(base, to_cafe)
    with portal_server(out, db, tmp_path / "portal-2.log", "--metrics-db", url) as base:  # a new portal process
        click(base, to_cafe)

    assert cluster.psql("portal_metrics", "select link_id, count(*) from clicks group by link_id order by 2") == (
        f"{to_florist}|1\n{to_cafe}|4")  # fmt: skip
    with sqlite3.connect(db) as conn:  # tokens and audit stay in the SQLite file; no click went there
        tables = {row[0] for row in conn.execute("select name from sqlite_master where type = 'table'")}
    conn.close()
    assert "clicks" not in tables

    env = {**os.environ, "JOINTCAMPAIGN_METRICS_DB": url, "NO_COLOR": "1"}
    shown = subprocess.run([sys.executable, "-m", "jointcampaign.cli", "kpis", "show", str(DEMO_CAMPAIGN), "--json"],
                           capture_output=True, text=True, env=env, timeout=120)  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    clicks = next(k for k in json.loads(shown.stdout)["kpis"] if k["measured_by"] == "link_clicks")
    assert (clicks["value"], clicks["by_language"], clicks["by_placement"]) == (4, {"hi": 4}, {"end-card": 4})


def test_with_the_database_down_customers_still_reach_the_partner_and_partners_their_bundle(
    cluster: Cluster, tmp_path: Path
) -> None:
    out, db = tmp_path / "out", tmp_path / "portal.sqlite3"
    loaded = load_for_measuring(DEMO_CAMPAIGN)
    publish_plan(loaded, out / SLUG)
    layout = OutputLayout(out, SLUG)
    for partner in loaded.campaign.partner_ids:
        payload = stage_payload(loaded, layout, partner, loaded.campaign.languages_for(partner), RunOutcome(), [],
                                dt.date.today())  # fmt: skip
        info = BagInfo.from_manifest(read_payload_manifest(payload), 1_795_132_800)
        build_bundle(payload, layout.bag_dir(partner), layout.zip_file(partner), info)
    cluster.createdb("portal_outage")
    url = cluster.url("portal_outage")
    to_cafe = link_id(SLUG, "rosas-flowers", "hi", "16:9", "end-card")
    log = tmp_path / "portal.log"

    with portal_server(out, db, log, "--metrics-db", url) as base, chromium() as browser:
        link = cli("token", "create", "corner-cafe", "--campaign", SLUG, "--db", str(db), "--out", str(out),
                   "--base-url", base).stdout.strip()  # fmt: skip
        page = browser.new_page()
        expected_target = request(base, f"/r/{to_cafe}", agent=PHONE)[1]
        assert expected_target and expected_target.startswith("https://")
        cluster.stop()
        try:
            assert request(base, f"/r/{to_cafe}", agent=PHONE) == (302, expected_target)  # not counted, still sent on
            page.goto(link)
            assert page.evaluate("location.pathname") == f"/campaigns/{SLUG}"
            assert "The results cannot be counted right now" in page.inner_text("#results")
            assert page.locator("a[href$='bundle.zip']").count() >= 1  # the bundle is still there to download
            plot = page.request.get(f"{base}/campaigns/{SLUG}/kpis/by-language.svg")
            assert plot.status == 503 and "Try again in a few minutes" in plot.text()
        finally:
            cluster.start()
        assert request(base, f"/r/{to_cafe}", agent=PHONE) == (302, expected_target)
        page.reload()
        assert page.locator("#results table.kpis").count() == 1
    # the click during the outage went uncounted and was logged; the ones before and after were counted
    assert cluster.psql("portal_outage", "select count(*) from clicks") == "2"
    logged = log.read_text()
    assert f"click on {to_cafe} not counted" in logged and "Traceback" not in logged
