"""`jointcampaign submit` and `jointcampaign status`: queue runs on a Prefect server and follow them."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from jointcampaign.cli.support import (
    EXIT_BAD_INPUT,
    EXIT_FAILED,
    console,
    print_problems,
    split_list,
    user_errors,
)
from jointcampaign.flows import deployments
from jointcampaign.flows.deployments import RunProgress, RunRow
from jointcampaign.pipeline.validate import ValidationReport, validate_with_installed_models
from jointcampaign.settings import Settings

DEFAULT_DEPLOYMENT = "localize-campaign/localize-campaign"
FAILED_STATES = {"FAILED", "CRASHED", "CANCELLED"}


def register_commands(app: typer.Typer) -> None:
    app.command("submit")(submit)
    app.command("status")(status)


def _validate(folder: Path) -> ValidationReport:
    return validate_with_installed_models(folder, Settings.for_process())


def _check_runner(task_runner: str | None, dask_address: str | None) -> None:
    from jointcampaign.flows.runners import parse_render_runner

    if task_runner is not None:
        parse_render_runner(task_runner, dask_address)


def submit(
    folder: Annotated[Path, typer.Argument(help="The campaign folder, e.g. campaigns/demo-cafe-florist.")],
    out: Annotated[
        Path, typer.Option(help="Where the worker writes the bundles (several machines: a shared folder).")
    ] = Path("out"),
    languages: Annotated[str | None, typer.Option(help="Only these campaign languages, e.g. es,ar.")] = None,
    task_runner: Annotated[
        str | None,
        typer.Option(
            "--task-runner",
            help="Where cuts render: threads, processes or dask. Default: the deployment's (processes).",
        ),
    ] = None,
    dask_address: Annotated[
        str | None,
        typer.Option("--dask-address", help="Scheduler of an existing Dask cluster, tcp://HOST:8786."),
    ] = None,
    submissions: Annotated[
        Path | None,
        typer.Option(
            envvar="JOINTCAMPAIGN_SUBMISSIONS",
            help="Where snapshots of submitted folders are kept. Default: $JOINTCAMPAIGN_HOME/submissions.",
        ),
    ] = None,
    deployment: Annotated[str, typer.Option(help="The Prefect deployment to run.")] = DEFAULT_DEPLOYMENT,
    as_json: Annotated[bool, typer.Option("--json", help="Print run id, URL and snapshot as JSON.")] = False,
) -> None:
    """Validate a campaign, freeze a copy of it, and queue a run on the Prefect server's workers.

    Later edits to the folder do not change the queued run: it reads the frozen copy.
    Needs a running Prefect server (PREFECT_API_URL) with the deployments prefect.yaml defines, and a worker.

    Example: jointcampaign submit campaigns/demo-cafe-florist --out /shared/out
    """
    from jointcampaign.pipeline.plan import plan_run
    from jointcampaign.pipeline.submission import snapshot_campaign

    with user_errors():
        report = _validate(folder)
        if not report.ok:
            print_problems(report.errors, "The campaign cannot be submitted yet; nothing was queued")
            raise typer.Exit(EXIT_BAD_INPUT)
        wanted = split_list(languages)
        plan_run(report, out, wanted)  # rejects languages the campaign does not list, before queueing
        _check_runner(task_runner, dask_address)
        with deployments.connected() as client:
            deployments.check_deployment(client, deployment)
        loaded = report.require_ok()
        base = submissions if submissions is not None else Settings.for_process().home / "submissions"
        snapshot = snapshot_campaign(loaded, base.resolve(), dt.datetime.now(dt.UTC))
        parameters: dict[str, object] = {
            "campaign_dir": str(snapshot.campaign_dir),
            "out_dir": str(out.resolve()),
            "languages": wanted or None,
        }
        if task_runner is not None:
            parameters["task_runner"] = task_runner
        if dask_address is not None:
            parameters["dask_address"] = dask_address
        tags = ["jointcampaign", f"campaign:{loaded.slug}"]
        flow_run = deployments.queue_run(deployment, parameters, tags)
        url = deployments.run_url(flow_run.id)
    if as_json:
        print(
            json.dumps(
                {
                    "flow_run_id": str(flow_run.id),
                    "name": flow_run.name,
                    "url": url,
                    "snapshot": str(snapshot.root),
                    "out_dir": str(out.resolve()),
                }
            )
        )
        return
    console.print(f"[green]Queued[/] {loaded.slug} as flow run [bold]{flow_run.id}[/] ({flow_run.name})")
    console.print(f"Snapshot: {snapshot.root}", highlight=False)
    if url:
        console.print(f"Follow it: {url}", highlight=False)
    console.print(f"Or: jointcampaign status {flow_run.id}", highlight=False)


def status(
    run: Annotated[
        str | None, typer.Argument(help="A flow run id (from `submit`); omit it to list recent runs.")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=200, help="How many recent runs to list.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON for scripts.")] = False,
) -> None:
    """Show how far a submitted run has got, or list the recent runs.

    Exit code 1 when the run failed or partly failed, so scripts can wait on it.

    Example: jointcampaign status 0692f4c1-8d5e-7a3b-8000-5b1e2c3d4e5f
    """
    with user_errors(), deployments.connected() as client:
        if run is None:
            rows, upcoming = deployments.recent_runs(client, limit)
        else:
            progress = deployments.run_progress(client, run)
    if run is None:
        _print_runs(rows, upcoming, as_json)
        return
    _print_progress(progress, as_json)
    row = progress.run
    if row.state_type in FAILED_STATES or row.state == "Partial":
        raise typer.Exit(EXIT_FAILED)


def _print_runs(rows: list[RunRow], upcoming: RunRow | None, as_json: bool) -> None:
    if as_json:
        print(
            json.dumps(
                {"runs": [_row_dict(r) for r in rows], "next": _row_dict(upcoming) if upcoming else None}
            )
        )
        return
    table = Table(title="Recent runs")
    table.add_column("Run id", no_wrap=True)
    for column in ("Flow", "State", "Campaign", "Started", "Seconds"):
        table.add_column(column)
    for r in rows:
        started = r.started.astimezone().strftime("%Y-%m-%d %H:%M") if r.started else "—"
        campaign = Path(r.campaign).name or "—"
        table.add_row(str(r.id), r.flow, r.state, campaign, started, f"{r.seconds:.0f}")
    console.print(table)
    if not rows:
        console.print("No runs yet. Queue one with: jointcampaign submit campaigns/<name>")
    if upcoming is not None and upcoming.expected is not None:
        when = upcoming.expected.astimezone().strftime("%Y-%m-%d %H:%M %Z")
        console.print(f"Next scheduled: {upcoming.flow} at {when}", highlight=False)


def _print_progress(progress: RunProgress, as_json: bool) -> None:
    row = progress.run
    if as_json:
        failed = [{"step": step, "message": message} for step, message in progress.failed]
        extra = {
            "url": progress.url,
            "steps": dict(progress.steps),
            "running": progress.running,
            "failed": failed,
        }
        print(json.dumps(_row_dict(row) | extra))
        return
    colour = "red" if row.state_type in FAILED_STATES or row.state == "Partial" else "green"
    console.print(f"[bold]{row.name}[/] ({row.flow}) {row.id}", highlight=False)
    console.print(
        f"State: [{colour}]{row.state}[/]" + (f" — {row.message}" if row.message else ""), highlight=False
    )
    if row.campaign:
        console.print(f"Campaign: {row.campaign}", highlight=False)
    timing = "Running for" if row.state_type == "RUNNING" else "Took"
    console.print(f"{timing} {row.seconds:.0f} s")
    done = progress.steps.get("completed", 0) + progress.steps.get("cached", 0)
    total = sum(progress.steps.values())
    console.print(
        f"Steps: {done} of {total} done ({progress.steps.get('cached', 0)} reused unchanged), "
        f"{len(progress.running)} running, {len(progress.failed)} failed"
    )
    for name in progress.running:
        console.print(f"  … {name}", highlight=False)
    for name, message in progress.failed:
        console.print(f"  [red]✗[/] {name}: {message}", highlight=False)
    if progress.url:
        console.print(f"Details: {progress.url}", highlight=False)


def _row_dict(row: RunRow) -> dict[str, object]:
    return {
        "id": str(row.id),
        "name": row.name,
        "flow": row.flow,
        "state": row.state,
        "state_type": row.state_type,
        "campaign": row.campaign,
        "started": row.started.isoformat() if row.started else None,
        "expected": row.expected.isoformat() if row.expected else None,
        "seconds": round(row.seconds, 1),
        "message": row.message,
    }
