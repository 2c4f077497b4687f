"""Freeze a campaign folder, and the brand kits it uses, for a queued run.

A submitted run may start minutes or hours later on another machine; the marketing lead may keep
editing the folder meanwhile. The run reads a snapshot instead, laid out like a repository
(campaigns/<slug>/ beside assets/partners/<id>/) so brand kits are found the usual way.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

from jointcampaign.campaign.load import LoadedCampaign
from jointcampaign.fileio import write_text_atomic

RECORD_FILE = "submission.json"


@dataclass(frozen=True)
class Snapshot:
    root: Path
    campaign_dir: Path
    source_hash: str


def snapshot_campaign(loaded: LoadedCampaign, submissions_dir: Path, now: dt.datetime) -> Snapshot:
    """Copy the campaign and its brand kits into SUBMISSIONS/<slug>-<time>-<id>/, all or nothing."""
    from jointcampaign.pipeline.bundle_stage import source_hash

    name = f"{loaded.slug}-{now.strftime('%Y%m%dT%H%M%SZ')}-{uuid.uuid4().hex[:6]}"
    submissions_dir.mkdir(parents=True, exist_ok=True)
    staging = submissions_dir / f".{name}.partial"
    root = submissions_dir / name
    try:
        shutil.copytree(loaded.folder, staging / "campaigns" / loaded.slug)
        for partner_id, kit in loaded.brand_kits.items():
            shutil.copytree(kit.folder, staging / "assets" / "partners" / partner_id)
        record = {
            "campaign": loaded.slug,
            "source": str(loaded.folder.resolve()),
            "submitted": now.isoformat(),
            "partners": sorted(loaded.brand_kits),
            "source_hash": source_hash(loaded),
        }
        write_text_atomic(staging / RECORD_FILE, json.dumps(record, indent=2) + "\n")
        os.replace(staging, root)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    campaign_dir = root / "campaigns" / loaded.slug
    return Snapshot(root=root, campaign_dir=campaign_dir, source_hash=str(record["source_hash"]))
