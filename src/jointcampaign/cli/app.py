"""The `jointcampaign` command: a thin layer over the library and the Prefect flow."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.tree import Tree

from jointcampaign import __version__
from jointcampaign.cli.doctor import doctor_command
from jointcampaign.cli.support import (
    EXIT_BAD_INPUT,
    EXIT_FAILED,
    console,
    err_console,
    print_problems,
    split_list,
    user_errors,
)
from jointcampaign.cli.translate import translate_command
from jointcampaign.pipeline.validate import ValidationReport, validate_with_installed_models
from jointcampaign.settings import Settings

app = typer.Typer(
    name="jointcampaign",
    help=(
        "Turn one joint campaign folder into localized, co-branded deliverables for each partner, offline.\n\n"
        "Example, a typical session:\n\n"
        "  jointcampaign new campaigns/spring --partners corner-cafe,rosas-flowers --languages es,vi\n\n"
        "  jointcampaign validate campaigns/spring\n\n"
        "  jointcampaign run campaigns/spring --out out\n\n"
        "Exit codes: 0 ok, 1 the run failed (or partly failed), 2 bad input (the message says what to fix)."
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


def _mount_subcommands() -> None:
    """Every command group, mounted one way. A group that fails to import fails the command loudly:
    a CLI that silently lost `portal` or `review` would be worse than one that does not start."""
    from jointcampaign.cli.bundle import bundle_app
    from jointcampaign.cli.kpis import kpis_app
    from jointcampaign.cli.models import models_app
    from jointcampaign.cli.portal import portal_app
    from jointcampaign.cli.review import review_app
    from jointcampaign.cli.submit import register_commands
    from jointcampaign.cli.subtitles import subtitles_app

    for group, name, text in (
        (
            models_app,
            "models",
            "List, install, build and remove translation models.\n\n"
            "Example: jointcampaign models install --for campaigns/spring",
        ),
        (
            bundle_app,
            "bundle",
            "Check bundles: every checksum and file.\n\n"
            "Example: jointcampaign bundle verify out/spring/corner-cafe.zip",
        ),
        (
            portal_app,
            "portal",
            "Serve bundles to partners; manage their links.\n\n"
            "Example: jointcampaign portal token create corner-cafe --campaign spring, "
            "then jointcampaign portal serve --out out",
        ),
        (
            subtitles_app,
            "subtitles",
            "Check and translate subtitle files.\n\n"
            "Example: jointcampaign subtitles check video/main.srt --lang en --video video/main.mp4",
        ),
        (
            review_app,
            "review",
            "Export translations for human review; import fixes.\n\n"
            "Example: jointcampaign review export campaigns/spring --lang vi -o spring.vi.po",
        ),
        (
            kpis_app,
            "kpis",
            "Import code redemptions; show each partner's KPIs against target.\n\n"
            "Example: jointcampaign kpis show campaigns/spring --partner corner-cafe",
        ),
    ):
        app.add_typer(group, name=name, help=text)
    register_commands(app)  # `submit` and `status` are top-level commands, not a group


def _version(value: bool) -> None:
    if value:
        console.print(f"jointcampaign {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Joint campaigns for small businesses, localized offline."""


@app.command()
def new(
    folder: Annotated[Path, typer.Argument(help="Folder to create, e.g. campaigns/spring-2027.")],
    partners: Annotated[str, typer.Option(help="Partner ids, comma-separated: corner-cafe,rosas-flowers.")],
    languages: Annotated[
        str | None,
        typer.Option(help="Target languages (BCP 47), comma-separated. Default: every installed model."),
    ] = None,
) -> None:
    """Create a campaign folder that validates, with a brand kit for each new partner.

    Example: jointcampaign new campaigns/spring --partners corner-cafe,rosas-flowers --languages es,vi
    """
    from jointcampaign.pipeline.scaffold import scaffold_campaign
    from jointcampaign.translate.models.store import list_models

    with user_errors():
        wanted = split_list(languages)
        if not wanted:
            installed = list_models(Settings.for_process().model_shelf)
            wanted = sorted({m.to_code for m in installed if m.from_code == "en"}) or ["es"]
            wanted = ["zh-Hans" if code == "zh" else code for code in wanted]
        result = scaffold_campaign(folder, split_list(partners), wanted, dt.date.today())
    console.print(f"[green]Created[/] {result.folder}")
    for kit in result.created_kits:
        console.print(f"[green]Created brand kit[/] {kit} (replace logo.png with the partner's logo)")
    console.print(f"Next: edit {folder / 'campaign.yaml'}, then run [bold]jointcampaign validate {folder}[/]")


