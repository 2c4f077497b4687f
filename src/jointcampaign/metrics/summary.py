"""The sums: each KPI's value against its target and pace, and who sent whom how many customers."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from jointcampaign.metrics.plan import KpiPlan, MeasurePlan
from jointcampaign.metrics.store import Click, Redemption

State = Literal["met", "on track", "behind", "not measured"]
# link previews and scanners open links too; they are kept in the table but never counted
UNCOUNTED_CLASSES = frozenset({"bot"})
# clicks and redemptions side by side; a redemption whose code does not say counts as "unknown"
BY_LANGUAGE, BY_PLACEMENT = "by-language.svg", "by-placement.svg"
COUNTED_BY = {"link_clicks": "clicks", "code_redemptions": "redemptions"}


@dataclass(frozen=True)
class KpiStatus:
    index: int
    metric: str
    owner: str
    shared: bool
    measured_by: str
    target: float
    value: int | None
    expected_by_now: float
    needed_per_day: float | None  # None once the campaign has ended or the target is met
    days_left: int
    state: State
    shortfall_percent: float  # how far below the expected pace, 0 when on pace
    daily: list[tuple[str, int]] = field(default_factory=list)  # (ISO day, count), days with events only
    by_language: dict[str, int] = field(default_factory=dict)
    by_placement: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Referral:
    sender: str
    receiver: str
    clicks: int
    redemptions: int


@dataclass(frozen=True)
class PartnerBalance:
    partner: str
    received_redemptions: int
    received_share_percent: float
    agreed_revenue_percent: float
    # False while nobody has redeemed anything: a share of nothing is no share, and no gap either.
    any_redeemed: bool = True

    @property
    def gap_points(self) -> float:
        return round(self.received_share_percent - self.agreed_revenue_percent, 1)

    def share_text(self) -> str:
        return f"{self.received_share_percent:g}%" if self.any_redeemed else "—"

    def gap_text(self) -> str:
        return f"{self.gap_points:+g} points" if self.any_redeemed else "—"


@dataclass(frozen=True)
class KpiReport:
    campaign: str
    title: str
    today: dt.date
    start: dt.date
    end: dt.date
    behind_by_percent: float
    partners: dict[str, str]
    kpis: list[KpiStatus]
    referrals: list[Referral]
    balance: list[PartnerBalance]

    def for_partner(self, partner: str) -> KpiReport:
        """What `partner` may see: the KPIs it owns and the shared ones; the balance concerns both sides."""
        mine = [k for k in self.kpis if k.owner == partner or k.shared]
        return KpiReport(self.campaign, self.title, self.today, self.start, self.end, self.behind_by_percent,
                         self.partners, mine, self.referrals, self.balance)  # fmt: skip

    def plot_files(self) -> list[tuple[str, str]]:
        """(file name, description) of this report's plots, in the order they are shown."""
        files = [(f"kpi-{k.index + 1}.svg", f"{k.metric}: so far, against the pace to {k.target:g}")
                 for k in self.kpis if k.value is not None]  # fmt: skip
        if any(k.measured_by in COUNTED_BY for k in self.kpis):
            files += [(BY_LANGUAGE, "Clicks and redemptions by language"),
                      (BY_PLACEMENT, "Clicks and redemptions by placement")]  # fmt: skip
        return files

    def breakdown(self, by: str) -> dict[str, dict[str, int]]:
        """"clicks"/"redemptions" -> language (by="language") or placement -> count, over this report's KPIs."""
        totals: dict[str, Counter[str]] = {kind: Counter() for kind in COUNTED_BY.values()}
        for kpi in self.kpis:
            if kpi.measured_by in COUNTED_BY:
                totals[COUNTED_BY[kpi.measured_by]].update(kpi.by_language if by == "language" else kpi.by_placement)
        return {kind: dict(sorted(counts.items())) for kind, counts in totals.items()}

    def period(self) -> str:
        """The counting period as of today, in words: before it starts, "counted from start to today"
        would run backwards, and after it ends today is past every target's date."""
        if self.today < self.start:
            return f"Counting starts {self.start.isoformat()}; targets are due {self.end.isoformat()}."
        if self.today > self.end:
            return f"Counted from {self.start.isoformat()} to {self.end.isoformat()}, when the targets were due."
        return f"Counted from {self.start.isoformat()} to {self.today.isoformat()}; targets are due {self.end.isoformat()}."

    def falling_behind(self) -> list[KpiStatus]:
        """KPIs further below the expected pace than the campaign's threshold."""
        return [k for k in self.kpis if k.state == "behind" and k.shortfall_percent > self.behind_by_percent]

    def as_dict(self) -> dict[str, Any]:
        return {
            "campaign": self.campaign,
            "title": self.title,
            "today": self.today.isoformat(),
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "behind_by_percent": self.behind_by_percent,
            "kpis": [asdict(k) | {"owner_name": self.partners.get(k.owner, k.owner)} for k in self.kpis],
            "referrals": [asdict(r) for r in self.referrals],
            "balance": [asdict(b) | {"gap_points": b.gap_points} for b in self.balance],
            "by_language": self.breakdown("language"),
            "by_placement": self.breakdown("placement"),
        }


