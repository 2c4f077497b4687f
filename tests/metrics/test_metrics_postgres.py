"""The portal counting clicks into a real PostgreSQL (a throwaway cluster), as several portal processes
would in production: real HTTP through /r/<id>, the database restarted under the running portal, the
portal restarted, and the numbers read back by `kpis show --json` from the same database."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from jointcampaign.metrics.links import link_id
from jointcampaign.pipeline.measure import load_for_measuring, publish_plan
from tests.conftest import DEMO_CAMPAIGN
from tests.helpers.browser import portal_server
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
