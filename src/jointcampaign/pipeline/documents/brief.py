"""The campaign brief: everything the partners agreed, written down, one page per partner."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

from jointcampaign.campaign.load import LoadedCampaign
from jointcampaign.campaign.models import Approval, Campaign, Offer
from jointcampaign.pipeline.documents.html import flag, page, table
from jointcampaign.pipeline.measure import brief_link, destination_of
from jointcampaign.pipeline.validate import Blocker

if TYPE_CHECKING:
    from jointcampaign.metrics.summary import KpiReport
    from jointcampaign.pipeline.documents.translation import LanguageReview

CADENCE_DAYS = {"weekly": 7, "fortnightly": 14, "monthly": 31}
PLOTS_DIR = "kpis"  # the bundle's folder of KPI plots, next to brief.html


@dataclass(frozen=True)
class HealthCheck:
    name: str
    ok: bool
    reason: str


def partnership_health(loaded: LoadedCampaign, today: dt.date) -> list[HealthCheck]:
    campaign = loaded.campaign
    ids = campaign.partner_ids
    kpi_owners = {k.owner for k in campaign.kpis}
    goals_ok = bool(campaign.kpis) and all(p in kpi_owners for p in ids)
    deliverable_owners = {d.owner for d in campaign.deliverables}
    roles_ok = bool(campaign.deliverables) and all(p in deliverable_owners for p in ids)
    needs_rights = {d.id for d in campaign.deliverables if d.kind in ("copy", "video")}
    covered = {r.asset for r in campaign.rights} | {
        d.id for d in campaign.deliverables if d.source in {r.asset for r in campaign.rights}
    }
    unlicensed = sorted(needs_rights - covered)
    cadence_explicit = ("check_in",) in loaded.document.lines
    expiries = [o.expires for o in campaign.offers]
    days_left = (min(expiries) - today).days if expiries else -1
    renew_ok = bool(expiries) and days_left >= CADENCE_DAYS[campaign.check_in]
    return [
        HealthCheck(
            "Shared measurable goals",
            goals_ok,
            "every partner owns at least one KPI with a target"
            if goals_ok
            else "add KPIs so each partner owns at least one measurable target",
        ),
        HealthCheck(
            "Communication cadence",
            cadence_explicit,
            f"{campaign.check_in} check-ins agreed"
            if cadence_explicit
            else "no check_in agreed in campaign.yaml (defaulting to weekly); agree one",
        ),
        HealthCheck(
            "Role clarity",
            roles_ok,
            "every deliverable has an owner and a due date, and each partner owns some"
            if roles_ok
            else "give each partner at least one deliverable with a due date",
        ),
        HealthCheck(
            "Rights defined",
            not unlicensed,
            "every copy piece and video has an owner and a licence"
            if not unlicensed
            else f"no rights entry for: {', '.join(unlicensed)}",
        ),
        HealthCheck(
            "Room to renew",
            renew_ok,
            f"the first offer expires in {days_left} days: at least one check-in before then to decide on renewal"
            if renew_ok
            else "offers expire before the next check-in (or there are none): agree a renewal date",
        ),
    ]


def _language_list(languages: list[str]) -> str:
    return ", ".join(languages) or "no language"


def _bundle_languages(campaign: Campaign, partner_id: str) -> str:
    listed = _language_list(campaign.languages_for(partner_id))
    return listed if campaign.partner(partner_id).languages else f"{listed} (all: it lists none of its own)"


def render_brief(
    loaded: LoadedCampaign,
    partner_id: str,
    blockers: list[Blocker],
    today: dt.date,
    reviews: Mapping[str, LanguageReview] | None = None,
    *,
    results: KpiReport | None = None,
    portal_url: str | None = None,
) -> str:
    """With `portal_url`, every tracked link in the brief opens the portal's counting redirect
    (placement "brief"), like the end cards' QR codes; without, the partner's page with UTM parameters."""
    campaign = loaded.campaign
    name = loaded.partner_name
    blocked = {b.deliverable for b in blockers}
    sections = [
        f"<h1>{escape(campaign.title)}</h1>",
        f'<p class="muted">Campaign brief for <strong>{escape(name(partner_id))}</strong> · '
        f"{escape(loaded.slug)} · prepared {today.isoformat()}</p>",
        *_translation_badges(loaded, reviews or {}),
        "<h2>Partners</h2>",
        f"<p>This bundle holds {escape(_language_list(campaign.languages_for(partner_id)))}: the languages "
        f"of {escape(name(partner_id))}'s community.</p>",
        table(
            ["Partner", "Languages of its bundle", "Tracked link for its customers"],
            [
                [escape(name(p.id)), escape(_bundle_languages(campaign, p.id)), _link_cell(loaded, p.id, portal_url)]
                for p in campaign.partners
            ],
            raw=True,
        ),
        "<h2>Who delivers what</h2>",
        table(
            ["Deliverable", "Kind", "Owner", "Due", "Status"],
            [
                [d.id, d.kind, name(d.owner), d.due.isoformat(), _status(d.id in blocked, d.due, today)]
                for d in campaign.deliverables
            ],
        ),
        "<h2>Cross-referral offers</h2>",
        table(
            ["Code", "Who gets it", "Where it is honoured", "Discount", "Terms", "Expires"],
            [
                [
                    _codes(o),
                    f"customers of {name(o.for_customers_of)}",
                    name(o.honoured_by),
                    o.discount,
                    o.terms,
                    o.expires.isoformat(),
                ]
                for o in campaign.offers
            ],
        ),
        "<h2>Goals (KPIs)</h2>",
        table(
            ["Metric", "Target", "Owner", "Measured by"],
            [
                [escape(k.metric), f"{k.target:g}", escape(name(k.owner)),
                 _measure(loaded, k.measured_by, k.code, k.link, portal_url)]
                for k in campaign.kpis
            ],
            raw=True,
        ),
        *(results_section(results) if results is not None else []),
        "<h2>Cost and revenue split</h2>",
        table(
            ["Partner", "Cost", "Revenue"],
            [
                [name(p), f"{campaign.split.cost.get(p, 0):g}%", f"{campaign.split.revenue.get(p, 0):g}%"]
                for p in campaign.partner_ids
            ],
        ),
        "<h2>Rights and licences</h2>",
        table(
            ["Asset", "Owner", "Licence", "Co-created"],
            [[r.asset, name(r.owner), r.licence, "yes" if r.co_created else "no"] for r in campaign.rights],
        ),
        "<h2>Approvals and check-ins</h2>",
        table(
            ["Partner", "Approved", "By", "Date"],
            [
                [
                    name(p),
                    "yes" if a.approved else "not yet",
                    a.by or "—",
                    a.date.isoformat() if a.date else "—",
                ]
                for p in campaign.partner_ids
                for a in [campaign.approvals.get(p, Approval())]
            ],
        ),
        f"<p>Check-ins: <strong>{escape(campaign.check_in)}</strong>.</p>",
        "<h2>Open blockers</h2>",
        table(
            ["Owner", "Deliverable", "What is missing", "How to unblock"],
            [[name(b.partner), b.deliverable, b.message, b.fix] for b in blockers],
        ),
        "<h2>Partnership health</h2>",
        table(
            ["Check", "Flag", "Why"],
            [[escape(h.name), flag(h.ok), escape(h.reason)] for h in partnership_health(loaded, today)],
            raw=True,
        ),
    ]
    return page(f"{campaign.title} — brief for {name(partner_id)}", "\n".join(sections))


def _translation_badges(loaded: LoadedCampaign, reviews: Mapping[str, LanguageReview]) -> list[str]:
    """One badge per language: ready, or how many strings need review and who reviews them."""
    if not reviews:
        return []
    badges = []
    for language, review in reviews.items():
        if review.needs_review:
            owners = " and ".join(loaded.partner_name(owner) for owner in review.owners)
            badges.append(
                f'<li data-language="{escape(language)}">{escape(language)}: '
                f'<span class="bad badge">needs review</span> — {review.needs_review} string(s), '
                f"to be reviewed by {escape(owners)} (see qc.html)</li>"
            )
        else:
            badges.append(
                f'<li data-language="{escape(language)}">{escape(language)}: <span class="ok badge">ready</span></li>'
            )
    return ["<h2>Translations</h2>", f"<ul class='translations'>{''.join(badges)}</ul>"]


def _status(blocked: bool, due: dt.date, today: dt.date) -> str:
    if not blocked:
        return "supplied"
    return "missing — overdue" if due < today else "missing — not yet due"


def _codes(offer: Offer) -> str:
    """The offer's code, then the codes it lists per language and placement (what each tells the till)."""
    extra = [f"{c.code} ({', '.join(w for w in (c.language, c.placement) if w)})" for c in offer.codes]
    return "; ".join([offer.code, *extra])


