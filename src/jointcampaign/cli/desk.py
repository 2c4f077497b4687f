"""`jointcampaign portal lead ...` and `portal desk status`: links for campaign leads, and their runs.

Leads use the campaign desk (/desk on the portal) to upload, fix, submit and follow campaigns. Their
links are issued, listed and withdrawn here, like partners' links with `portal token ...`.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Column, Table
from rich.text import Text

from jointcampaign.cli.support import EXIT_BAD_INPUT, console, err_console, user_errors
from jointcampaign.settings import Settings

if TYPE_CHECKING:
    from jointcampaign.desk.service import DeskConfig

lead_app = typer.Typer(
    help=(
        "Create, list and withdraw campaign leads' links to the campaign desk.\n\n"
        "Example: jointcampaign portal lead create ana --campaign spring"
    ),
    no_args_is_help=True,
)
desk_app = typer.Typer(
    help="Follow campaign desk submissions from the terminal.\n\nExample: jointcampaign portal desk status spring",
    no_args_is_help=True,
)

DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db",
        envvar="JOINTCAMPAIGN_PORTAL_DB",
        help="The portal's SQLite file (default: JOINTCAMPAIGN_HOME/portal.sqlite3).",
    ),
]
DEFAULT_DEPLOYMENT = "localize-campaign/localize-campaign"
RUNNERS = ("auto", "local", "prefect")


def _db(db: Path | None) -> Path:
    return db if db is not None else Settings.from_env().home / "portal.sqlite3"


def _when(epoch: float | None) -> str:
    from jointcampaign.desk.run_view import when

    return when(epoch)


def desk_root(built: Settings) -> Path:
    return built.home / "desk"


def desk_config(
    out: Path, assets: Path, submissions: Path | None, runner: str, deployment: str
) -> DeskConfig:
    """The desk's configuration for `portal serve`, from Settings and the command's options."""
    from jointcampaign.desk.service import DeskConfig
    from jointcampaign.errors import UserInputError
    from jointcampaign.portal.upload_paths import UploadLimits
    from jointcampaign.translate.engines.routing import pair_available

    if runner not in RUNNERS:
        raise UserInputError.single(
            None, f"--runner {runner!r} is not a runner", "use auto, local or prefect", field="--runner"
        )
    built = Settings.for_process()
    chosen = runner
    if runner == "auto":
        chosen = "prefect" if os.environ.get("PREFECT_API_URL") else "local"
    return DeskConfig(
        root=desk_root(built),
        submissions_dir=submissions if submissions is not None else built.home / "submissions",
        assets_dir=assets.resolve(),
        limits=UploadLimits.from_settings(built),
        has_model=lambda source, target: pair_available(built, source, target),
        runner=chosen,
        deployment=deployment,
    )


@lead_app.command("create")
def lead_create(
    lead: Annotated[
        str, typer.Argument(help="A name for the lead, e.g. ana (shown on the desk and in the history).")
    ],
    campaign: Annotated[
        list[str],
        typer.Option("--campaign", "-c", help="A campaign slug this lead may submit; repeat for more."),
    ],
    expires: Annotated[str, typer.Option(help="Lifetime: 90m, 12h, 30d or 2w.")] = "30d",
    base_url: Annotated[str, typer.Option(help="Where leads reach the portal.")] = "http://127.0.0.1:8000",
    db: DbOption = None,
) -> None:
    """Create a desk link for LEAD and print it (the link is shown only this once).

    Example: jointcampaign portal lead create ana --campaign demo-cafe-florist --campaign spring-2027
    """
    from jointcampaign.portal.lead_tokens import LeadStore
    from jointcampaign.portal.tokens import parse_lifetime

    with user_errors():
        lifetime = parse_lifetime(expires)
        issued = LeadStore(_db(db)).create(lead, campaign, lifetime)
    typer.echo(f"{base_url.rstrip('/')}/desk/t/{issued.token}")
    err_console.print(
        f"Desk link {issued.record.token_id} for lead {lead} ({', '.join(issued.record.campaigns)}), "
        f"valid until {_when(issued.record.expires_at)}.\n"
        f"Withdraw it with: jointcampaign portal lead revoke {issued.record.token_id}",
        highlight=False,
        markup=False,
    )


@lead_app.command("revoke")
def lead_revoke(
    token: Annotated[
        str | None, typer.Argument(help="Link id (from `lead list`), the token or the link.")
    ] = None,
    lead: Annotated[str | None, typer.Option(help="Withdraw every link of this lead instead.")] = None,
    db: DbOption = None,
) -> None:
    """Withdraw a lead's link at once; open desk pages stop working on their next request.

    Example: jointcampaign portal lead revoke LINK_ID (or --lead ana: every link of that lead)
    """
    from jointcampaign.portal.lead_tokens import LeadStore

    store = LeadStore(_db(db))
    if (token is None) == (lead is None):
        err_console.print("[red]Give either a link id or --lead.[/]")
        raise typer.Exit(EXIT_BAD_INPUT)
    if lead is not None:
        console.print(f"Withdrew {store.revoke_lead(lead)} desk link(s) of {lead}.", highlight=False)
        return
    assert token is not None
    if not store.revoke(token):
        err_console.print("[red]No active desk link with that id.[/] See `jointcampaign portal lead list`.")
        raise typer.Exit(EXIT_BAD_INPUT)
    console.print("Desk link withdrawn.")


@lead_app.command("list")
def lead_list(
    lead: Annotated[str | None, typer.Option(help="Only this lead's links.")] = None,
    db: DbOption = None,
) -> None:
    """List desk links (ids, campaigns, expiry, status); the tokens themselves are never stored.

    Example: jointcampaign portal lead list --lead ana
    """
    from jointcampaign.portal.lead_tokens import LeadStore

    table = Table(Column("id", no_wrap=True), "lead", "campaigns", "created", "expires", "status")
    now = time.time()
    for record in LeadStore(_db(db)).records(lead):
        status = "withdrawn" if record.revoked_at else "expired" if record.expires_at <= now else "active"
        values = (
            record.token_id,
            record.lead,
            ", ".join(record.campaigns),
            _when(record.created_at),
            _when(record.expires_at),
            status,
        )
        table.add_row(*(Text(value) for value in values))
    console.print(table)


@desk_app.command("status")
def desk_status(
    campaign: Annotated[str, typer.Argument(help="The campaign slug, e.g. demo-cafe-florist.")],
    submission: Annotated[str | None, typer.Option(help="One submission id; default: the latest.")] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print what the run page's status.json says.")
    ] = False,
    deployment: Annotated[
        str, typer.Option(help="The Prefect deployment desk runs go to.")
    ] = DEFAULT_DEPLOYMENT,
    out: Annotated[
        Path, typer.Option("--out", envvar="JOINTCAMPAIGN_OUT", help="The portal's output folder.")
    ] = Path("out"),
    db: DbOption = None,
) -> None:
    """Show a desk submission's state, step by step: the same data the run page shows.

    Example: jointcampaign portal desk status demo-cafe-florist
    """
    from jointcampaign.desk.run_view import current_view
    from jointcampaign.desk.runner import LocalRunner, PrefectQueue, Runner
    from jointcampaign.desk.store import FAILED, PARTIAL, SubmissionStore

    store = SubmissionStore(_db(db))
    found = store.get(submission) if submission else next(iter(store.for_campaign(campaign, limit=1)), None)
    if found is None or found.campaign != campaign:
        err_console.print(f"[red]No desk submission of {campaign} found.[/]", highlight=False)
        raise typer.Exit(EXIT_BAD_INPUT)
    root = desk_root(Settings.from_env())
    with user_errors():
        runner: Runner = (
            PrefectQueue(store, out, deployment)
            if found.runner == "prefect"
            else LocalRunner(store, out, root / "runs")
        )
        try:
            plan = json.loads((root / "runs" / found.id / "plan.json").read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            plan = {}
        view = current_view(found, runner, store, plan, time.time())
    if as_json:
        print(json.dumps(view.as_dict()))
    else:
        console.print(Text(f"{view.title} ({view.campaign}) submission {view.id} by {view.lead}"))
        console.print(Text(f"State: {view.state_text}" + (f" — {view.message}" if view.message else "")))
        console.print(Text(f"Submitted {view.submitted}; runs on {view.runner_label}"))
        for stage in view.stages:
            steps = ", ".join(f"{s.step} {'failed' if s.failed else f'{s.done:.0%}'}" for s in stage.steps)
            console.print(Text(f"  {stage.label}: {stage.done:.0%}" + (f" ({steps})" if steps else "")))
        for bundle in view.bundles:
            console.print(Text(f"  bundle {bundle.partner}: sha256 {bundle.sha256}"))
    if view.state in (FAILED, PARTIAL):
        raise typer.Exit(1)
