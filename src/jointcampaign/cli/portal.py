"""`jointcampaign portal ...`: serve bundles to partners and manage their personal links."""

from __future__ import annotations

import datetime as dt
import ipaddress
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Column, Table
from rich.text import Text

from jointcampaign.cli.support import EXIT_BAD_INPUT, console, err_console, user_errors
from jointcampaign.errors import UserInputError
from jointcampaign.settings import Settings

portal_app = typer.Typer(help="Serve bundles to partners; manage their personal links.", no_args_is_help=True)
token_app = typer.Typer(
    help=(
        "Create, list and withdraw partners' personal links.\n\n"
        "Example: jointcampaign portal token create corner-cafe --campaign spring --expires 2w"
    ),
    no_args_is_help=True,
)
portal_app.add_typer(token_app, name="token")
# the campaign desk (issue 18): leads' links and their submissions
from jointcampaign.cli.desk import DEFAULT_DEPLOYMENT, desk_app, desk_config, lead_app  # noqa: E402

portal_app.add_typer(lead_app, name="lead")
portal_app.add_typer(desk_app, name="desk")

OutOption = Annotated[
    Path,
    typer.Option("--out", envvar="JOINTCAMPAIGN_OUT", help="The output folder: OUT/<campaign>/<partner>/."),
]
DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db",
        envvar="JOINTCAMPAIGN_PORTAL_DB",
        help="SQLite file for link hashes and the audit log (default: JOINTCAMPAIGN_HOME/portal.sqlite3).",
    ),
]


def _db(db: Path | None) -> Path:
    return db if db is not None else Settings.from_env().home / "portal.sqlite3"


def _add_row(table: Table, *values: str) -> None:
    # cells hold partner-supplied text: show it literally, never as rich markup
    table.add_row(*(Text(value) for value in values))


