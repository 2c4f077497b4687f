"""Where a campaign meets the metrics library: its tracked links, KPIs and dates as a MeasurePlan.

Each partner's audience gets links of its own, one per language × cut × placement, so the
portal can count who sent whom and through which video or post. The link ids are derived from
those names, so the same campaign always prints the same QR codes.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from jointcampaign.campaign.load import LoadedCampaign
from jointcampaign.metrics.links import PLACEMENTS, TrackedLink, content_tag, link_id, redirect_url, utm_url
from jointcampaign.metrics.plan import CodePlan, KpiPlan, MeasurePlan, OfferPlan, read_plan, write_plan
from jointcampaign.metrics.pos_csv import read_redemptions
from jointcampaign.metrics.store import ImportResult, MetricsStore, store_exists
from jointcampaign.metrics.summary import KpiReport, summarize
from jointcampaign.pipeline.validate import Blocker

BRIEF_PLACEMENT = "brief"
POST_CUT = "text"  # links written into posts, emails and the brief belong to no video cut


def destination_of(loaded: LoadedCampaign, referrer: str) -> str:
    """A partner's audience is sent to the partner honouring the offer made for it (else its own page)."""
    offer = next((o for o in loaded.campaign.offers if o.for_customers_of == referrer), None)
    return offer.honoured_by if offer else referrer


def tracked_links(loaded: LoadedCampaign) -> list[TrackedLink]:
    campaign = loaded.campaign
    links = []
    for referrer in campaign.partner_ids:
        destination = destination_of(loaded, referrer)
        for language in campaign.languages_for(referrer):
            places = [(aspect, "end-card") for aspect in campaign.cuts.aspects] + [(POST_CUT, "post")]
            links += [_link(loaded, referrer, destination, language, cut, placement) for cut, placement in places]
        # the brief is written in the source language, one link per partner's customers
        links.append(_link(loaded, referrer, destination, campaign.source_language, POST_CUT, BRIEF_PLACEMENT))
    return links


def _link(loaded: LoadedCampaign, referrer: str, destination: str, language: str, cut: str, placement: str) -> TrackedLink:
    assert placement in PLACEMENTS
    url = _direct_url(loaded, referrer, language, cut, placement)
    ident = link_id(loaded.slug, referrer, language, cut, placement)
    return TrackedLink(ident, referrer, destination, language, cut, placement, url)


def brief_link(loaded: LoadedCampaign, referrer: str, portal_url: str | None) -> str:
    """The link the brief shows for `referrer`'s customers: counted under placement "brief"."""
    return link_for(loaded, referrer, loaded.campaign.source_language, POST_CUT, BRIEF_PLACEMENT, portal_url)


def _direct_url(loaded: LoadedCampaign, referrer: str, language: str, cut: str, placement: str) -> str:
    base = loaded.campaign.partner(destination_of(loaded, referrer)).link_base
    return utm_url(base, loaded.slug, referrer, content_tag(language, cut, placement))


def link_for(
    loaded: LoadedCampaign, referrer: str, language: str, cut: str, placement: str, portal_url: str | None
) -> str:
    """What a QR code or written link opens: the portal's counting redirect when one is configured,
    else the destination page with UTM parameters (counted only by the partner's own analytics)."""
    if portal_url:
        return redirect_url(portal_url, link_id(loaded.slug, referrer, language, cut, placement))
    return _direct_url(loaded, referrer, language, cut, placement)


def measurement_window(loaded: LoadedCampaign) -> tuple[dt.date, dt.date]:
    campaign = loaded.campaign
    dues = [d.due for d in campaign.deliverables]
    expiries = [o.expires for o in campaign.offers]
    start = campaign.measurement.start or (max(dues) if dues else None)
    end = campaign.measurement.end or (max(expiries) if expiries else None)
    start = start or end or dt.date.today()
    end = end or start
    return start, max(start, end)


def measure_plan(loaded: LoadedCampaign) -> MeasurePlan:
    campaign = loaded.campaign
    start, end = measurement_window(loaded)
    return MeasurePlan(
        campaign=loaded.slug,
        title=campaign.title,
        start=start,
        end=end,
        behind_by_percent=campaign.measurement.behind_by_percent,
        partners={p: loaded.partner_name(p) for p in campaign.partner_ids},
        revenue_split=dict(campaign.split.revenue),
        kpis=[
            KpiPlan(i, k.metric, k.target, k.owner, k.measured_by, k.code, k.link, k.shared)
            for i, k in enumerate(campaign.kpis)
        ],
        offers=[
            OfferPlan(o.code, o.for_customers_of, o.honoured_by, [CodePlan(c.code, c.language, c.placement) for c in o.codes])
            for o in campaign.offers
        ],
        links=tracked_links(loaded),
    )