def _anchor(url: str) -> str:
    return f'<a class="tracked" href="{escape(url)}">{escape(url)}</a>'


def _link_cell(loaded: LoadedCampaign, referrer: str, portal_url: str | None) -> str:
    opens = loaded.partner_name(destination_of(loaded, referrer))
    return f"{_anchor(brief_link(loaded, referrer, portal_url))} (opens the page of {escape(opens)})"


def _measure(loaded: LoadedCampaign, how: str, code: str | None, link: str | None, portal_url: str | None) -> str:
    """HTML: what counts for a KPI; for clicks, the brief's own links that count (its readers' clicks count too)."""
    if how == "code_redemptions":
        return escape(f"redemptions of code {code}")
    if how == "link_clicks" and link:
        target = escape(loaded.partner_name(link))
        senders = [p for p in loaded.campaign.partner_ids if destination_of(loaded, p) == link]
        if not senders:
            return f"clicks on tracked links to the page of {target} (no partner's customers are sent there yet)"
        shown = ", ".join(_anchor(brief_link(loaded, p, portal_url)) for p in senders)
        return f"clicks on every tracked link to the page of {target} (QR codes, posts, this brief), such as {shown}"
    return "reported by hand at check-ins"


def results_section(results: KpiReport) -> list[str]:
    """The KPIs this partner owns and the shared ones, against target and pace; who sent whom."""
    names = results.partners
    rows = [
        [
            k.metric,
            names.get(k.owner, k.owner) + (" (shared)" if k.shared else ""),
            "—" if k.value is None else str(k.value),
            f"{k.target:g}",
            f"{k.expected_by_now:g}",
            "—" if k.needed_per_day is None else f"{k.needed_per_day:g} a day",
            k.state,
        ]
        for k in results.kpis
    ]
    figures = [
        f'<figure><img src="{PLOTS_DIR}/{escape(file)}" alt="{escape(text)}" width="600">'
        f"<figcaption>{escape(text)}</figcaption></figure>"
        for file, text in results.plot_files()
    ]
    return [
        "<h2>Results so far</h2>",
        f'<p class="muted">{escape(results.period())} '
        "Clicks through the portal's tracked links (bots not counted), redemptions from the tills' exports.</p>",
        table(["Metric", "Owner", "So far", "Target", "Expected by now", "Pace needed", "State"], rows),
        "<h3>Who sent whom</h3>",
        table(
            ["From the audience of", "To", "Clicks", "Redemptions"],
            [[names[r.sender], names[r.receiver], str(r.clicks), str(r.redemptions)] for r in results.referrals],
        ),
        table(
            ["Partner", "Redemptions received", "Share", "Agreed revenue share", "Gap"],
            [
                [names[b.partner], str(b.received_redemptions), b.share_text(),
                 f"{b.agreed_revenue_percent:g}%", b.gap_text()]
                for b in results.balance
            ],
        ),
        *figures,
    ]
