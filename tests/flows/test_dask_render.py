"""Render tasks sent to a real dask.distributed cluster: a scheduler and a worker in their own processes."""

from __future__ import annotations

import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.prefect_server import Started, free_port, start, wait_for

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent


def accepting(port: int) -> bool | None:
    with socket.socket() as sock:
        sock.settimeout(1)
        return True if sock.connect_ex(("127.0.0.1", port)) == 0 else None


@pytest.fixture
def dask_cluster(tmp_path: Path) -> Iterator[str]:
    import os

    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "dask-prefect-home")}
    started: list[Started] = []
    try:
        scheduler = start([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                           "--no-dashboard"], tmp_path / "scheduler.log", env, cwd=tmp_path)
        started.append(scheduler)
        wait_for(lambda: accepting(port), 60, "the Dask scheduler", scheduler)
        worker = start([str(BIN / "dask"), "worker", address, "--nworkers", "1", "--nthreads", "2",
                        "--no-dashboard", "--name", "render-worker"], tmp_path / "worker.log", env, cwd=tmp_path)
        started.append(worker)
        from distributed import Client

        with Client(address, timeout=60) as client:
            client.wait_for_workers(1, timeout=60)
        yield address
    finally:
        for process in reversed(started):
            process.stop()


def test_cuts_render_on_the_dask_worker(dask_cluster: str, demo_home: Path, campaign_copy: Path,
                                        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from distributed import Client
    from prefect.testing.utilities import prefect_test_harness

    from jointcampaign.flows.localize_campaign import localize_campaign

    monkeypatch.setenv("JOINTCAMPAIGN_HOME", str(demo_home))
    monkeypatch.setenv("JOINTCAMPAIGN_RENDER_HEIGHT", "180")
    out = tmp_path / "out"
    with prefect_test_harness(server_startup_timeout=120):
        summary = localize_campaign(campaign_dir=campaign_copy, out_dir=out, languages=["es"],
                                    task_runner="dask", dask_address=dask_cluster)
    assert summary.status == "completed", summary.failures
    assert {s for s in summary.rebuilt if s.startswith("render")} == {
        "render corner-cafe es 16:9", "render rosas-flowers es 16:9"}
    for partner in ("corner-cafe", "rosas-flowers"):
        assert (out / "demo-cafe-florist" / ".work" / "video" / partner / "es" / "16x9.mp4").stat().st_size > 0
        assert (out / "demo-cafe-florist" / f"{partner}.zip").is_file()
    with Client(dask_cluster, timeout=30) as client:
        executed = client.run(lambda dask_worker: dask_worker.state.executed_count)
    # Exactly one task ran on the cluster: both partners' Spanish cuts, from one decode; nothing else.
    assert sum(executed.values()) == 1, executed
