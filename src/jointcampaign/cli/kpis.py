"""`jointcampaign kpis ...`: redemptions in from a till's export, each partner's KPIs against target out."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from jointcampaign.cli.support import console, user_errors
from jointcampaign.errors import UserInputError
from jointcampaign.settings import Settings

kpis_app = typer.Typer(
    help="Import code redemptions; show each KPI against its target and pace.", no_args_is_help=True
)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar=["JOINTCAMPAIGN_METRICS_DB", "JOINTCAMPAIGN_PORTAL_DB"],
        help="Where clicks and redemptions are kept: the portal's SQLite file, or a sqlite:/// or "
        "postgresql://USER:PASSWORD@HOST/DB URL (default: JOINTCAMPAIGN_METRICS_DB, else "
        "JOINTCAMPAIGN_HOME/portal.sqlite3).",
    ),
]
STATE_STYLE = {"met": "green", "on track": "green", "behind": "red", "not measured": "dim"}


def _db(db: str | None) -> str | Path:
    return db if db else Settings.from_env().metrics_db


def _mapping(entries: list[str]) -> dict[str, str]:
    mapped = {}
    for entry in entries:
        header, sep, field = entry.rpartition("=")
        if not sep or not header.strip() or not field.strip():
            raise UserInputError.single(
                None, f"--map {entry!r} is not COLUMN=FIELD", "write it like --map 'Promo Code=code'"
            )
        mapped[header.strip()] = field.strip().lower()
    return mapped


@kpis_app.command("import")
def import_command(
    campaign: Annotated[Path, typer.Argument(help="The campaign folder, e.g. campaigns/demo-cafe-florist.")],
    file: Annotated[Path, typer.Argument(help="The point-of-sale export (.csv) with one row per sale.")],
    map_: Annotated[
        list[str] | None,
        typer.Option("--map", help="COLUMN=FIELD for headers it does not recognise; fields: code, date, receipt, amount."),
    ] = None,
    dates: Annotated[
        str | None,
        typer.Option(help="How to read dates like 03/04/2026: dmy (day first) or mdy (month first)."),
    ] = None,
    db: DbOption = None,
) -> None:
    """Count the offer codes redeemed in a till's CSV export.

    Columns are found by their header (Date, Promo code, Receipt, Total ... in any order; ; or , as
    separator). A row with an unknown code or a date that cannot be read stops the import with its
    line number, and nothing is stored until the file is clean. Importing the same file again adds
    nothing: every row has a fingerprint (its receipt number, else its date and amount).

    Example: jointcampaign kpis import campaigns/demo-cafe-florist till-december.csv --map "Gutschein=code"
    """
    from jointcampaign.pipeline.measure import import_redemptions, load_for_measuring

    with user_errors():
        if dates is not None and dates not in ("dmy", "mdy"):
            raise UserInputError.single(None, f"--dates {dates!r} is not dmy or mdy", "pass --dates dmy or --dates mdy")
        loaded = load_for_measuring(campaign)
        result, without_code = import_redemptions(loaded, file, _db(db), _mapping(map_ or []), dates)
    console.print(
        f"Imported {result.added} redemption(s) from {file.name}; {result.already_imported} already counted (imported before, or listed twice); "
        f"{without_code} sale(s) without a code skipped.",
        highlight=False,
        markup=False,
    )


@kpis_app.command("show")
def show_command(
    campaign: Annotated[Path, typer.Argument(help="The campaign folder, e.g. campaigns/demo-cafe-florist.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the numbers as JSON for scripts.")] = False,
    partner: Annotated[str | None, typer.Option(help="Only what this partner sees: its own and shared KPIs.")] = None,
    today: Annotated[
        str | None, typer.Option(help="Count up to this day (YYYY-MM-DD) instead of today.")
    ] = None,
    db: DbOption = None,
) -> None:
    """Each KPI's value so far, its target, the pace needed until the end date, and its state
    (met / on track / behind); then who sent whom how many customers, against the revenue split.

    Clicks are counted by the portal's /r/<id> redirect (bots and link previews are not counted);
    redemptions come from `jointcampaign kpis import`.

    Example: jointcampaign kpis show campaigns/demo-cafe-florist --partner corner-cafe --json
    """
    from jointcampaign.pipeline.measure import kpi_report, load_for_measuring

    with user_errors():
        day = _day(today)
        loaded = load_for_measuring(campaign)
        if partner is not None and partner not in loaded.campaign.partner_ids:
            raise UserInputError.single(
                loaded.campaign_file, f"--partner {partner!r} is not a partner of this campaign",
                f"use one of: {', '.join(loaded.campaign.partner_ids)}",
            )  # fmt: skip
        report = kpi_report(loaded, _db(db), day)
        if partner is not None:
            report = report.for_partner(partner)
    if as_json:
        print(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
        return
    names = report.partners
    table = Table(title=f"{report.title}: KPIs on {report.today} (measured {report.start} → {report.end})")
    for column in ("Metric", "Owner", "Value", "Target", "Expected by now", "Needed a day", "State"):
        table.add_column(column, justify="right" if column not in ("Metric", "Owner", "State") else "left")
    for k in report.kpis:
        table.add_row(
            Text(k.metric), Text(names.get(k.owner, k.owner) + (" (shared)" if k.shared else "")),
            "—" if k.value is None else str(k.value), f"{k.target:g}", f"{k.expected_by_now:g}",
            "—" if k.needed_per_day is None else f"{k.needed_per_day:g}",
            Text(k.state, style=STATE_STYLE[k.state]),
        )  # fmt: skip
    console.print(table)
    referrals = Table(title="Who sent whom")
    for column in ("From the audience of", "To", "Clicks", "Redemptions"):
        referrals.add_column(column)
    for r in report.referrals:
        referrals.add_row(Text(names[r.sender]), Text(names[r.receiver]), str(r.clicks), str(r.redemptions))
    console.print(referrals)
    balance = Table(title="Redemptions received against the revenue split")
    for column in ("Partner", "Received", "Share", "Agreed revenue", "Gap"):
        balance.add_column(column)
    for b in report.balance:
        balance.add_row(Text(names[b.partner]), str(b.received_redemptions), b.share_text(),
                        f"{b.agreed_revenue_percent:g}%", b.gap_text())  # fmt: skip
    console.print(balance)
    for by in ("language", "placement"):
        counts = report.breakdown(by)
        labels = sorted({label for per_kind in counts.values() for label in per_kind})
        if not labels:
            continue
        split = Table(title=f"Clicks and redemptions by {by} (a redemption whose code does not say: unknown)")
        for column in (by.capitalize(), *(kind.capitalize() for kind in counts)):
            split.add_column(column)
        for label in labels:
            split.add_row(Text(label), *(str(per_kind.get(label, 0)) for per_kind in counts.values()))
        console.print(split)


def _day(text: str | None) -> dt.date:
    if text is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UserInputError.single(None, f"--today {text!r} is not a date", "write it as YYYY-MM-DD") from None
