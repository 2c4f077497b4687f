"""The Prefect server on a real PostgreSQL (Debian's package), as a multi-machine setup runs it:
a scheduled deployment is planned by the server, picked up by a worker, and recorded in Postgres."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.pg_cluster import Cluster, throwaway_cluster
from tests.helpers.prefect_server import POOL, prefect_server, wait_for, write_every_5s_deployment

pytestmark = pytest.mark.slow


@pytest.fixture
def postgres() -> Iterator[Cluster]:
    with throwaway_cluster() as cluster:
        cluster.createdb("prefect")
        yield cluster


def test_server_on_postgres_schedules_and_completes_runs(postgres: Cluster, tmp_path: Path) -> None:
    config = write_every_5s_deployment(tmp_path, "jointcampaign-postgres-test", POOL)
    database = postgres.url("prefect", scheme="postgresql+asyncpg")
    with prefect_server(tmp_path / "prefect-home", PREFECT_SERVER_DATABASE_CONNECTION_URL=database) as server:
        assert postgres.psql("prefect", "select count(*) from flow_run") == "0"  # the server migrated Postgres
        server.prefect("work-pool", "create", POOL, "--type", "process")
        worker = server.start_worker(tmp_path / "worker.log")
        server.prefect("deploy", "--prefect-file", str(config), "--name", "nightly-every-5s")
        deployment = server.api("GET", "/deployments/name/nightly-render/nightly-every-5s")

        def completed() -> dict[str, Any] | None:
            runs: list[dict[str, Any]] = server.api("POST", "/flow_runs/filter", {
                "deployments": {"id": {"any_": [deployment["id"]]}},
                "flow_runs": {"state": {"type": {"any_": ["COMPLETED"]}}},
            })
            return next((r for r in runs if r["auto_scheduled"]), None)

        run = wait_for(completed, 120, "a scheduled run to complete", worker, interval_s=1)
        server.prefect("deployment", "delete", "nightly-render/nightly-every-5s")
    # The run is in Postgres's own tables, not in a SQLite file somewhere.
    assert postgres.psql("prefect", f"select state_type from flow_run where id = '{run['id']}'") == "COMPLETED"
    assert not list((tmp_path / "prefect-home").glob("*.db"))
