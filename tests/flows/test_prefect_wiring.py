"""How the flows are wired into Prefect: retries, caching, the nightly schedule, the run summary."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from prefect.states import Failed

from jointcampaign.errors import RepeatableStageError, StageFailedError, UserInputError
from jointcampaign.flows.caching import retry_transient
from jointcampaign.flows.localize_campaign import build_bundle_task, render_cuts_task, translate_copy_task
from jointcampaign.pipeline.documents.run_summary import RunFacts, run_summary_markdown
from jointcampaign.pipeline.results import CopyOutcome, RunOutcome, StageFailure
from jointcampaign.pipeline.validate import Blocker

REPO = Path(__file__).resolve().parents[2]


def deployment(name: str) -> dict[str, Any]:
    config = yaml.safe_load((REPO / "prefect.yaml").read_text(encoding="utf-8"))
    return next(d for d in config["deployments"] if d["name"] == name)


def test_only_failures_of_valid_work_are_retried() -> None:
    def retried(error: Exception) -> bool:
        return retry_transient(render_cuts_task, None, Failed(data=error))  # type: ignore[arg-type]

    assert retried(StageFailedError("ffmpeg crashed"))
    assert not retried(UserInputError([]))
    assert not retried(ValueError("a bug fails the same way every time"))
    assert not retried(RepeatableStageError("the subtitles leave the tiktok safe region"))


def test_render_tasks_retry_with_backoff() -> None:
    assert render_cuts_task.retries == 2
    assert render_cuts_task.retry_condition_fn is retry_transient
    assert render_cuts_task.retry_delay_seconds == [2, 4]


def test_steps_are_cached_by_input_fingerprints() -> None:
    for task in (translate_copy_task, render_cuts_task, build_bundle_task):
        assert type(task.cache_policy).__name__ == "InputFingerprint"


def test_both_deployments_use_the_process_pool() -> None:
    for name in ("localize-campaign", "nightly-render"):
        assert deployment(name)["work_pool"]["name"] == "jointcampaign"
    assert deployment("localize-campaign")["entrypoint"] == "src/jointcampaign/flows/localize_campaign.py:localize_campaign"
    assert deployment("nightly-render")["entrypoint"] == "src/jointcampaign/flows/nightly_render.py:nightly_render"


def nightly_dates(timezone: str, start: dt.datetime, count: int) -> list[dt.datetime]:
    from prefect.server.schemas.schedules import CronSchedule

    cron = deployment("nightly-render")["schedules"][0]["cron"]
    # The server's own schedule model: the code that turns the cron line into scheduled runs.
    return list(asyncio.run(CronSchedule(cron=cron, timezone=timezone).get_dates(n=count, start=start)))


def test_nightly_runs_at_two_in_the_configured_timezone_across_a_dst_change() -> None:
    new_york = ZoneInfo("America/New_York")
    start = dt.datetime(2026, 10, 30, 12, 0, tzinfo=dt.UTC)  # US clocks go back on 1 November 2026
    dates = nightly_dates("America/New_York", start, 4)
    assert [d.astimezone(new_york).strftime("%m-%d %H:%M") for d in dates] == [
        "10-31 02:00", "11-01 02:00", "11-02 02:00", "11-03 02:00"]
    assert [d.astimezone(dt.UTC).hour for d in dates] == [6, 7, 7, 7]


def test_nightly_runs_at_two_utc_by_default() -> None:
    assert deployment("nightly-render")["schedules"][0]["timezone"] == "UTC"
    dates = nightly_dates("UTC", dt.datetime(2026, 11, 25, 3, 0, tzinfo=dt.UTC), 2)
    assert [d.astimezone(dt.UTC).isoformat() for d in dates] == ["2026-11-26T02:00:00+00:00",
                                                                  "2026-11-27T02:00:00+00:00"]


def test_run_summary_lists_failures_blockers_and_reuse(tmp_path: Path) -> None:
    outcome = RunOutcome(
        copies=[CopyOutcome(language="es", pieces={"post": tmp_path / "post.md"}, notes=("pivoted | via en",))],
        failures=[StageFailure(stage="render", message="encoder crashed", language="es", partner="corner-cafe",
                               aspect="16:9")],
    )
    bundle = tmp_path / "corner-cafe.zip"
    bundle.write_bytes(b"x" * 2_000_000)
    blocker = Blocker(partner="corner-cafe", deliverable="review-es", message="not supplied", fix="send it")
    text = run_summary_markdown(RunFacts(campaign="spring", status="partial", languages=["es"], outcome=outcome,
                                         blockers=[blocker], bundles={"corner-cafe": bundle},
                                         rebuilt=["copy es"], steps=6))
    assert text.startswith("# spring: partial\n")
    assert "| render | es | corner-cafe | 16:9 | encoder crashed |" in text
    assert "| corner-cafe | review-es | not supplied |" in text
    assert "1 of 6 steps ran" in text
    assert "pivoted / via en" in text  # a pipe inside a cell would break the table
    assert f"| corner-cafe | `{bundle}` | 2.0 MB |" in text
