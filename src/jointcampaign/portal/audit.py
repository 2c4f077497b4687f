"""Who downloaded what, and when. Rows carry the token's public id, never the token itself."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from jointcampaign.portal.db import connect, ensure_schema
from jointcampaign.portal.tokens import Grant


@dataclass(frozen=True)
class AuditEntry:
    at: float
    token_id: str | None
    partner: str | None
    campaign: str | None
    action: str
    path: str | None
    status: int
    byte_range: str | None
    client: str | None


class AuditLog:
    def __init__(self, db_path: Path, clock: Callable[[], float] = time.time) -> None:
        self.db_path = db_path
        self.clock = clock
        ensure_schema(db_path)

    def record(
        self,
        grant: Grant | None,
        action: str,
        *,
        campaign: str | None = None,
        path: str | None = None,
        status: int = 200,
        byte_range: str | None = None,
        client: str | None = None,
    ) -> None:
        with connect(self.db_path) as conn:
            conn.execute(
                "INSERT INTO audit (at, token_id, partner, campaign, action, path, status, byte_range,"
                " client) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    self.clock(),
                    grant.token_id if grant else None,
                    grant.partner if grant else None,
                    campaign,
                    action,
                    path,
                    status,
                    byte_range,
                    client,
                ),
            )

    def entries(
        self, *, partner: str | None = None, campaign: str | None = None, limit: int = 100
    ) -> list[AuditEntry]:
        """The newest ``limit`` entries matching the filters, oldest first."""
        clauses = [(name, value) for name, value in (("partner", partner), ("campaign", campaign)) if value]
        where = (" WHERE " + " AND ".join(f"{name} = ?" for name, _ in clauses)) if clauses else ""
        with connect(self.db_path) as conn:
            rows = conn.execute(
                f"SELECT * FROM audit{where} ORDER BY at DESC, id DESC LIMIT ?",
                (*[value for _, value in clauses], limit),
            ).fetchall()
        return [
            AuditEntry(
                r["at"],
                r["token_id"],
                r["partner"],
                r["campaign"],
                r["action"],
                r["path"],
                r["status"],
                r["byte_range"],
                r["client"],
            )
            for r in reversed(rows)
        ]
