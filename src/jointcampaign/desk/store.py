"""The desk's history: every submission with its snapshot, submitter, time, source hash, state and result.

Rows live in the portal's SQLite file beside the tokens; the snapshot itself is a folder under the
submissions directory (the same layout `jointcampaign submit` writes), so an earlier one can always be
downloaded again or compared with a later one.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jointcampaign.portal.db import connect
from jointcampaign.portal.lead_tokens import ensure_lead_schema

SCHEMA = """
CREATE TABLE IF NOT EXISTS desk_submissions (
    id           TEXT PRIMARY KEY,
    campaign     TEXT NOT NULL,
    lead         TEXT NOT NULL,
    token_id     TEXT NOT NULL,
    submitted_at REAL NOT NULL,
    source_hash  TEXT NOT NULL,
    snapshot     TEXT NOT NULL,
    runner       TEXT NOT NULL,
    flow_run_id  TEXT,
    state        TEXT NOT NULL,
    started_at   REAL,
    finished_at  REAL,
    message      TEXT,
    result       TEXT
);
CREATE INDEX IF NOT EXISTS desk_submissions_by_campaign ON desk_submissions (campaign, submitted_at);
"""

QUEUED, RUNNING, DONE, PARTIAL, FAILED = "queued", "running", "done", "partial", "failed"
FINISHED = {DONE, PARTIAL, FAILED}


@dataclass(frozen=True)
class Submission:
    id: str
    campaign: str
    lead: str
    token_id: str
    submitted_at: float
    source_hash: str
    snapshot: Path
    runner: str  # "local" or "prefect"
    flow_run_id: str | None
    state: str
    started_at: float | None
    finished_at: float | None
    message: str | None
    result: dict[str, Any] = field(default_factory=dict)

    @property
    def campaign_dir(self) -> Path:
        return self.snapshot / "campaigns" / self.campaign

    @property
    def finished(self) -> bool:
        return self.state in FINISHED


class SubmissionStore:
    def __init__(self, db_path: Path, clock: Callable[[], float] = time.time) -> None:
        self.db_path = db_path
        self.clock = clock
        ensure_lead_schema(db_path)
        with connect(db_path) as conn:
            conn.executescript(SCHEMA)

    def add(
        self, *, campaign: str, lead: str, token_id: str, source_hash: str, snapshot: Path, runner: str
    ) -> Submission:
        ident = secrets.token_hex(8)
        with connect(self.db_path) as conn:
            conn.execute(
                "INSERT INTO desk_submissions (id, campaign, lead, token_id, submitted_at, source_hash,"
                " snapshot, runner, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (ident, campaign, lead, token_id, self.clock(), source_hash, str(snapshot), runner, QUEUED),
            )
        found = self.get(ident)
        assert found is not None
        return found

    def get(self, ident: str) -> Submission | None:
        with connect(self.db_path) as conn:
            row = conn.execute("SELECT * FROM desk_submissions WHERE id = ?", (ident,)).fetchone()
        return _submission(row) if row is not None else None

    def for_campaign(self, campaign: str, limit: int = 50) -> list[Submission]:
        """Newest first."""
        with connect(self.db_path) as conn:
            rows = conn.execute(
                "SELECT * FROM desk_submissions WHERE campaign = ? ORDER BY submitted_at DESC, id LIMIT ?",
                (campaign, limit),
            ).fetchall()
        return [_submission(row) for row in rows]

    def in_state(self, *states: str, runner: str | None = None) -> list[Submission]:
        marks = ", ".join("?" for _ in states)
        query = f"SELECT * FROM desk_submissions WHERE state IN ({marks})"
        params: list[Any] = list(states)
        if runner is not None:
            query += " AND runner = ?"
            params.append(runner)
        with connect(self.db_path) as conn:
            rows = conn.execute(query + " ORDER BY submitted_at, id", params).fetchall()
        return [_submission(row) for row in rows]

    def mark_running(self, ident: str, flow_run_id: str | None = None) -> None:
        with connect(self.db_path) as conn:
            conn.execute(
                "UPDATE desk_submissions SET state = ?, started_at = COALESCE(started_at, ?),"
                " flow_run_id = COALESCE(?, flow_run_id) WHERE id = ?",
                (RUNNING, self.clock(), flow_run_id, ident),
            )

    def set_flow_run(self, ident: str, flow_run_id: str) -> None:
        with connect(self.db_path) as conn:
            conn.execute("UPDATE desk_submissions SET flow_run_id = ? WHERE id = ?", (flow_run_id, ident))

    def finish(self, ident: str, state: str, message: str | None, result: dict[str, Any]) -> None:
        with connect(self.db_path) as conn:
            conn.execute(
                "UPDATE desk_submissions SET state = ?, finished_at = ?, message = ?, result = ?"
                " WHERE id = ?",
                (state, self.clock(), message, json.dumps(result), ident),
            )


def _submission(row: Any) -> Submission:
    return Submission(
        id=row["id"],
        campaign=row["campaign"],
        lead=row["lead"],
        token_id=row["token_id"],
        submitted_at=row["submitted_at"],
        source_hash=row["source_hash"],
        snapshot=Path(row["snapshot"]),
        runner=row["runner"],
        flow_run_id=row["flow_run_id"],
        state=row["state"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        message=row["message"],
        result=json.loads(row["result"]) if row["result"] else {},
    )