@app.command()
def validate(
    folder: Annotated[Path, typer.Argument(help="The campaign folder, e.g. campaigns/demo-cafe-florist.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON for scripts.")] = False,
    frames: Annotated[
        Path | None,
        typer.Option("--frames", help="Also write, into this folder, one PNG per cut shape: a frame of the video "
                     "with the layout and the platforms' buttons and captions (cuts.platforms) drawn over it."),
    ] = None,
) -> None:
    """Check a campaign folder and every file it names; report ALL problems at once.

    Each problem names the file, the line, the field, what is wrong and how to fix it.
    Files a partner has not supplied yet are listed as blockers for that partner; they do not fail validation.
    Exit code 2 when something must be fixed.

    Example: jointcampaign validate campaigns/demo-cafe-florist --frames out/frames
    """
    settings = Settings.for_process()
    written: list[Path] = []
    with user_errors():
        report = validate_with_installed_models(folder, settings)
        if frames is not None and report.ok and report.loaded is not None:
            from jointcampaign.pipeline.zone_frames import source_zone_frames

            written = [f.path for f in source_zone_frames(report.loaded, frames, settings.render_height)]
    if as_json:
        console.print_json(json.dumps({**_report_dict(report), "frames": [str(path) for path in written]}))
    else:
        _print_report(report)
        for path in written:
            console.print(f"Safe-zone frame: {path}")
    if not report.ok:
        raise typer.Exit(EXIT_BAD_INPUT)