def publish_plan(loaded: LoadedCampaign, campaign_out_dir: Path) -> Path:
    """Leave the plan next to the bundles, where the portal reads which ids it redirects and where."""
    plan = measure_plan(loaded)
    if read_plan(campaign_out_dir) == plan:
        return campaign_out_dir / "measure.json"  # unchanged: keep the file (and its mtime) as it is
    return write_plan(plan, campaign_out_dir)


def kpi_report(loaded: LoadedCampaign, db: str | Path, today: dt.date) -> KpiReport:
    """`db`: the metrics database, a SQLite file path or a sqlite:///, postgresql:// URL."""
    plan = measure_plan(loaded)
    if not store_exists(db):
        return summarize(plan, [], [], today)
    with MetricsStore(db) as store:
        return summarize(plan, store.clicks(loaded.slug), store.redemptions(loaded.slug), today)


def kpi_blockers(loaded: LoadedCampaign, report: KpiReport) -> list[Blocker]:
    """A KPI further behind pace than measurement.behind_by_percent is a blocker for its owner.

    Before any click or redemption is recorded there is nothing to judge a pace by (the till export
    may simply not be imported yet), so no KPI is called behind; the brief says no results yet.
    """
    if not any(k.value for k in report.kpis):
        return []
    return [
        Blocker(
            partner=k.owner,
            deliverable=f"kpi:{k.index}",
            message=f"'{k.metric}' is {k.shortfall_percent:g}% behind pace: {k.value} of {k.target:g}, "
            f"{k.expected_by_now:g} expected by {report.today.isoformat()}",
            fix=f"{k.needed_per_day:g} a day are needed until {report.end.isoformat()}: promote the offer "
            "or agree a new target at the next check-in"
            if k.needed_per_day is not None
            else "the campaign has ended: agree at the check-in whether to renew it",
        )
        for k in report.falling_behind()
    ]


def load_for_measuring(folder: Path) -> LoadedCampaign:
    """The campaign, or UserInputError when its spec has errors (KPIs cannot be read from a broken spec)."""
    from jointcampaign.campaign.checks import consistency_problems
    from jointcampaign.campaign.load import load_campaign
    from jointcampaign.errors import UserInputError

    loaded, problems = load_campaign(folder)
    errors = [p for p in [*problems, *consistency_problems(loaded)] if p.severity == "error"]
    if errors:
        raise UserInputError(errors)
    return loaded


def import_redemptions(
    loaded: LoadedCampaign, file: Path, db: str | Path, overrides: dict[str, str], date_order: str | None
) -> tuple[ImportResult, int]:
    """Read the whole export first (any bad line stops it), then store it in one transaction."""
    import time

    parsed = read_redemptions(file, list(measure_plan(loaded).codes()), overrides, date_order)
    with MetricsStore(db) as store:
        result = store.add_redemptions(loaded.slug, file.name, parsed.redemptions, time.time())
    return result, parsed.without_code



SUMMARY_FILE = "kpis.json"


def refresh_summary(loaded: LoadedCampaign, campaign_out_dir: Path, db: str | Path, today: dt.date) -> list[Blocker]:
    """Write OUT/<campaign>/kpis.json (every KPI, the balance, and the owners' blockers); return the blockers."""
    import json

    from jointcampaign.fileio import write_text_atomic

    report = kpi_report(loaded, db, today)
    blockers = kpi_blockers(loaded, report)
    summary = report.as_dict() | {"blockers": [b.as_dict() for b in blockers]}
    campaign_out_dir.mkdir(parents=True, exist_ok=True)
    write_text_atomic(campaign_out_dir / SUMMARY_FILE, json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    return blockers


def kpi_digest(loaded: LoadedCampaign, db: str | Path, today: dt.date) -> str:
    """Changes when the KPIs a brief shows change: new clicks or redemptions, or another day."""
    import hashlib
    import json

    report = kpi_report(loaded, db, today)
    return hashlib.sha256(json.dumps(report.as_dict(), sort_keys=True).encode()).hexdigest()
