"""The campaign desk: drafts (validated uploads), submissions (snapshots queued to a runner), runs.

A draft lives only in the desk's own folder until the lead submits it; a draft with errors cannot
be submitted, so nothing a previous good submission produced (its bundles, its snapshot) is touched.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from jointcampaign.desk.intake import IntakeResult, ShownProblem
from jointcampaign.desk.runner import LocalRunner, PrefectQueue, Runner
from jointcampaign.desk.store import Submission, SubmissionStore
from jointcampaign.fileio import write_text_atomic
from jointcampaign.pipeline.submission import snapshot_campaign
from jointcampaign.pipeline.validate import validate_campaign
from jointcampaign.portal.lead_tokens import LeadGrant, LeadStore
from jointcampaign.portal.upload_paths import UploadLimits

PairCheck = Callable[[str, str], bool]
DRAFT_FILE = "draft.json"
DRAFT_ID_LENGTH = 16
DRAFT_MAX_AGE_S = 7 * 24 * 3600


@dataclass(frozen=True)
class DeskConfig:
    """Built once at the edge (`jointcampaign portal serve`) from Settings and options."""

    root: Path  # drafts/ and runs/ live here
    submissions_dir: Path  # snapshots, shared with `jointcampaign submit`
    assets_dir: Path  # the shared brand kits (assets/partners/<id>/)
    limits: UploadLimits
    has_model: PairCheck
    runner: str = "local"  # "local" or "prefect"
    deployment: str = "localize-campaign/localize-campaign"
    runner_env: dict[str, str] | None = None


@dataclass
class Draft:
    id: str
    lead: str
    token_id: str
    created: float
    slug: str | None
    ok: bool
    files: list[str]
    errors: list[dict[str, Any]]
    warnings: list[dict[str, Any]]
    blockers: list[dict[str, str]]
    summary: dict[str, Any]


class Desk:
    def __init__(self, config: DeskConfig, db_path: Path, out_dir: Path) -> None:
        self.config = config
        self.out_dir = out_dir
        self.leads = LeadStore(db_path)
        self.submissions = SubmissionStore(db_path)
        self.runner: Runner = (
            PrefectQueue(self.submissions, out_dir, config.deployment)
            if config.runner == "prefect"
            else LocalRunner(self.submissions, out_dir, self.runs_dir, env=config.runner_env)
        )

    @property
    def drafts_dir(self) -> Path:
        return self.config.root / "drafts"

    @property
    def runs_dir(self) -> Path:
        return self.config.root / "runs"

    # --- drafts -----------------------------------------------------------------------------
    def new_draft(self) -> tuple[str, Path]:
        self._forget_old_drafts()
        ident = secrets.token_hex(DRAFT_ID_LENGTH // 2)
        folder = self.drafts_dir / ident
        folder.mkdir(parents=True)
        return ident, folder

    def save_draft(self, ident: str, grant: LeadGrant, intake: IntakeResult) -> Draft:
        draft = Draft(
            id=ident,
            lead=grant.lead,
            token_id=grant.token_id,
            created=time.time(),
            slug=intake.slug,
            ok=intake.ok,
            files=intake.files,
            errors=[p.as_dict() for p in intake.errors],
            warnings=[p.as_dict() for p in intake.warnings],
            blockers=intake.blockers,
            summary=intake.summary,
        )
        write_text_atomic(self.drafts_dir / ident / DRAFT_FILE, json.dumps(asdict(draft)))
        if not draft.ok:
            # a draft with errors can never be submitted: keep only its report
            shutil.rmtree(self.drafts_dir / ident / "workspace", ignore_errors=True)
        return draft

    def draft(self, ident: str, grant: LeadGrant) -> Draft | None:
        if len(ident) != DRAFT_ID_LENGTH or not all(c in "0123456789abcdef" for c in ident):
            return None
        try:
            data = json.loads((self.drafts_dir / ident / DRAFT_FILE).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            return None
        draft = Draft(**data)
        if draft.lead != grant.lead or (draft.slug is not None and not grant.covers(draft.slug)):
            return None
        return draft

    def submit(self, draft: Draft, grant: LeadGrant) -> Submission | list[ShownProblem]:
        """Snapshot the draft and queue it; if it no longer validates, its problems and nothing queued."""
        assert draft.slug is not None and draft.ok
        campaign_dir = self.drafts_dir / draft.id / "workspace" / "campaigns" / draft.slug
        report = validate_campaign(
            campaign_dir, self.config.has_model, assets_dir=campaign_dir.parent.parent / "assets"
        )
        if not report.ok or report.loaded is None:
            return [ShownProblem(None, "upload", None, "this draft no longer validates", "upload it again")]
        now = dt.datetime.now(dt.UTC)
        snapshot = snapshot_campaign(report.loaded, self.config.submissions_dir.resolve(), now)
        submission = self.submissions.add(
            campaign=draft.slug,
            lead=grant.lead,
            token_id=grant.token_id,
            source_hash=snapshot.source_hash,
            snapshot=snapshot.root,
            runner=self.runner.kind,
        )
        plan = {
            "languages": [lang for lang in draft.summary.get("languages", [])],
            "partners": [p["id"] for p in draft.summary.get("partners", [])],
            "aspects": list(draft.summary.get("cuts", [])),
            "summary": draft.summary,
            "blockers": draft.blockers,
        }
        write_text_atomic(self.runs_dir / submission.id / "plan.json", json.dumps(plan))
        shutil.rmtree(self.drafts_dir / draft.id, ignore_errors=True)
        try:
            self.runner.enqueue(submission)
        except Exception as exc:
            # the snapshot stays in the history; the lead sees why it did not start
            self.submissions.finish(submission.id, "failed", f"could not be queued: {exc}", {})
        found = self.submissions.get(submission.id)
        assert found is not None
        return found

    def _forget_old_drafts(self) -> None:
        if not self.drafts_dir.is_dir():
            return
        cutoff = time.time() - DRAFT_MAX_AGE_S
        for folder in self.drafts_dir.iterdir():
            if folder.is_dir() and folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder, ignore_errors=True)

    # --- submissions ------------------------------------------------------------------------
    def submission(self, ident: str, grant: LeadGrant) -> Submission | None:
        found = self.submissions.get(ident) if ident.isalnum() else None
        if found is None or not grant.covers(found.campaign):
            return None  # not found and not yours look the same
        return found

    def typical_duration(self, submission: Submission) -> float | None:
        from jointcampaign.desk.run_view import typical_duration

        return typical_duration(self.submissions.for_campaign(submission.campaign, limit=20), submission.id)

    def retry(self, submission: Submission, grant: LeadGrant) -> Submission:
        """Run the same snapshot again: steps that succeeded are reused, the failed ones are redone."""
        again = self.submissions.add(
            campaign=submission.campaign,
            lead=grant.lead,
            token_id=grant.token_id,
            source_hash=submission.source_hash,
            snapshot=submission.snapshot,
            runner=self.runner.kind,
        )
        write_text_atomic(self.runs_dir / again.id / "plan.json", json.dumps(self.plan(submission)))
        try:
            self.runner.enqueue(again)
        except Exception as exc:
            self.submissions.finish(again.id, "failed", f"could not be queued: {exc}", {})
        return self.submissions.get(again.id) or again

    def plan(self, submission: Submission) -> dict[str, Any]:
        try:
            data = json.loads((self.runs_dir / submission.id / "plan.json").read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            return {}
        return data if isinstance(data, dict) else {}
