"""Where a desk submission runs: the Prefect deployment when an API is configured, else a local runner.

Local runner: one worker thread takes submissions in the order they came and runs each in a child
process (`python -m jointcampaign.flows.desk_run`, the flow `jointcampaign run` uses), so the portal itself never
imports Prefect and a crash in a run cannot take the portal down. One at a time means two submissions
of the same campaign never run at once: the second waits in the queue. Across processes (a second
portal, a `jointcampaign run` in a terminal) the pipeline's campaign lock makes it wait as well.

Prefect: the snapshot is queued on the deployment exactly as `jointcampaign submit` queues it, and the
run page reads the flow run's state the way `jointcampaign status` does. Two runs of one campaign
that reach workers together wait on the same campaign lock.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from uuid import UUID

from jointcampaign.desk.store import (
    DONE,
    FAILED,
    PARTIAL,
    QUEUED,
    RUNNING,
    Submission,
    SubmissionStore,
)
from jointcampaign.fileio import sha256_file

LOG_TAIL_LINES = 12
TASKS = "tasks"  # progress keyed by Prefect task run name, mapped onto the plan's steps by run_view


@dataclass(frozen=True)
class RunState:
    """What the run page and `jointcampaign portal desk status` show about one submission."""

    state: str
    stages: dict[str, dict[str, float]]
    message: str | None
    detail_url: str | None = None


class Runner(Protocol):
    kind: str
    label: str

    def start(self) -> None: ...

    def enqueue(self, submission: Submission) -> None: ...

    def state(self, submission: Submission) -> RunState: ...

    def queue_position(self, submission: Submission) -> int: ...

    def stop(self) -> None: ...


def bundle_facts(out_dir: Path, campaign: str, partners: list[str]) -> dict[str, dict[str, Any]]:
    """Each partner's zip as this run left it: its sha256 and size, for the page and the history."""
    facts: dict[str, dict[str, Any]] = {}
    for partner in partners:
        path = out_dir / campaign / f"{partner}.zip"
        if path.is_file():
            facts[partner] = {"sha256": sha256_file(path), "size": path.stat().st_size}
    return facts


