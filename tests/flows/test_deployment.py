"""Production-like: a real `prefect server`, the work pool, deployments from prefect.yaml, a process worker,
and `jointcampaign submit` / `status` as a marketing lead uses them. Everything started here is stopped here."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.helpers.cli import run_cli
from tests.helpers.prefect_server import (
    POOL,
    REPO,
    PrefectServer,
    free_port,
    prefect_server,
    wait_for,
    write_every_5s_deployment,
)

pytestmark = pytest.mark.slow

FINISHED = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}


@pytest.fixture(scope="module")
def deployed(tmp_path_factory: pytest.TempPathFactory, demo_home: Path) -> Iterator[PrefectServer]:
    """Server, then work pool and worker, then `prefect deploy --all`: the README's order."""
    root = tmp_path_factory.mktemp("production")
    with prefect_server(root / "prefect-home") as server:
        server.prefect("work-pool", "create", POOL, "--type", "process")
        server.start_worker(root / "worker.log", JOINTCAMPAIGN_HOME=str(demo_home),
                            JOINTCAMPAIGN_RENDER_HEIGHT="180")
        before = (REPO / "prefect.yaml").read_bytes()
        server.prefect("deploy", "--all")
        assert (REPO / "prefect.yaml").read_bytes() == before, "deploying must not rewrite prefect.yaml"
        yield server


