"""Campaign-lead access tokens: like partner tokens, but for the campaign desk and for a set of campaigns.

Leads submit campaigns; partners only download. The two kinds live in separate tables, so a partner
token is simply unknown to the desk (and a lead token unknown to the partner pages): no code path can
confuse one for the other. Tokens are ``<id>.<secret>`` as for partners; only the secret's sha256 is
stored and compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from jointcampaign.errors import UserInputError
from jointcampaign.portal.db import connect
from jointcampaign.portal.tokens import TOKEN_PATTERN, Denied, is_valid_name, token_id_of

SCHEMA = """
CREATE TABLE IF NOT EXISTS lead_tokens (
    token_id      TEXT PRIMARY KEY,
    secret_sha256 TEXT NOT NULL,
    lead          TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    revoked_at    INTEGER
);
CREATE TABLE IF NOT EXISTS lead_token_campaigns (
    token_id TEXT NOT NULL REFERENCES lead_tokens (token_id),
    campaign TEXT NOT NULL,
    PRIMARY KEY (token_id, campaign)
);
"""
_DECOY_HASH = hashlib.sha256(b"no such lead token").hexdigest()


@dataclass(frozen=True)
class LeadGrant:
    """What a valid lead token allows: submitting and following these campaigns, and nothing else."""

    token_id: str
    lead: str
    campaigns: frozenset[str]
    expires_at: int

    def covers(self, campaign: str) -> bool:
        return campaign in self.campaigns


@dataclass(frozen=True)
class LeadRecord:
    token_id: str
    lead: str
    campaigns: tuple[str, ...]
    created_at: int
    expires_at: int
    revoked_at: int | None


@dataclass(frozen=True)
class IssuedLeadToken:
    token: str  # shown once, never stored
    record: LeadRecord


def _secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def ensure_lead_schema(db_path: Path) -> None:
    from jointcampaign.portal.db import ensure_schema

    ensure_schema(db_path)  # creates the file with its private permissions first
    with connect(db_path) as conn:
        conn.executescript(SCHEMA)


class LeadStore:
    def __init__(self, db_path: Path, clock: Callable[[], float] = time.time) -> None:
        self.db_path = db_path
        self.clock = clock
        ensure_lead_schema(db_path)

    def create(self, lead: str, campaigns: list[str], lifetime: timedelta) -> IssuedLeadToken:
        wanted = sorted(set(campaigns))
        bad = [name for name in [lead, *wanted] if not is_valid_name(name)]
        if bad or not wanted:
            raise UserInputError.single(
                None,
                f"lead {lead!r} / campaigns {', '.join(wanted) or '(none)'} are not valid ids",
                "give a lowercase lead name and at least one --campaign slug "
                "(letters, digits, `-`, `_`, `.`), e.g. --campaign demo-cafe-florist",
            )
        token_id = secrets.token_hex(8)
        secret = secrets.token_urlsafe(32)
        now = int(self.clock())
        record = LeadRecord(token_id, lead, tuple(wanted), now, now + int(lifetime.total_seconds()), None)
        with connect(self.db_path) as conn:
            conn.execute(
                "INSERT INTO lead_tokens (token_id, secret_sha256, lead, created_at, expires_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (token_id, _secret_hash(secret), lead, record.created_at, record.expires_at),
            )
            conn.executemany(
                "INSERT INTO lead_token_campaigns (token_id, campaign) VALUES (?, ?)",
                [(token_id, campaign) for campaign in wanted],
            )
        return IssuedLeadToken(f"{token_id}.{secret}", record)

    def check(self, token: str) -> LeadGrant | Denied:
        match = TOKEN_PATTERN.match(token)
        if match is None:
            return Denied.UNKNOWN
        token_id, secret = match.groups()
        with connect(self.db_path) as conn:
            row = conn.execute("SELECT * FROM lead_tokens WHERE token_id = ?", (token_id,)).fetchone()
            campaigns = conn.execute(
                "SELECT campaign FROM lead_token_campaigns WHERE token_id = ?", (token_id,)
            ).fetchall()
        stored = row["secret_sha256"] if row is not None else _DECOY_HASH
        if not hmac.compare_digest(stored, _secret_hash(secret)) or row is None:
            return Denied.UNKNOWN
        if row["revoked_at"] is not None:
            return Denied.REVOKED
        if row["expires_at"] <= self.clock():
            return Denied.EXPIRED
        return LeadGrant(
            token_id, row["lead"], frozenset(r["campaign"] for r in campaigns), row["expires_at"]
        )

    def revoke(self, token_or_id: str) -> bool:
        with connect(self.db_path) as conn:
            cursor = conn.execute(
                "UPDATE lead_tokens SET revoked_at = ? WHERE token_id = ? AND revoked_at IS NULL",
                (int(self.clock()), token_id_of(token_or_id)),
            )
        return cursor.rowcount > 0

    def revoke_lead(self, lead: str) -> int:
        with connect(self.db_path) as conn:
            cursor = conn.execute(
                "UPDATE lead_tokens SET revoked_at = ? WHERE lead = ? AND revoked_at IS NULL",
                (int(self.clock()), lead),
            )
        return cursor.rowcount

    def records(self, lead: str | None = None) -> list[LeadRecord]:
        query = "SELECT * FROM lead_tokens" + (" WHERE lead = ?" if lead else "") + " ORDER BY created_at"
        with connect(self.db_path) as conn:
            rows = conn.execute(query, (lead,) if lead else ()).fetchall()
            scopes: dict[str, list[str]] = {}
            for row in conn.execute("SELECT token_id, campaign FROM lead_token_campaigns ORDER BY campaign"):
                scopes.setdefault(row["token_id"], []).append(row["campaign"])
        return [
            LeadRecord(
                r["token_id"],
                r["lead"],
                tuple(scopes.get(r["token_id"], [])),
                r["created_at"],
                r["expires_at"],
                r["revoked_at"],
            )
            for r in rows
        ]
