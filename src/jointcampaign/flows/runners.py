"""Where render tasks run: threads here, processes here, or an existing Dask cluster.

Only rendering (CPU-heavy, independent per cut) is sent away; translation keeps its loaded models
in the flow's own process, and bundling needs every cut on the flow's disk anyway.
"""

from __future__ import annotations

from typing import Any, Literal

from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner, ThreadPoolTaskRunner

from jointcampaign.errors import UserInputError

RenderRunner = Literal["threads", "processes", "dask"]
RENDER_RUNNERS: tuple[RenderRunner, ...] = ("threads", "processes", "dask")


def parse_render_runner(kind: str, dask_address: str | None) -> RenderRunner:
    """The runner named on a command line, checked before anything starts."""
    for known in RENDER_RUNNERS:
        if kind == known:
            if known == "dask" and not dask_address:
                raise UserInputError.single(
                    None,
                    "the dask task runner needs the address of a running Dask scheduler",
                    "add --dask-address tcp://HOST:8786 (the address `dask scheduler` prints), "
                    "or choose --task-runner threads",
                    field="dask_address",
                )
            return known
    raise UserInputError.single(
        None, f"unknown task runner {kind!r}", f"choose one of {', '.join(RENDER_RUNNERS)}",
        field="task_runner",
    )


def render_task_runner(kind: RenderRunner, dask_address: str | None, workers: int) -> TaskRunner[Any]:
    if parse_render_runner(kind, dask_address) == "dask":
        from prefect_dask.task_runners import DaskTaskRunner

        runner: TaskRunner[Any] = DaskTaskRunner(address=dask_address)
        return runner
    if kind == "processes":
        return ProcessPoolTaskRunner(max_workers=workers)
    return ThreadPoolTaskRunner(max_workers=workers)
