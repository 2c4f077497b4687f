"""One submission's run as the run page, its JSON and `jointcampaign portal desk status` show it.

Steps come from the plan made at submit time (every language, every partner × language × cut), so
the page lists them all from the start; the runner's progress fills them in. Cached steps never
report, so a finished run shows every step of a successful stage as done.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import quote

from jointcampaign.desk.runner import TASKS, Runner, RunState
from jointcampaign.desk.store import (
    DONE,
    FAILED,
    PARTIAL,
    QUEUED,
    RUNNING,
    Submission,
    SubmissionStore,
)

STAGES = (
    ("copy", "Translate copy"),
    ("subtitles", "Translate subtitles"),
    ("render", "Render video cuts"),
    ("bundle", "Build partner bundles"),
)
STATE_TEXT = {
    QUEUED: "Queued",
    RUNNING: "Running",
    DONE: "Done",
    PARTIAL: "Done, but some steps failed",
    FAILED: "Failed",
}


@dataclass(frozen=True)
class StepView:
    step: str
    done: float  # 0..1
    failed: bool = False


@dataclass(frozen=True)
class StageView:
    stage: str
    label: str
    steps: list[StepView]

    @property
    def done(self) -> float:
        return sum(s.done for s in self.steps) / len(self.steps) if self.steps else 0.0


@dataclass(frozen=True)
class BundleView:
    partner: str
    name: str
    sha256: str | None
    size: int | None
    zip_url: str
    brief_url: str
    qc_url: str


@dataclass
class RunView:
    id: str
    campaign: str
    title: str
    state: str
    state_text: str
    runner: str
    runner_label: str
    lead: str
    submitted: str
    source_hash: str
    message: str | None
    queue_position: int
    elapsed_s: float | None
    detail_url: str | None
    started_at: float | None = None
    finished_at: float | None = None
    flow_run_id: str | None = None  # the Prefect flow run, for `jointcampaign status RUN_ID`
    eta_s: float | None = None  # from the last runs of this campaign; None when there were none
    stages: list[StageView] = field(default_factory=list)
    bundles: list[BundleView] = field(default_factory=list)
    blockers: list[dict[str, Any]] = field(default_factory=list)
    failures: list[dict[str, Any]] = field(default_factory=list)

    @property
    def finished(self) -> bool:
        return self.state in (DONE, PARTIAL, FAILED)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["finished"] = self.finished
        for stage, view in zip(data["stages"], self.stages, strict=True):
            stage["done"] = round(view.done, 3)
        return data


def when(epoch: float | None) -> str:
    if epoch is None:
        return "—"
    return dt.datetime.fromtimestamp(epoch, tz=dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def run_url(submission: Submission) -> str:
    return f"/desk/runs/{quote(submission.id)}"


def typical_duration(history: list[Submission], exclude: str) -> float | None:
    """The median length of the campaign's last five successful runs (reruns reuse, so recent ones count)."""
    recent = [
        s.finished_at - s.started_at
        for s in history  # newest first
        if s.id != exclude and s.state == DONE and s.started_at is not None and s.finished_at is not None
    ][:5]
    lengths = sorted(recent)
    return lengths[len(lengths) // 2] if lengths else None


def current_view(
    submission: Submission,
    runner: Runner,
    store: SubmissionStore,
    plan: dict[str, Any],
    now: float,
    typical_s: float | None = None,
) -> RunView:
    """Ask the runner first: reading the state may finish the submission and record its result."""
    live = runner.state(submission)
    return build_run_view(store.get(submission.id) or submission, live, runner, plan, now, typical_s)


def build_run_view(
    submission: Submission,
    live: RunState,
    runner: Runner,
    plan: dict[str, Any],
    now: float,
    typical_s: float | None = None,
) -> RunView:
    state = live.state
    progress = live.stages
    failures = list(submission.result.get("failures", []))
    failed_steps = {_failure_step(f) for f in failures}
    languages = [str(x) for x in plan.get("languages", [])]
    partners = [str(x) for x in plan.get("partners", [])]
    aspects = [str(x) for x in plan.get("aspects", [])]
    expected = {
        "copy": languages,
        "subtitles": languages,
        "render": [f"{p} {lang} {a}" for p in partners for lang in languages for a in aspects],
        "bundle": partners,
    }
    tasks = progress.get(TASKS, {})
    stages = []
    for stage, label in STAGES:
        reported = progress.get(stage, {})
        names = expected[stage] + [name for name in reported if name not in expected[stage]]
        steps = []
        for name in names:
            failed = (stage, name) in failed_steps
            done = float(reported.get(name, tasks.get(_task_name(stage, name), 0.0)))
            if state in (DONE, PARTIAL) and not failed:
                done = 1.0  # reused steps finish without reporting
            steps.append(StepView(name, 0.0 if failed else min(done, 1.0), failed))
        stages.append(StageView(stage, label, steps))
    facts = submission.result.get("bundle_facts", {})
    partner_names = {p["id"]: p["name"] for p in plan.get("summary", {}).get("partners", [])}
    bundles = [
        BundleView(
            partner=partner,
            name=partner_names.get(partner, partner),
            sha256=info.get("sha256"),
            size=info.get("size"),
            zip_url=f"{run_url(submission)}/bundles/{quote(partner)}.zip",
            brief_url=f"{run_url(submission)}/bundles/{quote(partner)}/brief.html",
            qc_url=f"{run_url(submission)}/bundles/{quote(partner)}/qc.html",
        )
        for partner, info in sorted(facts.items())
    ]
    started, finished = submission.started_at, submission.finished_at
    elapsed = None if started is None else (finished or now) - started
    eta = None
    if typical_s is not None and state == QUEUED:
        eta = typical_s
    elif typical_s is not None and state == RUNNING:
        eta = max(typical_s - (elapsed or 0.0), 0.0)
    return RunView(
        id=submission.id,
        campaign=submission.campaign,
        title=str(plan.get("summary", {}).get("title") or submission.campaign),
        state=state,
        state_text=STATE_TEXT.get(state, state),
        runner=runner.kind,
        runner_label=runner.label,
        lead=submission.lead,
        submitted=when(submission.submitted_at),
        source_hash=submission.source_hash,
        message=live.message,
        queue_position=runner.queue_position(submission) if state == QUEUED else 0,
        elapsed_s=round(elapsed, 1) if elapsed is not None else None,
        detail_url=live.detail_url,
        started_at=started,
        finished_at=finished,
        flow_run_id=submission.flow_run_id,
        eta_s=round(eta) if eta is not None else None,
        stages=stages,
        bundles=bundles,
        blockers=list(plan.get("blockers", [])),
        failures=failures,
    )


def _task_name(stage: str, step: str) -> str:
    """The flow's task run name for a step (src/jointcampaign/flows/localize_campaign.py names them so)."""
    if stage == "render":
        partner, language, _aspect = step.split(" ")
        return f"render-{partner}-{language}"
    return {"copy": "translate-copy-", "subtitles": "translate-subtitles-", "bundle": "bundle-"}[stage] + step


def _failure_step(failure: dict[str, Any]) -> tuple[str, str]:
    stage = str(failure.get("stage", ""))
    if stage == "render":
        return stage, f"{failure.get('partner')} {failure.get('language')} {failure.get('aspect')}"
    if stage == "bundle":
        return stage, str(failure.get("partner"))
    return stage, str(failure.get("language"))
