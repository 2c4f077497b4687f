"""A throwaway PostgreSQL cluster for tests: initdb in a temp folder, pg_ctl start on a free loopback
port, stopped and deleted afterwards. Debian's `postgresql` package provides the binaries; tests
that need one are skipped, saying so, when it is not installed."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

SKIP_REASON = "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): apt-get install -y postgresql"


@dataclass(frozen=True)
class Cluster:
    bin_dir: Path
    port: int
    pg_ctl: tuple[str, ...]  # pg_ctl -D DATA -l LOG, run as the postgres user
    options: str

    def restart(self) -> None:
        """Stop and start the server (fast shutdown: open connections are cut, as in a real restart)."""
        _run(_as_postgres_user([*self.pg_ctl, "-m", "fast", "-o", self.options, "-w", "restart"]))

    def stop(self) -> None:
        """The server goes away (fast shutdown), as when its machine or service stops."""
        _run(_as_postgres_user([*self.pg_ctl, "-m", "fast", "-w", "stop"]))

    def start(self) -> None:
        _run(_as_postgres_user([*self.pg_ctl, "-o", self.options, "-w", "start"]))

    def url(self, database: str, scheme: str = "postgresql") -> str:
        return f"{scheme}://postgres@127.0.0.1:{self.port}/{database}"

    def createdb(self, name: str) -> None:
        _run([str(self.bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name])

    def psql(self, database: str, sql: str) -> str:
        return _run([str(self.bin_dir / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                     "-d", database, "-At", "-c", sql])  # fmt: skip


def postgres_bin_or_skip() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        # `make setup` installs PostgreSQL, so CI (which sets this) must never skip these tests.
        if os.environ.get("JOINTCAMPAIGN_REQUIRE_POSTGRES") == "1":
            pytest.fail(SKIP_REASON + ", and JOINTCAMPAIGN_REQUIRE_POSTGRES=1 requires it")
        pytest.skip(SKIP_REASON)
    return Path(found[-1]).parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _as_postgres_user(args: list[str]) -> list[str]:
    # initdb and postgres refuse to run as root; Debian's package creates the postgres user
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


def _run(args: list[str]) -> str:
    result = subprocess.run(args, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout.strip()


@contextmanager
def throwaway_cluster() -> Iterator[Cluster]:
    bin_dir = postgres_bin_or_skip()
    # not under pytest's tmp dir: that one is private to root, and the server runs as postgres
    base = Path(tempfile.mkdtemp(prefix="jointcampaign-pg-"))
    base.chmod(0o755)
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    data, port = base / "data", _free_port()
    pg_ctl = [str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(base / "postgres.log")]
    try:
        _run(_as_postgres_user([str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                                "-E", "UTF8", "--no-sync"]))  # fmt: skip
        options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        _run(_as_postgres_user([*pg_ctl, "-o", options, "-w", "start"]))
        yield Cluster(bin_dir, port, tuple(pg_ctl), options)
    finally:
        subprocess.run(_as_postgres_user([*pg_ctl, "-m", "fast", "-w", "stop"]), capture_output=True, timeout=60)
        shutil.rmtree(base, ignore_errors=True)
