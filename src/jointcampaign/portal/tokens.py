"""Partner access tokens: random, stored only as hashes, checked in constant time, expiring, revocable.

A token is ``<id>.<secret>``. The id is a public lookup key (safe to print in audit logs and to
revoke by); only the sha256 of the secret is stored, so the database alone never grants access.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from jointcampaign.errors import UserInputError
from jointcampaign.portal.db import connect, ensure_schema

NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")
TOKEN_PATTERN = re.compile(r"^([0-9a-f]{16})\.([A-Za-z0-9_-]{43})$")
LIFETIME_PATTERN = re.compile(r"^\s*(\d+)\s*([mhdw])\s*$")
LIFETIME_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
MAX_LIFETIME = timedelta(days=366)
# compared against when the id is unknown, so a miss costs the same as a wrong secret
_DECOY_HASH = hashlib.sha256(b"no such token").hexdigest()


class Denied(enum.Enum):
    UNKNOWN = "this link is not valid"
    EXPIRED = "this link has expired"
    REVOKED = "this link has been withdrawn"


@dataclass(frozen=True)
class Grant:
    """What a valid token allows: one partner's bundles, optionally only one campaign's."""

    token_id: str
    partner: str
    campaign: str | None
    expires_at: int

    def covers(self, campaign: str) -> bool:
        return self.campaign is None or self.campaign == campaign


@dataclass(frozen=True)
class TokenRecord:
    token_id: str
    partner: str
    campaign: str | None
    created_at: int
    expires_at: int
    revoked_at: int | None


@dataclass(frozen=True)
class IssuedToken:
    token: str  # shown once, never stored
    record: TokenRecord


def is_valid_name(name: str) -> bool:
    """Partner ids and campaign slugs: lowercase, no path separators, never `.` or `..`."""
    return bool(NAME_PATTERN.match(name))


def parse_lifetime(text: str) -> timedelta:
    """`30d`, `12h`, `90m`, `2w` → a timedelta; anything else is the user's to fix."""
    match = LIFETIME_PATTERN.match(text)
    lifetime = timedelta(**{LIFETIME_UNITS[match.group(2)]: int(match.group(1))}) if match else timedelta(0)
    if lifetime <= timedelta(0) or lifetime > MAX_LIFETIME:
        raise UserInputError.single(
            None,
            f"--expires {text!r} is not a lifetime between 1 minute and 366 days",
            "write a number and a unit: 90m, 12h, 30d or 2w",
            field="--expires",
        )
    return lifetime


def _secret_hash(secret: str) -> str:
    # the secret has 256 random bits, so a fast hash is enough: there is nothing to brute-force
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def token_id_of(token_or_id: str) -> str:
    """Accept a token id, a full token or a whole link; return the id part."""
    tail = token_or_id.strip().rstrip("/").rsplit("/", 1)[-1]
    return tail.split(".", 1)[0]


class TokenStore:
    def __init__(self, db_path: Path, clock: Callable[[], float] = time.time) -> None:
        self.db_path = db_path
        self.clock = clock
        ensure_schema(db_path)

    def create(self, partner: str, campaign: str | None, lifetime: timedelta) -> IssuedToken:
        if not is_valid_name(partner) or (campaign is not None and not is_valid_name(campaign)):
            raise UserInputError.single(
                None,
                f"partner {partner!r} / campaign {campaign!r} is not a valid id",
                "use the lowercase ids from campaign.yaml (letters, digits, `-`, `_`, `.`)",
            )
        token_id = secrets.token_hex(8)
        secret = secrets.token_urlsafe(32)
        now = int(self.clock())
        record = TokenRecord(token_id, partner, campaign, now, now + int(lifetime.total_seconds()), None)
        with connect(self.db_path) as conn:
            conn.execute(
                "INSERT INTO tokens (token_id, secret_sha256, partner, campaign, created_at, expires_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (token_id, _secret_hash(secret), partner, campaign, record.created_at, record.expires_at),
            )
        return IssuedToken(f"{token_id}.{secret}", record)

    def check(self, token: str) -> Grant | Denied:
        match = TOKEN_PATTERN.match(token)
        if match is None:
            return Denied.UNKNOWN
        token_id, secret = match.groups()
        with connect(self.db_path) as conn:
            row = conn.execute("SELECT * FROM tokens WHERE token_id = ?", (token_id,)).fetchone()
        stored = row["secret_sha256"] if row is not None else _DECOY_HASH
        if not hmac.compare_digest(stored, _secret_hash(secret)) or row is None:
            return Denied.UNKNOWN
        if row["revoked_at"] is not None:
            return Denied.REVOKED
        if row["expires_at"] <= self.clock():
            return Denied.EXPIRED
        return Grant(token_id, row["partner"], row["campaign"], row["expires_at"])

    def revoke(self, token_or_id: str) -> bool:
        """Withdraw a token at once; True if one was active."""
        with connect(self.db_path) as conn:
            cursor = conn.execute(
                "UPDATE tokens SET revoked_at = ? WHERE token_id = ? AND revoked_at IS NULL",
                (int(self.clock()), token_id_of(token_or_id)),
            )
        return cursor.rowcount > 0

    def revoke_partner(self, partner: str) -> int:
        with connect(self.db_path) as conn:
            cursor = conn.execute(
                "UPDATE tokens SET revoked_at = ? WHERE partner = ? AND revoked_at IS NULL",
                (int(self.clock()), partner),
            )
        return cursor.rowcount

    def records(self, partner: str | None = None) -> list[TokenRecord]:
        query = (
            "SELECT * FROM tokens"
            + (" WHERE partner = ?" if partner else "")
            + " ORDER BY created_at, token_id"
        )
        with connect(self.db_path) as conn:
            rows = conn.execute(query, (partner,) if partner else ()).fetchall()
        return [
            TokenRecord(
                r["token_id"], r["partner"], r["campaign"], r["created_at"], r["expires_at"], r["revoked_at"]
            )
            for r in rows
        ]