def summarize(plan: MeasurePlan, clicks: list[Click], redemptions: list[Redemption], today: dt.date) -> KpiReport:
    counted = [c for c in clicks if c.ua_class not in UNCOUNTED_CLASSES and c.day <= today]
    redemptions = [r for r in redemptions if r.day <= today]
    kpis = [_status(plan, kpi, counted, redemptions, today) for kpi in plan.kpis]
    referrals = _referrals(plan, counted, redemptions)
    return KpiReport(plan.campaign, plan.title, today, plan.start, plan.end, plan.behind_by_percent,
                     plan.partners, kpis, referrals, _balance(plan, referrals))  # fmt: skip


def _status(
    plan: MeasurePlan, kpi: KpiPlan, clicks: list[Click], redemptions: list[Redemption], today: dt.date
) -> KpiStatus:
    total_days = max((plan.end - plan.start).days + 1, 1)
    elapsed = min(max((today - plan.start).days + 1, 0), total_days)
    expected = kpi.target * elapsed / total_days
    # Before counting starts, the whole period is still ahead: the pace is spread over it, not over
    # the days until the start that count nothing.
    days_left = min(max((plan.end - today).days, 0), total_days)
    by_language: Counter[str] = Counter()
    by_placement: Counter[str] = Counter()
    days: Counter[str] = Counter()
    if kpi.measured_by == "code_redemptions":
        codes = plan.codes()
        for r in redemptions:
            if (redeemed := codes.get(r.code)) is not None and redeemed.offer.code == kpi.code:
                days[r.day.isoformat()] += 1
                by_language[redeemed.language] += 1
                by_placement[redeemed.placement] += 1
    elif kpi.measured_by == "link_clicks":
        links = {link.id: link for link in plan.links if link.destination == kpi.link}
        for c in clicks:
            if (link := links.get(c.link_id)) is not None:
                days[c.day.isoformat()] += 1
                by_language[link.language] += 1
                by_placement[link.placement] += 1
    else:
        return KpiStatus(kpi.index, kpi.metric, kpi.owner, kpi.shared, kpi.measured_by, kpi.target, None,
                         round(expected, 2), None, days_left, "not measured", 0.0)  # fmt: skip
    value = sum(days.values())
    shortfall = max(0.0, (expected - value) / expected * 100) if expected > 0 else 0.0
    state: State = "met" if value >= kpi.target else "on track" if value >= expected else "behind"
    needed = (kpi.target - value) / days_left if state != "met" and days_left > 0 else None
    return KpiStatus(
        kpi.index, kpi.metric, kpi.owner, kpi.shared, kpi.measured_by, kpi.target, value, round(expected, 2),
        round(needed, 2) if needed is not None else None, days_left, state, round(shortfall, 1),
        sorted(days.items()), dict(sorted(by_language.items())), dict(sorted(by_placement.items())),
    )  # fmt: skip


def _referrals(plan: MeasurePlan, clicks: list[Click], redemptions: list[Redemption]) -> list[Referral]:
    links = {link.id: link for link in plan.links}
    clicked = Counter((links[c.link_id].referrer, links[c.link_id].destination) for c in clicks if c.link_id in links)
    codes = plan.codes()
    redeemed = Counter(
        (codes[r.code].offer.for_customers_of, codes[r.code].offer.honoured_by) for r in redemptions if r.code in codes
    )
    ids = list(plan.partners)
    return [
        Referral(sender, receiver, clicked[(sender, receiver)], redeemed[(sender, receiver)])
        for sender in ids
        for receiver in ids
        if sender != receiver
    ]


def _balance(plan: MeasurePlan, referrals: list[Referral]) -> list[PartnerBalance]:
    received = Counter[str]()
    for referral in referrals:
        received[referral.receiver] += referral.redemptions
    total = sum(received.values())
    return [
        PartnerBalance(p, received[p], round(100 * received[p] / total, 1) if total else 0.0,
                       plan.revenue_split.get(p, 0.0), any_redeemed=total > 0)
        for p in plan.partners
    ]
