"""Every night: render each campaign under campaigns/ whose inputs (or KPIs so far) changed since its
last successful run, and refresh each campaign's KPI summary (OUT/<campaign>/kpis.json)."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from prefect import flow, get_run_logger
from prefect.artifacts import create_table_artifact

from jointcampaign.campaign.load import LoadedCampaign
from jointcampaign.flows.localize_campaign import RunSummary, localize_campaign, validate_task
from jointcampaign.flows.runners import RenderRunner
from jointcampaign.pipeline import measure, nightly
from jointcampaign.pipeline.fingerprint import campaign_fingerprint
from jointcampaign.pipeline.nightly import NightlyEntry
from jointcampaign.pipeline.output_paths import OutputLayout
from jointcampaign.settings import Settings

DETAIL_STEPS = 6


@flow(name="nightly-render", log_prints=True)
def nightly_render(
    campaigns_dir: Path = Path("campaigns"),
    out_dir: Path = Path("out"),
    task_runner: RenderRunner = "threads",
    dask_address: str | None = None,
) -> list[NightlyEntry]:
    """Run `localize-campaign` for every campaign folder whose inputs, models or code changed.

    Unchanged campaigns are skipped without a run; partial and failed runs are tried again next night.

    Args:
        campaigns_dir: The folder holding one sub-folder per campaign.
        out_dir: Where the bundles go: OUT/<campaign>/<partner>.zip. Shared by all workers.
        task_runner: Where video cuts render: threads or processes on the worker, or dask (a cluster).
        dask_address: The Dask scheduler when task_runner is dask, e.g. tcp://10.0.0.5:8786.
    """
    settings = Settings.for_process()
    entries = [
        _render_if_changed(folder, out_dir, settings, task_runner, dask_address)
        for folder in nightly.discover_campaigns(campaigns_dir)
    ]
    headline = nightly.nightly_counts(entries)
    get_run_logger().info("Nightly render: %s", headline)
    create_table_artifact(key="nightly-render", table=[e.as_row() for e in entries],
                          description=f"Nightly render of {campaigns_dir}: {headline}")
    return entries


def _render_if_changed(folder: Path, out_dir: Path, settings: Settings, task_runner: RenderRunner,
                       dask_address: str | None) -> NightlyEntry:
    started = time.monotonic()
    report = validate_task(folder)
    if not report.ok or report.loaded is None:
        first = report.errors[0].render() if report.errors else "cannot be read"
        return NightlyEntry(folder.name, "failed", f"invalid ({len(report.errors)} problems): {first}")
    campaign_out = OutputLayout(out_dir, report.loaded.slug).campaign_dir
    today = dt.date.today()
    kpi_note = _refresh_kpis(report.loaded, campaign_out, settings, today)
    # the briefs show the KPIs so far: new clicks or redemptions rebuild the bundles (nothing else)
    fingerprint = campaign_fingerprint(report.loaded, settings) + ":" + measure.kpi_digest(
        report.loaded, settings.metrics_db, today)
    if nightly.last_success(campaign_out) == fingerprint:
        return NightlyEntry(folder.name, "skipped", "unchanged since its last successful run" + kpi_note,
                            time.monotonic() - started)
    state = localize_campaign(campaign_dir=folder, out_dir=out_dir, task_runner=task_runner,
                              dask_address=dask_address, return_state=True)
    seconds = time.monotonic() - started
    if not state.is_completed():
        return NightlyEntry(folder.name, "failed", state.message or "the run failed", seconds)
    summary: RunSummary = state.result()
    if summary.failures:
        stages = ", ".join(" ".join(filter(None, (f.stage, f.language, f.partner))) for f in summary.failures)
        return NightlyEntry(folder.name, "partial", f"{len(summary.failures)} failed: {stages}", seconds)
    nightly.record_success(campaign_out, fingerprint, dt.datetime.now(dt.UTC))
    shown = ", ".join(summary.rebuilt[:DETAIL_STEPS]) + (" …" if len(summary.rebuilt) > DETAIL_STEPS else "")
    detail = f"rebuilt {len(summary.rebuilt)} step(s): {shown or 'none'}"
    return NightlyEntry(folder.name, "rendered", detail + kpi_note, seconds)


def _refresh_kpis(loaded: LoadedCampaign, campaign_out: Path, settings: Settings, today: dt.date) -> str:
    """Rewrite the campaign's KPI summary; a KPI behind pace is a blocker for its owner, logged here."""
    blockers = measure.refresh_summary(loaded, campaign_out, settings.metrics_db, today)
    for blocker in blockers:
        get_run_logger().warning("%s: blocker for %s: %s", loaded.slug, blocker.partner, blocker.message)
    return f"; {len(blockers)} KPI blocker(s)" if blockers else ""
