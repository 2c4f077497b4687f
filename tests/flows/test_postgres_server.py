"""The Prefect server on a real PostgreSQL (Debian's package), as a multi-machine setup runs it:
a scheduled deployment is planned by the server, picked up by a worker, and recorded in Postgres."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.prefect_server import POOL, free_port, prefect_server, wait_for, write_every_5s_deployment

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Postgres:
    bin_dir: Path
    port: int
    socket_dir: Path

    @property
    def url(self) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/prefect"

    def psql(self, sql: str) -> str:
        result = subprocess.run([str(self.bin_dir / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U",
                                 "postgres", "-d", "prefect", "-At", "-c", sql],
                                capture_output=True, text=True, timeout=30, check=True)
        return result.stdout.strip()


def postgres_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        pytest.fail("PostgreSQL is not installed: run `make setup` (scripts/setup.sh installs Debian's postgresql)")
    return Path(found[-1]).parent


def as_postgres_user(args: list[str]) -> list[str]:
    # initdb and postgres refuse to run as root; the Debian package creates the postgres user.
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


def sh(args: list[str]) -> None:
    result = subprocess.run(args, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"


@pytest.fixture
def postgres() -> Iterator[Postgres]:
    bin_dir = postgres_bin()
    # Not under pytest's tmp dir: that one is private to root, and the server runs as postgres.
    base = Path(tempfile.mkdtemp(prefix="jointcampaign-pg-"))
    base.chmod(0o755)
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    data, port = base / "data", free_port()
    sh(as_postgres_user([str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                         "--no-sync"]))
    options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
    pg_ctl = [str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(base / "postgres.log")]
    sh(as_postgres_user([*pg_ctl, "-o", options, "-w", "start"]))
    try:
        sh([str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "prefect"])
        yield Postgres(bin_dir=bin_dir, port=port, socket_dir=base)
    finally:
        subprocess.run(as_postgres_user([*pg_ctl, "-m", "fast", "-w", "stop"]), capture_output=True, timeout=60)
        shutil.rmtree(base, ignore_errors=True)


def test_server_on_postgres_schedules_and_completes_runs(postgres: Postgres, tmp_path: Path) -> None:
    config = write_every_5s_deployment(tmp_path, "jointcampaign-postgres-test", POOL)
    with prefect_server(tmp_path / "prefect-home", PREFECT_SERVER_DATABASE_CONNECTION_URL=postgres.url) as server:
        assert postgres.psql("select count(*) from flow_run") == "0"  # the server migrated Postgres
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
    assert postgres.psql(f"select state_type from flow_run where id = '{run['id']}'") == "COMPLETED"
    assert not list((tmp_path / "prefect-home").glob("*.db"))
