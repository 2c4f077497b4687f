"""The line from the CLI and the desk to a Prefect server: find it, queue deployment runs, read their progress.

Prefect is imported only inside these functions, so `jointcampaign --help` stays fast and the
core never depends on it.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from uuid import UUID

from jointcampaign.errors import ToolMissingError, UserInputError

if TYPE_CHECKING:
    from prefect.client.orchestration import SyncPrefectClient
    from prefect.client.schemas.objects import FlowRun

FLOW_NAMES = ("localize-campaign", "nightly-render")
START_SERVER_FIX = (
    "    fix: start a server and point this shell at it:\n"
    "         prefect server start            (in another terminal; it listens on port 4200)\n"
    "         export PREFECT_API_URL=http://127.0.0.1:4200/api\n"
    "    then deploy once with `prefect deploy --all` and start a worker (README: Running it like production)"
)


@dataclass(frozen=True)
class RunRow:
    id: UUID
    name: str
    flow: str
    state: str
    state_type: str
    campaign: str
    started: dt.datetime | None
    expected: dt.datetime | None
    seconds: float
    message: str | None = None


@dataclass
class RunProgress:
    run: RunRow
    url: str | None
    steps: Counter[str] = field(default_factory=Counter)
    failed: list[tuple[str, str]] = field(default_factory=list)
    running: list[str] = field(default_factory=list)


def api_url() -> str:
    from prefect.settings import PREFECT_API_URL

    url = PREFECT_API_URL.value()
    if not url:
        raise ToolMissingError(
            "No Prefect server is configured (PREFECT_API_URL is not set).\n" + START_SERVER_FIX
        )
    return str(url)


@contextmanager
def connected() -> Iterator[SyncPrefectClient]:
    """A client for the configured server, after checking that it answers."""
    from prefect.client.orchestration import get_client

    url = api_url()
    with get_client(sync_client=True) as client:
        problem = client.api_healthcheck()
        if problem is not None:
            raise ToolMissingError(f"No Prefect server answers at {url} ({problem}).\n" + START_SERVER_FIX)
        yield client


def check_deployment(client: SyncPrefectClient, name: str) -> None:
    from prefect.exceptions import ObjectNotFound

    try:
        client.read_deployment_by_name(name)
    except ObjectNotFound:
        raise ToolMissingError(
            f"The Prefect server has no deployment {name!r}.\n"
            "    fix: from the project folder, run `prefect deploy --all` (it reads prefect.yaml), "
            "and start a worker: `prefect worker start --pool jointcampaign`"
        ) from None


def queue_run(name: str, parameters: dict[str, Any], tags: list[str]) -> FlowRun:
    from prefect.deployments import run_deployment

    flow_run = run_deployment(name, parameters=parameters, timeout=0, tags=tags, as_subflow=False)
    assert not inspect.isawaitable(flow_run)  # called from synchronous code, so it ran to completion
    return flow_run


def run_url(run_id: UUID) -> str | None:
    from prefect.utilities.urls import url_for

    return url_for("flow-run", obj_id=run_id)


def _row(run: FlowRun, flows: dict[UUID, str]) -> RunRow:
    state = run.state
    started = run.start_time
    seconds = run.total_run_time.total_seconds() if run.total_run_time else 0.0
    if state is not None and state.is_running() and started is not None:
        seconds = (dt.datetime.now(dt.UTC) - started).total_seconds()
    campaign = str(run.parameters.get("campaign_dir") or run.parameters.get("campaigns_dir") or "")
    return RunRow(
        id=run.id,
        name=run.name,
        flow=flows.get(run.flow_id, "?"),
        state=(state.name or state.type.value) if state else "Unknown",
        state_type=state.type.value if state else "UNKNOWN",
        campaign=campaign,
        started=started,
        expected=run.expected_start_time,
        seconds=seconds,
        message=state.message if state else None,
    )


def recent_runs(client: SyncPrefectClient, limit: int) -> tuple[list[RunRow], RunRow | None]:
    """The latest runs that have started or are queued, and the next scheduled one (if any)."""
    from prefect.client.schemas.filters import (
        FlowFilter,
        FlowFilterName,
        FlowRunFilter,
        FlowRunFilterState,
        FlowRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType
    from prefect.client.schemas.sorting import FlowRunSort

    flow_filter = FlowFilter(name=FlowFilterName(any_=list(FLOW_NAMES)))
    flows = {f.id: f.name for f in client.read_flows(flow_filter=flow_filter)}

    def runs(kind: FlowRunFilterStateType, sort: FlowRunSort, count: int) -> list[RunRow]:
        found = client.read_flow_runs(
            flow_filter=flow_filter,
            flow_run_filter=FlowRunFilter(state=FlowRunFilterState(type=kind)),
            sort=sort,
            limit=count,
        )
        return [_row(run, flows) for run in found]

    scheduled = [StateType.SCHEDULED]
    recent = runs(
        FlowRunFilterStateType(not_any_=scheduled), FlowRunSort.EXPECTED_START_TIME_DESC, min(limit, 200)
    )
    upcoming = runs(FlowRunFilterStateType(any_=scheduled), FlowRunSort.EXPECTED_START_TIME_ASC, 1)
    return recent, (upcoming[0] if upcoming else None)


def run_progress(client: SyncPrefectClient, run_id: str) -> RunProgress:
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
    from prefect.exceptions import ObjectNotFound

    try:
        uuid = UUID(run_id)
    except ValueError:
        raise UserInputError.single(
            None,
            f"{run_id!r} is not a flow run id",
            "pass the id `jointcampaign submit` printed "
            "(or one from `jointcampaign status`), e.g. 0692f4c1-8d5e-7a3b-8000-5b1e2c3d4e5f",
        ) from None
    try:
        run = client.read_flow_run(uuid)
    except ObjectNotFound:
        raise UserInputError.single(
            None,
            f"the Prefect server has no flow run {run_id}",
            "list recent runs with `jointcampaign status`",
        ) from None
    flow = client.read_flow(run.flow_id)
    progress = RunProgress(run=_row(run, {run.flow_id: flow.name}), url=run_url(run.id))
    tasks = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[uuid])), limit=200)
    for task_run in tasks:
        state = task_run.state
        kind = state.name if state and state.name == "Cached" else (state.type.value if state else "PENDING")
        progress.steps[kind.lower()] += 1
        if state is not None and state.is_running():
            progress.running.append(task_run.name)
        if state is not None and (state.is_failed() or state.is_crashed()):
            progress.failed.append((task_run.name, state.message or state.type.value))
    return progress


def task_progress(client: SyncPrefectClient, run_id: str) -> dict[str, float]:
    """Each task run of a flow run by name (`render-corner-cafe-es`): 1 done, 0.5 running, 0 otherwise."""
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    wanted = FlowRunFilter(id=FlowRunFilterId(any_=[UUID(run_id)]))
    progress: dict[str, float] = {}
    for task_run in client.read_task_runs(flow_run_filter=wanted, limit=200):
        state = task_run.state
        done = 1.0 if state is not None and state.is_completed() else 0.5 if state and state.is_running() else 0.0
        progress[task_run.name] = max(done, progress.get(task_run.name, 0.0))
    return progress
