"""`jointcampaign doctor OUT`: what the cache of an output folder holds, and what of it is dead weight."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from jointcampaign.cli.support import EXIT_BAD_INPUT, EXIT_FAILED, console, err_console
from jointcampaign.errors import StageFailedError
from jointcampaign.pipeline.doctor import Checkup, campaign_layouts, examine, repair
from jointcampaign.pipeline.lock import campaign_lock


def doctor_command(
    out: Annotated[
        Path, typer.Argument(help="An output folder (the --out of `run`), or one campaign's folder in it.")
    ],
    fix: Annotated[
        bool, typer.Option("--fix", help="Remove what is reported (never a bundle a partner downloads).")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the findings as JSON for scripts.")] = False,
) -> None:
    """Check the work folder against the cache records: what a rerun reuses, what is stale or orphaned.

    A run never reuses a record whose outputs changed since it was made, so nothing reported here
    can end up in a bundle; the report is for when you doubt the cache. Reported: stale or unsealed
    records (they will be redone), stored results of failed steps, seals without records, temp
    files of runs that died, work files no kept record vouches for. --fix removes them while
    holding the campaign's run lock (it waits for no run: if one is going on, try again later).

    Exit code 0 when healthy (or fixed), 1 when something is reported, 2 when OUT is not an output folder.

    Example: jointcampaign doctor out --fix
    """
    if not out.is_dir():
        err_console.print(f"[bold red]Missing:[/] {escape(str(out))} is not a folder", highlight=False)
        err_console.print("    fix: pass the folder given to `jointcampaign run --out` (default: out)")
        raise typer.Exit(EXIT_BAD_INPUT)
    layouts = campaign_layouts(out)
    if not layouts:
        err_console.print(
            f"[bold red]Not an output folder:[/] {escape(str(out))} holds no campaign's .work folder"
        )
        err_console.print("    fix: pass the folder given to `jointcampaign run --out`, after a run")
        raise typer.Exit(EXIT_BAD_INPUT)
    checkups: list[Checkup] = []
    removed: dict[str, int] = {}
    for layout in layouts:
        try:
            with campaign_lock(layout.campaign_dir, timeout_s=0):
                checkup = examine(layout)
                if fix:
                    removed[layout.slug] = len(repair(checkup))
        except StageFailedError as exc:
            err_console.print(f"[yellow]{layout.slug}: a run is going on[/] ({exc})", highlight=False)
            raise typer.Exit(EXIT_FAILED) from None
        checkups.append(checkup)
    if as_json:
        console.print_json(json.dumps([_as_dict(c, removed.get(c.layout.slug)) for c in checkups]))
    else:
        for checkup in checkups:
            _print(checkup, removed.get(checkup.layout.slug))
    if not fix and not all(c.healthy for c in checkups):
        raise typer.Exit(EXIT_FAILED)


def _as_dict(checkup: Checkup, removed: int | None) -> dict[str, object]:
    return {
        "campaign": checkup.layout.slug,
        "folder": str(checkup.layout.campaign_dir),
        "reusable_records": checkup.reusable,
        "findings": [{"kind": f.kind, "path": str(f.path), "detail": f.detail} for f in checkup.findings],
        "removed": removed,
    }


def _print(checkup: Checkup, removed: int | None) -> None:
    name = escape(str(checkup.layout.campaign_dir))
    if checkup.healthy:
        console.print(f"[green]✓ {name}[/]: {checkup.reusable} cached step(s), all reusable; nothing stale")
        return
    console.print(
        f"[bold]{name}[/]: {checkup.reusable} reusable cached step(s), {len(checkup.findings)} finding(s)"
    )
    for finding in checkup.findings:
        shown = escape(str(finding.path.relative_to(checkup.layout.campaign_dir)))
        console.print(f"  [yellow]{finding.kind}[/] {shown}: {escape(finding.detail)}", highlight=False)
    if removed is None:
        console.print("  run again with --fix to remove them")
    else:
        console.print(f"  [green]removed {removed} file(s) or folder(s)[/]")