def snapshot_partners(submission: Submission) -> list[str]:
    try:
        record = json.loads((submission.snapshot / "submission.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return []
    return [str(p) for p in record.get("partners", [])]


class LocalRunner:
    kind = "local"
    label = "the desk's own local runner (no Prefect server is configured)"

    def __init__(
        self,
        store: SubmissionStore,
        out_dir: Path,
        runs_dir: Path,
        python: str = sys.executable,
        env: dict[str, str] | None = None,
    ) -> None:
        self.store = store
        self.out_dir = out_dir
        self.runs_dir = runs_dir
        self.python = python
        self.env = env
        self.jobs: queue.Queue[Submission | None] = queue.Queue()
        self.lock = threading.Lock()
        self.waiting: list[str] = []
        self.current: subprocess.Popen[bytes] | None = None
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        """Pick up where a previous portal process stopped, then start the worker."""
        for stale in self.store.in_state(RUNNING, runner=self.kind):
            self.store.finish(stale.id, FAILED, "the desk stopped during this run; submit it again", {})
        for queued in self.store.in_state(QUEUED, runner=self.kind):
            self.enqueue(queued)
        self.thread = threading.Thread(target=self._work, name="desk-local-runner", daemon=True)
        self.thread.start()

    def enqueue(self, submission: Submission) -> None:
        with self.lock:
            self.waiting.append(submission.id)
        self.jobs.put(submission)

    def queue_position(self, submission: Submission) -> int:
        with self.lock:
            return self.waiting.index(submission.id) if submission.id in self.waiting else 0

    def status_file(self, submission: Submission) -> Path:
        return self.runs_dir / submission.id / "status.json"

    def log_file(self, submission: Submission) -> Path:
        return self.runs_dir / submission.id / "run.log"

    def state(self, submission: Submission) -> RunState:
        status = _read_json(self.status_file(submission))
        stages = status.get("stages", {}) if isinstance(status, dict) else {}
        return RunState(submission.state, stages, submission.message)

    def stop(self) -> None:
        self.jobs.put(None)
        with self.lock:
            child = self.current
        if child is not None and child.poll() is None:
            os.killpg(child.pid, signal.SIGTERM)
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)

    def _work(self) -> None:
        while (submission := self.jobs.get()) is not None:
            try:
                self._run(submission)
            except Exception as exc:  # a bug here must not stop the queue behind it
                self.store.finish(submission.id, FAILED, f"the desk could not run it: {exc}", {})
            finally:
                with self.lock:
                    if submission.id in self.waiting:
                        self.waiting.remove(submission.id)

    def _run(self, submission: Submission) -> None:
        folder = self.runs_dir / submission.id
        folder.mkdir(parents=True, exist_ok=True)
        self.store.mark_running(submission.id)
        command = [
            self.python,
            "-m",
            "jointcampaign.flows.desk_run",
            str(submission.campaign_dir),
            str(self.out_dir),
            str(self.status_file(submission)),
        ]
        with self.log_file(submission).open("wb") as log:
            child = subprocess.Popen(
                command,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=self.env,
                start_new_session=True,  # so stop() can end the run and every helper it started
            )
            with self.lock:
                self.current = child
            code = child.wait()
        with self.lock:
            self.current = None
        status = _read_json(self.status_file(submission))
        result = dict(status.get("result") or {}) if isinstance(status, dict) else {}
        partners = sorted(result.get("bundles", {})) or snapshot_partners(submission)
        result["bundle_facts"] = bundle_facts(self.out_dir, submission.campaign, partners)
        if code == 0:
            self.store.finish(submission.id, DONE, None, result)
            return
        message = status.get("message") if isinstance(status, dict) else None
        if code == 1 and result.get("status") == "partial":
            failures = result.get("failures", [])
            self.store.finish(submission.id, PARTIAL, f"{len(failures)} step(s) failed", result)
            return
        self.store.finish(submission.id, FAILED, message or self._log_tail(submission), result)

    def _log_tail(self, submission: Submission) -> str:
        try:
            lines = self.log_file(submission).read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return "the run stopped without saying why"
        return "\n".join(lines[-LOG_TAIL_LINES:]) or "the run stopped without saying why"


class PrefectQueue:
    kind = "prefect"
    label = "the Prefect deployment {deployment} (like `jointcampaign submit`)"

    def __init__(self, store: SubmissionStore, out_dir: Path, deployment: str) -> None:
        self.store = store
        self.out_dir = out_dir
        self.deployment = deployment
        self.label = PrefectQueue.label.format(deployment=deployment)

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass

    def queue_position(self, submission: Submission) -> int:
        return 0

    def enqueue(self, submission: Submission) -> None:
        from jointcampaign.flows import deployments

        with deployments.connected() as client:
            deployments.check_deployment(client, self.deployment)
        parameters: dict[str, object] = {
            "campaign_dir": str(submission.campaign_dir),
            "out_dir": str(self.out_dir.resolve()),
            "languages": None,
        }
        tags = ["jointcampaign", f"campaign:{submission.campaign}", "desk"]
        flow_run = deployments.queue_run(self.deployment, parameters, tags)
        self.store.set_flow_run(submission.id, str(flow_run.id))

    def state(self, submission: Submission) -> RunState:
        """The flow run's state as `jointcampaign status` reads it; a finished run is recorded once."""
        from jointcampaign.errors import JointCampaignError
        from jointcampaign.flows import deployments

        if submission.flow_run_id is None:
            return RunState(submission.state, {}, submission.message)
        url = deployments.run_url(UUID(submission.flow_run_id))
        if submission.finished:
            return RunState(submission.state, {}, submission.message, url)
        try:
            with deployments.connected() as client:
                progress = deployments.run_progress(client, submission.flow_run_id)
                tasks = deployments.task_progress(client, submission.flow_run_id)
        except JointCampaignError as exc:
            return RunState(submission.state, {}, f"cannot read the run's state from Prefect: {exc}", url)
        row = progress.run
        stages = {TASKS: tasks}
        if row.state_type in ("SCHEDULED", "PENDING"):
            return RunState(QUEUED, stages, row.message, progress.url)
        if row.state_type == "RUNNING":
            self.store.mark_running(submission.id)
            return RunState(RUNNING, stages, row.message, progress.url)
        partners = snapshot_partners(submission)
        result: dict[str, Any] = {
            "bundle_facts": bundle_facts(self.out_dir, submission.campaign, partners),
            "failures": [{"stage": name, "message": message} for name, message in progress.failed],
            "steps": dict(progress.steps),
        }
        final = FAILED
        if row.state_type == "COMPLETED":
            final = PARTIAL if row.state == "Partial" else DONE
        self.store.finish(submission.id, final, row.message, result)
        return RunState(final, stages, row.message, progress.url)


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}
