"""The portal's SQLite file: token hashes and the audit log, one short connection per operation."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS tokens (
    token_id      TEXT PRIMARY KEY,
    secret_sha256 TEXT NOT NULL,
    partner       TEXT NOT NULL,
    campaign      TEXT,
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    revoked_at    INTEGER
);
CREATE TABLE IF NOT EXISTS audit (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    at         REAL NOT NULL,
    token_id   TEXT,
    partner    TEXT,
    campaign   TEXT,
    action     TEXT NOT NULL,
    path       TEXT,
    status     INTEGER NOT NULL,
    byte_range TEXT,
    client     TEXT
);
CREATE INDEX IF NOT EXISTS audit_by_partner ON audit (partner, at);
"""


def ensure_schema(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True, exist_ok=True)
    fresh = not db_path.exists()
    with connect(db_path) as conn:
        conn.executescript(SCHEMA)
    if fresh:
        # token hashes and who downloaded what are nobody else's business on a shared machine
        os.chmod(db_path, 0o600)


@contextmanager
def connect(db_path: Path) -> Iterator[sqlite3.Connection]:
    """A connection that commits on success and is always closed (the portal serves from threads)."""
    with closing(sqlite3.connect(db_path, timeout=10)) as conn:
        conn.row_factory = sqlite3.Row
        with conn:
            yield conn
