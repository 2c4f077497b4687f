"""What to measure for one campaign, as plain data: written by the pipeline, read by the portal and the CLI.

The portal knows no campaign, so the pipeline leaves this next to the bundles
(OUT/<campaign>/measure.json): the tracked links to redirect, the KPIs with their owners and
targets, the dates and the agreed split.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from jointcampaign.fileio import write_text_atomic
from jointcampaign.metrics.links import TrackedLink

PLAN_FILE = "measure.json"


@dataclass(frozen=True)
class KpiPlan:
    index: int
    metric: str
    target: float
    owner: str
    measured_by: str  # code_redemptions | link_clicks | manual
    code: str | None = None
    link: str | None = None  # link_clicks: the partner whose page the counted links open
    shared: bool = False


UNKNOWN = "unknown"  # the language or placement of a redemption whose code does not say


@dataclass(frozen=True)
class CodePlan:
    """One of an offer's extra codes, and where it is shown (None: it does not say)."""

    code: str
    language: str | None = None
    placement: str | None = None


@dataclass(frozen=True)
class OfferPlan:
    code: str
    for_customers_of: str
    honoured_by: str
    codes: list[CodePlan] = field(default_factory=list)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> OfferPlan:
        # plans written before offers had extra codes have no "codes": they still read
        return cls(str(data["code"]), str(data["for_customers_of"]), str(data["honoured_by"]),
                   [CodePlan(**c) for c in data.get("codes", [])])  # fmt: skip


@dataclass(frozen=True)
class Redeemed:
    """What a redeemed code says: which offer, and the language and placement it was shown in."""

    offer: OfferPlan
    language: str
    placement: str


@dataclass(frozen=True)
class MeasurePlan:
    campaign: str
    title: str
    start: dt.date
    end: dt.date
    behind_by_percent: float
    partners: dict[str, str]  # id -> display name, in the campaign's order
    revenue_split: dict[str, float]
    kpis: list[KpiPlan] = field(default_factory=list)
    offers: list[OfferPlan] = field(default_factory=list)
    links: list[TrackedLink] = field(default_factory=list)

    def link(self, link_id: str) -> TrackedLink | None:
        return next((link for link in self.links if link.id == link_id), None)

    def offer(self, code: str) -> OfferPlan | None:
        return next((o for o in self.offers if o.code == code.upper()), None)

    def codes(self) -> dict[str, Redeemed]:
        """Every code a till may show (each offer's own and its extra ones) -> what it says."""
        found = {}
        for offer in self.offers:
            found[offer.code] = Redeemed(offer, UNKNOWN, UNKNOWN)
            for extra in offer.codes:
                found[extra.code] = Redeemed(offer, extra.language or UNKNOWN, extra.placement or UNKNOWN)
        return found

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["start"], data["end"] = self.start.isoformat(), self.end.isoformat()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MeasurePlan:
        return cls(
            campaign=str(data["campaign"]),
            title=str(data["title"]),
            start=dt.date.fromisoformat(str(data["start"])),
            end=dt.date.fromisoformat(str(data["end"])),
            behind_by_percent=float(data["behind_by_percent"]),
            partners={str(k): str(v) for k, v in dict(data["partners"]).items()},
            revenue_split={str(k): float(v) for k, v in dict(data["revenue_split"]).items()},
            kpis=[KpiPlan(**k) for k in data.get("kpis", [])],
            offers=[OfferPlan.from_dict(o) for o in data.get("offers", [])],
            links=[TrackedLink.from_dict(link) for link in data.get("links", [])],
        )


def write_plan(plan: MeasurePlan, campaign_out_dir: Path) -> Path:
    path = campaign_out_dir / PLAN_FILE
    write_text_atomic(path, json.dumps(plan.as_dict(), indent=2, ensure_ascii=False, sort_keys=True) + "\n")
    return path


def read_plan(campaign_out_dir: Path) -> MeasurePlan | None:
    """The plan the last run wrote, or None when there is none or it cannot be read."""
    try:
        data = json.loads((campaign_out_dir / PLAN_FILE).read_text(encoding="utf-8"))
        return MeasurePlan.from_dict(data) if isinstance(data, dict) else None
    except (OSError, ValueError, KeyError, TypeError):
        return None
