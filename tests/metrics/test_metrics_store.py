"""The click/redemption store through SQLAlchemy Core, run the same way on SQLite (fast) and on a real
throwaway PostgreSQL cluster (slow; skipped, saying why, where the postgresql binaries are absent)."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import sqlite3
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jointcampaign.cli.app import app
from jointcampaign.errors import UserInputError
from jointcampaign.metrics.links import link_id
from jointcampaign.metrics.store import MetricsStore, Redemption, database_url, store_exists
from tests.conftest import DEMO_CAMPAIGN
from tests.helpers.pg_cluster import Cluster, throwaway_cluster

_numbers = itertools.count()


@pytest.fixture(scope="session")
def cluster() -> Iterator[Cluster]:
    with throwaway_cluster() as running:
        yield running


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
def where(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty metrics database: a SQLite path, or a new database in the throwaway cluster."""
    if request.param == "sqlite":
        return str(tmp_path / "portal.sqlite3")
    running: Cluster = request.getfixturevalue("cluster")
    name = f"metrics_{next(_numbers)}"
    running.createdb(name)
    return running.url(name)


def redemption(n: int, code: str = "CAFE10", day: dt.date = dt.date(2026, 12, 1)) -> Redemption:
    return Redemption(f"{n:064x}", code, day, n + 2)


def test_clicks_and_redemptions_round_trip_and_outlive_the_process(where: str) -> None:
    noon = dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC).timestamp()
    with MetricsStore(where) as store:
        # the portal serves from threads: concurrent inserts all land
        with ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(lambda n: store.record_click("demo", f"link{n % 3:08d}", "mobile", noon + n), range(40)))
        store.record_click("other", "linkxxxxxxxx", "desktop", noon)
        first = store.add_redemptions("demo", "till.csv", [redemption(1), redemption(2, "BLOOM10")], noon)
        again = store.add_redemptions("demo", "till.csv", [redemption(1), redemption(3)], noon)
    assert (first.added, first.already_imported, again.added, again.already_imported) == (2, 0, 1, 1)
    with MetricsStore(where) as reopened:  # a portal restart: nothing lost, nothing doubled
        if where.startswith("postgresql"):
            import psycopg  # the pinned driver: postgresql:// URLs open through it, not psycopg2

            raw = reopened.engine.raw_connection()
            assert isinstance(raw.driver_connection, psycopg.Connection)
            raw.close()
        clicks = reopened.clicks("demo")
        assert len(clicks) == 40 and {c.day for c in clicks} == {dt.date(2026, 12, 1)}
        assert [c.link_id for c in clicks[:4]] == ["link00000000", "link00000001", "link00000002", "link00000000"]
        assert [c.ua_class for c in reopened.clicks("other")] == ["desktop"]
        assert [r.fingerprint for r in reopened.redemptions("demo")] == [f"{n:064x}" for n in (1, 2, 3)]
        assert reopened.redemptions("other") == []


def test_kpis_import_and_show_against_the_database_url(where: str, tmp_path: Path) -> None:
    export = tmp_path / "till.csv"
    export.write_text("Date,Receipt,Code\n2026-11-26,R1,CAFE10\n2026-11-27,R2,BLOOM10\n", encoding="utf-8")
    runner = CliRunner()
    imported = runner.invoke(app, ["kpis", "import", str(DEMO_CAMPAIGN), str(export), "--db", where])
    assert imported.exit_code == 0 and "Imported 2 redemption(s)" in imported.output, imported.output
    again = runner.invoke(app, ["kpis", "import", str(DEMO_CAMPAIGN), str(export)], env={"JOINTCAMPAIGN_METRICS_DB": where})
    assert again.exit_code == 0 and "Imported 0 redemption(s)" in again.output, again.output
    with MetricsStore(where) as store:
        ident = link_id(DEMO_CAMPAIGN.name, "rosas-flowers", "es", "16:9", "end-card")
        store.record_click(DEMO_CAMPAIGN.name, ident, "mobile", dt.datetime(2026, 11, 30, tzinfo=dt.UTC).timestamp())
    shown = runner.invoke(app, ["kpis", "show", str(DEMO_CAMPAIGN), "--json", "--today", "2026-12-01", "--db", where])
    values = [k["value"] for k in json.loads(shown.stdout)["kpis"]]
    assert values == [1, 1, 1], shown.output


def test_an_existing_sqlite_file_of_the_first_version_is_used_as_it_is(tmp_path: Path) -> None:
    db = tmp_path / "portal.sqlite3"
    with sqlite3.connect(db) as conn:  # the schema the sqlite3 store created, with a row in it
        conn.executescript(
            "CREATE TABLE clicks (id INTEGER PRIMARY KEY AUTOINCREMENT, at REAL NOT NULL, campaign TEXT NOT NULL,"
            " link_id TEXT NOT NULL, ua_class TEXT NOT NULL);"
            "CREATE INDEX clicks_by_campaign ON clicks (campaign, at);"
            "CREATE TABLE redemptions (fingerprint TEXT PRIMARY KEY, campaign TEXT NOT NULL, code TEXT NOT NULL,"
            " day TEXT NOT NULL, source TEXT NOT NULL, line INTEGER NOT NULL, imported_at REAL NOT NULL);"
            "INSERT INTO clicks (at, campaign, link_id, ua_class) VALUES (1764590400, 'demo', 'aaaaaaaaaaaa', 'mobile');"
            "INSERT INTO redemptions VALUES ('f1', 'demo', 'CAFE10', '2026-12-01', 'old.csv', 2, 0);"
        )  # fmt: skip
    conn.close()
    with MetricsStore(db) as store:
        store.record_click("demo", "bbbbbbbbbbbb", "desktop", 1764590500)
        assert [c.link_id for c in store.clicks("demo")] == ["aaaaaaaaaaaa", "bbbbbbbbbbbb"]
        assert store.add_redemptions("demo", "old.csv", [Redemption("f1", "CAFE10", dt.date(2026, 12, 1), 2)], 0).added == 0


def test_database_urls_paths_and_refusals(tmp_path: Path) -> None:
    assert database_url(tmp_path / "p.sqlite3") == f"sqlite:///{tmp_path / 'p.sqlite3'}"
    assert database_url("sqlite:////srv/portal.sqlite3") == "sqlite:////srv/portal.sqlite3"
    # plain postgresql:// means psycopg 3, the driver the project pins
    assert database_url("postgresql://portal:s3cret@db:5432/kpis") == "postgresql+psycopg://portal:s3cret@db:5432/kpis"
    assert not store_exists(tmp_path / "missing.sqlite3") and not (tmp_path / "missing.sqlite3").exists()
    for bad in ("mysql://portal:s3cret@db/kpis", "postgres ql://x"):
        with pytest.raises(UserInputError) as raised:
            database_url(bad)
        [problem] = raised.value.problems
        assert "s3cret" not in problem.message and "postgresql://" in problem.fix


def test_a_database_server_that_does_not_answer_is_a_clear_error_not_a_traceback(tmp_path: Path) -> None:
    import socket

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    where = f"postgresql://portal:s3cret@127.0.0.1:{port}/kpis?connect_timeout=3"
    shown = CliRunner().invoke(app, ["kpis", "show", str(DEMO_CAMPAIGN), "--db", where])
    assert shown.exit_code == 2 and "Traceback" not in shown.output, shown.output
    assert "cannot open the metrics database" in shown.output and "s3cret" not in shown.output
