"""Run the flow in this process with a Rich progress display fed by the core's progress reports."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from jointcampaign import progress
from jointcampaign.cli.support import console

if TYPE_CHECKING:
    from jointcampaign.flows.localize_campaign import RunSummary


def run_with_progress(
    folder: Path,
    out: Path,
    languages: list[str],
    task_runner: str = "threads",
    dask_address: str | None = None,
    fresh: bool = False,
) -> RunSummary:
    from jointcampaign.flows.localize_campaign import localize_campaign
    from jointcampaign.flows.runners import parse_render_runner

    bars: dict[tuple[str, str], TaskID] = {}
    with Progress(
        TextColumn("[bold]{task.fields[stage]:<10}[/] {task.description:<28}"),
        BarColumn(),
        TextColumn("{task.percentage:>5.0f}%"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as display:

        def listener(stage: str, step: str, done: float, total: float) -> None:
            key = (stage, step)
            if key not in bars:
                bars[key] = display.add_task(step, total=total, stage=stage)
            display.update(bars[key], completed=done, total=total)

        progress.attach(listener)
        try:
            return localize_campaign(
                campaign_dir=folder,
                out_dir=out,
                languages=languages or None,
                task_runner=parse_render_runner(task_runner, dask_address),
                dask_address=dask_address,
                fresh=fresh,
            )
        finally:
            progress.attach(None)
