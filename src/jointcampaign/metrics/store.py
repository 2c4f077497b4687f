"""Clicks and redemptions in the portal's SQLite file, next to its tokens and audit log.

Privacy by design: a click keeps when, which link, and a coarse browser class (phone, desktop,
bot...); never the IP address, the full user agent, a cookie or the referring page. That is
enough to count and split by language and placement, and too little to follow a person.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS clicks (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    at        REAL NOT NULL,
    campaign  TEXT NOT NULL,
    link_id   TEXT NOT NULL,
    ua_class  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS clicks_by_campaign ON clicks (campaign, at);
CREATE TABLE IF NOT EXISTS redemptions (
    fingerprint TEXT PRIMARY KEY,
    campaign    TEXT NOT NULL,
    code        TEXT NOT NULL,
    day         TEXT NOT NULL,
    source      TEXT NOT NULL,
    line        INTEGER NOT NULL,
    imported_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS redemptions_by_campaign ON redemptions (campaign, day);
"""


@dataclass(frozen=True)
class Click:
    day: dt.date
    link_id: str
    ua_class: str


@dataclass(frozen=True)
class Redemption:
    fingerprint: str
    code: str
    day: dt.date
    line: int


@dataclass(frozen=True)
class ImportResult:
    added: int
    already_imported: int


class MetricsStore:
    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self._local = threading.local()
        db_path.parent.mkdir(parents=True, exist_ok=True)
        fresh = not db_path.exists()
        with self._connect() as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.executescript(SCHEMA)
        if fresh:
            os.chmod(db_path, 0o600)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.db_path, timeout=10)) as conn:
            # WAL + NORMAL: a click is one small append; losing the last few on power loss is acceptable
            conn.execute("PRAGMA synchronous=NORMAL")
            with conn:
                yield conn

    def record_click(self, campaign: str, link_id: str, ua_class: str, at: float) -> None:
        # the hot path: one connection per serving thread, kept open (opening one costs more than the insert)
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.db_path, timeout=10, check_same_thread=True)
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
        with conn:
            conn.execute(
                "INSERT INTO clicks (at, campaign, link_id, ua_class) VALUES (?, ?, ?, ?)",
                (at, campaign, link_id, ua_class),
            )

    def clicks(self, campaign: str) -> list[Click]:
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT at, link_id, ua_class FROM clicks WHERE campaign = ? ORDER BY at, id", (campaign,)
            ).fetchall()
        return [Click(dt.datetime.fromtimestamp(at, dt.UTC).date(), link, ua) for at, link, ua in rows]

    def add_redemptions(
        self, campaign: str, source: str, rows: Iterable[Redemption], imported_at: float
    ) -> ImportResult:
        """All rows in one transaction; a row whose fingerprint is already stored is not counted again."""
        added = already = 0
        with self._connect() as conn:
            for row in rows:
                cursor = conn.execute(
                    "INSERT OR IGNORE INTO redemptions (fingerprint, campaign, code, day, source, line, "
                    "imported_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (row.fingerprint, campaign, row.code, row.day.isoformat(), source, row.line, imported_at),
                )
                if cursor.rowcount:
                    added += 1
                else:
                    already += 1
        return ImportResult(added, already)

    def redemptions(self, campaign: str) -> list[Redemption]:
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT fingerprint, code, day, line FROM redemptions WHERE campaign = ? ORDER BY day, fingerprint",
                (campaign,),
            ).fetchall()
        return [Redemption(fp, code, dt.date.fromisoformat(day), line) for fp, code, day, line in rows]