def cli(server: PrefectServer, args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return run_cli(args, cwd=cwd, env=server.env(**env), timeout=180)


def status_of(server: PrefectServer, run_id: str, cwd: Path) -> dict[str, Any] | None:
    result = cli(server, ["status", run_id, "--json"], cwd)
    assert result.returncode in (0, 1), result.stderr
    found: dict[str, Any] = json.loads(result.stdout)
    return found if found["state_type"] in FINISHED else None


def test_submit_queues_a_frozen_run_that_a_worker_completes(deployed: PrefectServer, demo_home: Path,
                                                            campaign_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "shared-out"
    submissions = tmp_path / "submissions"
    result = cli(deployed, ["submit", str(campaign_copy), "--out", str(out), "--languages", "es", "--json"],
                 tmp_path, JOINTCAMPAIGN_HOME=str(demo_home), JOINTCAMPAIGN_SUBMISSIONS=str(submissions))
    assert result.returncode == 0, result.stderr
    queued = json.loads(result.stdout)
    assert queued["url"].endswith(f"/runs/flow-run/{queued['flow_run_id']}")
    assert Path(queued["snapshot"]).parent == submissions

    # Editing (here: breaking) the folder after submitting does not change the queued run.
    (campaign_copy / "campaign.yaml").write_text("title: [unclosed\n", encoding="utf-8")

    final = wait_for(lambda: status_of(deployed, queued["flow_run_id"], tmp_path), 240,
                     "the submitted run to finish", deployed.workers[0], interval_s=2)
    assert final["state"] == "Completed", final
    assert final["steps"].get("failed", 0) == 0
    for partner in ("corner-cafe", "rosas-flowers"):
        bundle = out / campaign_copy.name / f"{partner}.zip"
        assert bundle.is_file()
        verified = cli(deployed, ["bundle", "verify", str(bundle)], tmp_path)
        assert verified.returncode == 0, verified.stdout + verified.stderr

    listed = cli(deployed, ["status", "--json"], tmp_path)
    assert listed.returncode == 0, listed.stderr
    runs = json.loads(listed.stdout)["runs"]
    assert queued["flow_run_id"] in [r["id"] for r in runs]


def test_bad_input_is_not_queued(deployed: PrefectServer, demo_home: Path, campaign_copy: Path,
                                 tmp_path: Path) -> None:
    (campaign_copy / "campaign.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    submissions = tmp_path / "submissions"
    result = cli(deployed, ["submit", str(campaign_copy), "--json"], tmp_path, JOINTCAMPAIGN_HOME=str(demo_home),
                 JOINTCAMPAIGN_SUBMISSIONS=str(submissions))
    assert result.returncode == 2
    assert "nothing was queued" in result.stderr
    assert not submissions.exists()


def test_no_server_is_a_clear_error(demo_home: Path, campaign_copy: Path, tmp_path: Path) -> None:
    closed = f"http://127.0.0.1:{free_port()}/api"
    for args in (["submit", str(campaign_copy)], ["status"]):
        result = run_cli(args, cwd=tmp_path, env={"PREFECT_API_URL": closed, "JOINTCAMPAIGN_HOME": str(demo_home),
                                                  "JOINTCAMPAIGN_SUBMISSIONS": str(tmp_path / "subs")})
        assert result.returncode == 2, result.stdout + result.stderr
        assert "No Prefect server answers" in result.stderr and "prefect server start" in result.stderr
        assert "Traceback" not in result.stderr
    assert not (tmp_path / "subs").exists()


def scheduled_runs(server: PrefectServer, deployment_id: str) -> list[dict[str, Any]]:
    runs: list[dict[str, Any]] = server.api("POST", "/flow_runs/filter", {
        "deployments": {"id": {"any_": [deployment_id]}},
        "flow_runs": {"state": {"type": {"any_": ["SCHEDULED"]}}},
        "limit": 50,
    })
    return runs


def test_nightly_schedule_follows_the_configured_timezone(deployed: PrefectServer) -> None:
    redeployed = dt.datetime.now(dt.UTC)
    deployed.prefect("deploy", "--name", "nightly-render", "--timezone", "America/New_York")
    deployment = deployed.api("GET", "/deployments/name/nightly-render/nightly-render")
    schedule = deployment["schedules"][0]["schedule"]
    assert (schedule["cron"], schedule["timezone"]) == ("0 2 * * *", "America/New_York")
    new_york = ZoneInfo("America/New_York")

    def all_at_two_in_new_york() -> list[dt.datetime] | None:
        planned = [r for r in scheduled_runs(deployed, deployment["id"])
                   if dt.datetime.fromisoformat(r["created"]) >= redeployed]
        times = [dt.datetime.fromisoformat(r["expected_start_time"]).astimezone(new_york) for r in planned]
        return times if times and all((t.hour, t.minute) == (2, 0) for t in times) else None

    # The server's scheduler itself created these runs: a dead scheduler would leave none.
    times = wait_for(all_at_two_in_new_york, 60, "the scheduler to plan nightly runs at 02:00 New York time")
    now = dt.datetime.now(new_york)
    assert min(times) > now and min(times) - now <= dt.timedelta(days=1)


def test_a_short_interval_schedule_really_starts_runs(deployed: PrefectServer, tmp_path: Path) -> None:
    config = write_every_5s_deployment(tmp_path, "jointcampaign-schedule-test", POOL)
    deployed.prefect("deploy", "--prefect-file", str(config), "--name", "nightly-every-5s")
    deployment = deployed.api("GET", "/deployments/name/nightly-render/nightly-every-5s")
    try:
        def completed_scheduled_run() -> dict[str, Any] | None:
            runs: list[dict[str, Any]] = deployed.api("POST", "/flow_runs/filter", {
                "deployments": {"id": {"any_": [deployment["id"]]}},
                "flow_runs": {"state": {"type": {"any_": ["COMPLETED"]}}},
            })
            return next((r for r in runs if r["auto_scheduled"]), None)

        run = wait_for(completed_scheduled_run, 120, "a run started by the interval schedule", deployed.workers[0],
                       interval_s=1)
    finally:
        deployed.prefect("deployment", "delete", "nightly-render/nightly-every-5s")
    artifacts = deployed.api("POST", "/artifacts/filter", {"artifacts": {"key": {"any_": ["nightly-render"]}}})
    assert run["id"] in [a["flow_run_id"] for a in artifacts]


def test_a_desk_submission_runs_on_the_deployment(deployed: PrefectServer, demo_home: Path, campaign_copy: Path,
                                                  tmp_path: Path) -> None:
    """With a Prefect API configured, the campaign desk queues on the deployment like `submit` does."""
    import httpx

    from jointcampaign.portal.lead_tokens import LeadStore
    from tests.helpers.browser import portal_server

    home = tmp_path / "home"
    home.mkdir()
    (home / "models").symlink_to(demo_home / "models", target_is_directory=True)
    out, db = tmp_path / "desk-out", tmp_path / "portal.sqlite3"
    out.mkdir()
    token = LeadStore(db).create("ana", [campaign_copy.name], dt.timedelta(hours=1)).token
    env = deployed.env(JOINTCAMPAIGN_HOME=str(home), ARGOS_PACKAGES_DIR=str(home / "models"))
    files = [("files", (f"{campaign_copy.name}/{path.relative_to(campaign_copy).as_posix()}", path.read_bytes()))
             for path in sorted(campaign_copy.rglob("*")) if path.is_file()]
    assets = campaign_copy.parents[1] / "assets"
    with portal_server(out, db, tmp_path / "portal.log", "--assets", str(assets), env=env) as base, \
            httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=120) as client:
        draft = client.post("/desk/upload", files=files, follow_redirects=True)
        assert draft.status_code == 200, draft.text
        assert "Prefect deployment localize-campaign/localize-campaign" in draft.text
        action = draft.text.split('action="/desk/drafts/', 1)[1].split('"', 1)[0]
        queued = client.post(f"/desk/drafts/{action}")
        assert queued.status_code == 303, queued.text
        run = queued.headers["location"]

        progress_seen: list[float] = []

        def finished() -> dict[str, Any] | None:
            status: dict[str, Any] = client.get(f"{run}/status.json").json()
            if not status["finished"]:  # steps fill in from the flow run's task runs while it runs
                progress_seen.append(max(step["done"] for stage in status["stages"] for step in stage["steps"]))
            return status if status["finished"] else None

        final = wait_for(finished, 300, "the desk's run on the deployment", deployed.workers[0], interval_s=1)
        assert any(done > 0 for done in progress_seen), progress_seen
        assert final["runner"] == "prefect" and final["state"] == "done", final
        zipped = client.get(f"{run}/bundles/corner-cafe.zip")
        assert zipped.status_code == 200
    assert final["flow_run_id"] and final["detail_url"]
    found = status_of(deployed, final["flow_run_id"], tmp_path)  # what `jointcampaign status RUN_ID` says
    assert found is not None and found["state"] == "Completed"
    assert found["campaign"].startswith(str(home / "submissions"))
    for bundle in final["bundles"]:
        assert hashlib.sha256((out / campaign_copy.name / f"{bundle['partner']}.zip").read_bytes()).hexdigest() \
            == bundle["sha256"]
    assert hashlib.sha256(zipped.content).hexdigest() == final["bundles"][0]["sha256"]