def _when(epoch: float | None) -> str:
    if epoch is None:
        return "—"
    return dt.datetime.fromtimestamp(epoch, tz=dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


@portal_app.command()
def serve(
    out: OutOption = Path("out"),
    host: Annotated[
        str, typer.Option(help="Address to listen on; keep loopback unless behind HTTPS.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    db: DbOption = None,
    assets: Annotated[
        Path, typer.Option(help="Shared brand kits (assets/partners/<id>/) for campaigns uploaded to the desk.")
    ] = Path("assets"),
    runner: Annotated[
        str,
        typer.Option(help="Where desk submissions run: auto (prefect if PREFECT_API_URL is set), local, prefect."),
    ] = "auto",
    deployment: Annotated[str, typer.Option(help="The Prefect deployment desk runs go to.")] = DEFAULT_DEPLOYMENT,
    submissions: Annotated[
        Path | None,
        typer.Option(envvar="JOINTCAMPAIGN_SUBMISSIONS", help="Snapshots of submitted campaigns (default: $JOINTCAMPAIGN_HOME/submissions)."),
    ] = None,
    metrics_db: Annotated[
        str | None,
        typer.Option(
            "--metrics-db", envvar="JOINTCAMPAIGN_METRICS_DB",
            help="Where clicks and redemptions are kept: a path, sqlite:///PATH or postgresql://USER:PASSWORD@HOST/DB "
            "(default: the --db file).",
        ),
    ] = None,
) -> None:
    """Serve the output folder to partners (each sees only their own bundles) and the campaign desk
    to leads at /desk (Ctrl+C stops).

    Example: jointcampaign portal serve --out out --assets assets
    Several portal processes counting into one PostgreSQL:
      jointcampaign portal serve --out out --metrics-db postgresql://portal:secret@db.internal/jointcampaign
    """
    import uvicorn

    from jointcampaign.desk.app import create_portal_with_desk
    from jointcampaign.portal.logs import uvicorn_log_config

    with user_errors():
        if not out.is_dir():
            raise UserInputError.single(
                out, "the output folder does not exist", "run `jointcampaign run` first"
            )
        if not _is_loopback(host):
            err_console.print(
                f"[yellow]Serving on {host} over plain HTTP: links travel unencrypted. "
                "Put the portal behind an HTTPS proxy for anything but a local network.[/]",
                highlight=False,
            )
        desk = desk_config(out.resolve(), assets, submissions, runner, deployment)
        app = create_portal_with_desk(out.resolve(), _db(db), desk, metrics_db=metrics_db)
    err_console.print(f"Portal for {out.resolve()} on http://{host}:{port}/", highlight=False, markup=False)
    uvicorn.run(app, host=host, port=port, log_config=uvicorn_log_config(), server_header=False)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@token_app.command("create")
def token_create(
    partner: Annotated[str, typer.Argument(help="Partner id (as in campaign.yaml).")],
    campaign: Annotated[str | None, typer.Option(help="Limit the link to one campaign slug.")] = None,
    expires: Annotated[str, typer.Option(help="Lifetime: 90m, 12h, 30d or 2w.")] = "30d",
    base_url: Annotated[str, typer.Option(help="Where partners reach the portal.")] = "http://127.0.0.1:8000",
    out: OutOption = Path("out"),
    db: DbOption = None,
) -> None:
    """Create a personal link for PARTNER and print it (the link is shown only this once).

    Example: jointcampaign portal token create corner-cafe --campaign spring --base-url https://portal.example.org
    """
    from jointcampaign.portal.tokens import TokenStore, parse_lifetime

    with user_errors():
        lifetime = parse_lifetime(expires)
        issued = TokenStore(_db(db)).create(partner, campaign, lifetime)
    scope = f"campaign {campaign}" if campaign else "all their campaigns"
    bag_glob = f"{campaign or '*'}/{partner}/bagit.txt"
    if not any(out.glob(bag_glob)):
        err_console.print(
            f"[yellow]No bundle for {partner} in {escape(str(out))} yet; the link works once it does.[/]",
            highlight=False,
        )
    typer.echo(f"{base_url.rstrip('/')}/t/{issued.token}")
    valid_until = _when(issued.record.expires_at)
    err_console.print(
        f"Link {issued.record.token_id} for {partner} ({scope}), valid until {valid_until}.\n"
        f"Withdraw it with: jointcampaign portal token revoke {issued.record.token_id}",
        highlight=False,
        markup=False,
    )


@token_app.command("revoke")
def token_revoke(
    token: Annotated[
        str | None, typer.Argument(help="Link id (from `token list`), the token or the link.")
    ] = None,
    partner: Annotated[str | None, typer.Option(help="Withdraw every link of this partner instead.")] = None,
    db: DbOption = None,
) -> None:
    """Withdraw a link at once; open pages stop working on their next request.

    Example: jointcampaign portal token revoke LINK_ID (or --partner corner-cafe: every link of that partner)
    """
    from jointcampaign.portal.tokens import TokenStore

    store = TokenStore(_db(db))
    if (token is None) == (partner is None):
        err_console.print("[red]Give either a link id or --partner.[/]")
        raise typer.Exit(EXIT_BAD_INPUT)
    if partner is not None:
        console.print(f"Withdrew {store.revoke_partner(partner)} link(s) of {partner}.", highlight=False)
        return
    assert token is not None
    if not store.revoke(token):
        err_console.print("[red]No active link with that id.[/] See `jointcampaign portal token list`.")
        raise typer.Exit(EXIT_BAD_INPUT)
    console.print("Link withdrawn.")


@token_app.command("list")
def token_list(
    partner: Annotated[str | None, typer.Option(help="Only this partner's links.")] = None,
    db: DbOption = None,
) -> None:
    """List links (ids, scope, expiry, status); the tokens themselves are never stored.

    Example: jointcampaign portal token list --partner corner-cafe
    """
    import time

    from jointcampaign.portal.tokens import TokenStore

    table = Table(Column("id", no_wrap=True), "partner", "campaign", "created", "expires", "status")
    now = time.time()
    for record in TokenStore(_db(db)).records(partner):
        status = "withdrawn" if record.revoked_at else "expired" if record.expires_at <= now else "active"
        _add_row(
            table,
            record.token_id,
            record.partner,
            record.campaign or "(all)",
            _when(record.created_at),
            _when(record.expires_at),
            status,
        )
    console.print(table)


@portal_app.command()
def audit(
    partner: Annotated[str | None, typer.Option(help="Only this partner.")] = None,
    campaign: Annotated[str | None, typer.Option(help="Only this campaign slug.")] = None,
    limit: Annotated[int, typer.Option(min=1, help="How many of the newest entries.")] = 100,
    db: DbOption = None,
) -> None:
    """Print who opened and downloaded what, and when (newest last).

    Example: jointcampaign portal audit --partner corner-cafe --campaign spring --limit 20
    """
    from jointcampaign.portal.audit import AuditLog

    # one line per event: readable in a narrow terminal and easy to grep
    for entry in AuditLog(_db(db)).entries(partner=partner, campaign=campaign, limit=limit):
        fields = [
            _when(entry.at),
            entry.partner or "-",
            entry.campaign or "-",
            entry.action,
            str(entry.status),
            entry.path or "-",
            entry.byte_range or "",
            f"link={entry.token_id or '-'}",
            f"from={entry.client or '-'}",
        ]
        console.print(Text("  ".join(field for field in fields if field)), soft_wrap=True)


if __name__ == "__main__":
    portal_app()
