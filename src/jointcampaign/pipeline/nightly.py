"""The nightly pass over campaigns/: which campaigns changed since their last successful run.

Each campaign's output folder keeps a small state file with the fingerprint of the inputs its
last fully successful run read. A campaign whose fingerprint still matches is skipped without
starting a run; a partial or failed run leaves the state alone, so the next night tries again.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from jointcampaign.campaign.load import CAMPAIGN_FILE
from jointcampaign.fileio import write_text_atomic

STATE_FILE = ".last-success.json"

Outcome = Literal["rendered", "skipped", "partial", "failed"]


@dataclass(frozen=True)
class NightlyEntry:
    campaign: str
    outcome: Outcome
    detail: str
    seconds: float = 0.0

    def as_row(self) -> dict[str, str]:
        return {"campaign": self.campaign, "outcome": self.outcome, "detail": self.detail,
                "seconds": f"{self.seconds:.1f}"}


def discover_campaigns(campaigns_dir: Path) -> list[Path]:
    """Every direct sub-folder holding a campaign.yaml, in name order (hidden folders are not campaigns)."""
    if not campaigns_dir.is_dir():
        return []
    return sorted(
        folder for folder in campaigns_dir.iterdir()
        if folder.is_dir() and not folder.name.startswith(".") and (folder / CAMPAIGN_FILE).is_file()
    )


def state_file(campaign_out_dir: Path) -> Path:
    return campaign_out_dir / STATE_FILE


def last_success(campaign_out_dir: Path) -> str | None:
    """The fingerprint of the last fully successful run, or None (never run, or the file is damaged)."""
    try:
        data = json.loads(state_file(campaign_out_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    fingerprint = data.get("fingerprint") if isinstance(data, dict) else None
    return fingerprint if isinstance(fingerprint, str) else None


def record_success(campaign_out_dir: Path, fingerprint: str, when: dt.datetime) -> None:
    payload = {"fingerprint": fingerprint, "finished": when.isoformat()}
    write_text_atomic(state_file(campaign_out_dir), json.dumps(payload, indent=2) + "\n")


def nightly_counts(entries: list[NightlyEntry]) -> str:
    """The headline of a nightly pass, e.g. "1 rendered · 2 skipped · 0 partial · 0 failed"."""
    outcomes: tuple[Outcome, ...] = ("rendered", "skipped", "partial", "failed")
    return " · ".join(f"{sum(1 for e in entries if e.outcome == o)} {o}" for o in outcomes)