@app.command()
def run(
    folder: Annotated[Path, typer.Argument(help="The campaign folder.")],
    out: Annotated[Path, typer.Option(help="Where the bundles go: OUT/<campaign>/<partner>.zip.")] = Path(
        "out"
    ),
    languages: Annotated[
        str | None, typer.Option(help="Only these campaign languages, comma-separated (e.g. es,ar).")
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show Prefect's own log lines.")] = False,
    task_runner: Annotated[
        str, typer.Option("--task-runner", help="Where cuts render: threads, processes, or dask (a cluster).")
    ] = "threads",
    dask_address: Annotated[
        str | None,
        typer.Option("--dask-address", help="Scheduler of an existing Dask cluster, tcp://HOST:8786."),
    ] = None,
    fresh: Annotated[
        bool,
        typer.Option("--fresh", help="Ignore every cached result and make everything again (then cache it anew)."),
    ] = False,
) -> None:
    """Validate, translate, render and bundle, here and now (a Prefect flow run in this process).

    Steps whose inputs did not change since the last run into the same --out are reused, not redone:
    a step is reused only while its outputs are byte for byte what it made, and failed steps always
    run again. `jointcampaign doctor OUT` checks the cache; --fresh redoes everything.

    Example: jointcampaign run campaigns/demo-cafe-florist --out out --languages es,ar
    """
    with user_errors():
        report = validate_with_installed_models(folder, Settings.for_process())
        if not report.ok:
            print_problems(report.errors, "The campaign cannot run yet")
            raise typer.Exit(EXIT_BAD_INPUT)
        # "Fully offline": the in-process Prefect server must not try to phone home (its telemetry
        # job also races the local SQLite database and prints a traceback at the user).
        os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
        os.environ.setdefault("DO_NOT_TRACK", "1")
        if not verbose:
            os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
        from jointcampaign.cli.run_progress import run_with_progress

        summary = run_with_progress(folder, out, split_list(languages), task_runner, dask_address, fresh)
    tree = Tree(f"[bold]{summary.out_dir}[/]")
    for partner, zip_path in summary.bundles.items():
        branch = tree.add(f"[green]{zip_path.name}[/]  ({zip_path.stat().st_size / 1e6:.1f} MB)")
        bag = zip_path.with_suffix("")
        for sub in sorted((bag / "data").iterdir()):
            branch.add(f"{partner}/data/{sub.name}{'/' if sub.is_dir() else ''}")
    console.print(tree)
    for failure in summary.failures:
        err_console.print(
            f"[red]✗ {failure.stage} {failure.language or ''} {failure.partner or ''}:[/] {failure.message}",
            highlight=False,
        )
    unsure = {language: count for language, count in summary.needs_review.items() if count}
    if unsure:
        listed = ", ".join(f"{language} {count}" for language, count in unsure.items())
        console.print(
            f"[yellow]{sum(unsure.values())} translated string(s) need review ({listed}), counted over all "
            f"bundles (each partner's end card is its own); {summary.drafts} cut(s) carry a DRAFT mark. "
            f"Each bundle's qc.html lists its own under “Needs review”, with the fix.[/]",
            highlight=False,
        )
    if summary.blockers:
        console.print(f"[yellow]{summary.blockers} blocker(s): see brief.html and qc.html in each bundle.[/]")
    if summary.failures:
        raise typer.Exit(EXIT_FAILED)
    console.print(f"[bold green]Done.[/] Bundles: {summary.out_dir}")


app.command("translate")(translate_command)
app.command("doctor")(doctor_command)


def _print_report(report: ValidationReport) -> None:
    loaded = report.loaded
    if loaded is not None:
        campaign = loaded.campaign
        table = Table(title=f"{campaign.title} ({loaded.slug})", show_header=False)
        table.add_row("Partners", ", ".join(f"{loaded.partner_name(p)} ({p})" for p in campaign.partner_ids))
        table.add_row("Languages", f"{campaign.source_language} → {', '.join(campaign.languages)}")
        for partner in campaign.partner_ids:
            # Which bundle gets which language: only these are translated and rendered for it.
            table.add_row(f"  {loaded.partner_name(partner)} gets", ", ".join(campaign.languages_for(partner)) or "—")
        table.add_row("Cuts", ", ".join(campaign.cuts.aspects))
        table.add_row("Platforms", ", ".join(campaign.cuts.platforms) or "— (only the cuts' own margins)")
        table.add_row(
            "Offers", ", ".join(f"{o.code} ({o.discount} at {o.honoured_by})" for o in campaign.offers)
        )
        console.print(table)
        owners = Table(title="Deliverables")
        for column in ("Deliverable", "Kind", "Owner", "Due", "Status"):
            owners.add_column(column)
        blocked = {b.deliverable for b in report.blockers}
        for item in campaign.deliverables:
            status = "[yellow]missing[/]" if item.id in blocked else "[green]ok[/]"
            owners.add_row(item.id, item.kind, loaded.partner_name(item.owner), item.due.isoformat(), status)
        console.print(owners)
        for blocker in report.blockers:
            console.print(
                f"[yellow]Blocker for {blocker.partner}:[/] {blocker.deliverable}: {blocker.message}"
            )
    print_problems(report.warnings + report.errors)
    if report.ok:
        console.print("[bold green]Valid.[/] Run it with: jointcampaign run " + str(report.folder))


def _report_dict(report: ValidationReport) -> dict[str, object]:
    loaded = report.loaded
    return {
        "ok": report.ok,
        "folder": str(report.folder),
        "campaign": loaded.slug if loaded else None,
        "partners": loaded.campaign.partner_ids if loaded else [],
        "languages": loaded.campaign.languages if loaded else [],
        "partner_languages": {p: loaded.campaign.languages_for(p) for p in loaded.campaign.partner_ids}
        if loaded
        else {},
        "cuts": list(loaded.campaign.cuts.aspects) if loaded else [],
        "errors": [p.as_dict() for p in report.errors],
        "warnings": [p.as_dict() for p in report.warnings],
        "blockers": [b.as_dict() for b in report.blockers],
    }


_mount_subcommands()


def main() -> None:
    app()


if __name__ == "__main__":
    main()
