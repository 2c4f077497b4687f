"""Translation memory: exact-match reuse of earlier translations, in one SQLite file.

Machine translations are keyed by source text, language pair, engine, model version and the
protection rules they were checked against, so a new model or glossary never serves stale
output. Human-reviewed translations are keyed by text and language pair only: they outlive
model changes. The file is shared by every flow run on the machine (threads and processes):
WAL journal, one connection per thread, writes in short immediate transactions.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from jointcampaign.errors import JointCampaignError

MEMORY_FILE = "memory.sqlite"
_SCHEMA_VERSION = 1
_CHUNK = 400  # stays below SQLite's limit on bound parameters per statement
_SCHEMA = """
CREATE TABLE IF NOT EXISTS machine (
    source_text TEXT NOT NULL,
    source_lang TEXT NOT NULL,
    target_lang TEXT NOT NULL,
    engine TEXT NOT NULL,
    model_version TEXT NOT NULL,
    rules TEXT NOT NULL,
    target_text TEXT NOT NULL,
    details TEXT NOT NULL,
    stored_at TEXT NOT NULL,
    PRIMARY KEY (source_lang, target_lang, engine, model_version, rules, source_text)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS reviewed (
    source_text TEXT NOT NULL,
    source_lang TEXT NOT NULL,
    target_lang TEXT NOT NULL,
    target_text TEXT NOT NULL,
    origin TEXT NOT NULL,
    stored_at TEXT NOT NULL,
    PRIMARY KEY (source_lang, target_lang, source_text)
) WITHOUT ROWID;
"""


@dataclass(frozen=True)
class MemoryKey:
    """Everything besides the source text that decides what a machine translation says."""

    source: str
    target: str
    engine: str
    version: str
    rules: str = ""


@dataclass(frozen=True)
class Remembered:
    text: str
    details: Mapping[str, Any] = field(default_factory=dict)  # notes and QC findings to replay on reuse


class TranslationMemory:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._guard():
            db = self._db()
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version > _SCHEMA_VERSION:
                raise JointCampaignError(
                    f"The translation memory {path} was written by a newer jointcampaign "
                    f"(schema {version}).\n    fix: upgrade jointcampaign, or point JOINTCAMPAIGN_HOME elsewhere"
                )
            try:
                db.executescript(
                    f"BEGIN IMMEDIATE; {_SCHEMA} PRAGMA user_version = {_SCHEMA_VERSION}; COMMIT;"
                )
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise

    def _select_texts(
        self, query: str, parameters: list[str], texts: Sequence[str]
    ) -> Iterator[tuple[Any, ...]]:
        """Rows of `query` whose source_text is one of `texts`, in chunks SQLite's parameter limit allows."""
        db = self._db()
        wanted = list(dict.fromkeys(texts))
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            placeholders = ",".join("?" * len(chunk))
            yield from db.execute(f"{query} AND source_text IN ({placeholders})", [*parameters, *chunk])

    def lookup(self, texts: Sequence[str], key: MemoryKey) -> dict[str, Remembered]:
        """Machine translations remembered for exactly this key."""
        found: dict[str, Remembered] = {}
        with self._guard():
            rows = self._select_texts(
                "SELECT source_text, target_text, details FROM machine WHERE source_lang = ? "
                "AND target_lang = ? AND engine = ? AND model_version = ? AND rules = ?",
                [key.source, key.target, key.engine, key.version, key.rules],
                texts,
            )
            for source_text, target_text, details in rows:
                found[source_text] = Remembered(target_text, json.loads(details))
        return found

    def store(self, entries: Mapping[str, Remembered], key: MemoryKey) -> None:
        now = _now()
        rows = [
            (text, key.source, key.target, key.engine, key.version, key.rules, entry.text,
             json.dumps(dict(entry.details), ensure_ascii=False), now)
            for text, entry in entries.items()
        ]  # fmt: skip
        if rows:
            with self._guard(), self._transaction() as db:
                db.executemany("INSERT OR REPLACE INTO machine VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)

    def reviewed(self, texts: Sequence[str], source: str, target: str) -> dict[str, str]:
        """Human translations of these texts, whatever engine or model is installed now."""
        found: dict[str, str] = {}
        with self._guard():
            rows = self._select_texts(
                "SELECT source_text, target_text FROM reviewed WHERE source_lang = ? AND target_lang = ?",
                [source, target],
                texts,
            )
            found.update((source_text, target_text) for source_text, target_text in rows)
        return found

    def remember_reviewed(
        self, translations: Mapping[str, str], source: str, target: str, origin: str
    ) -> None:
        now = _now()
        rows = [(text, source, target, reviewed, origin, now) for text, reviewed in translations.items()]
        if rows:
            with self._guard(), self._transaction() as db:
                db.executemany(
                    "INSERT INTO reviewed VALUES (?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (source_lang, target_lang, source_text) DO UPDATE SET "
                    "target_text = excluded.target_text, origin = excluded.origin, stored_at = excluded.stored_at "
                    "WHERE target_text != excluded.target_text",
                    rows,
                )

    def counts(self) -> dict[str, int]:
        with self._guard():
            db = self._db()
            return {
                table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for table in ("machine", "reviewed")
            }

    def close(self) -> None:
        """Close every thread's connection; the memory reopens on next use."""
        with self._lock:
            connections, self._connections = self._connections, []
            self._local = threading.local()
        for connection in connections:
            connection.close()

    def _db(self) -> sqlite3.Connection:
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            # autocommit mode: transactions are opened explicitly, so reads never hold a lock.
            connection = sqlite3.connect(self.path, timeout=60, isolation_level=None)
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = NORMAL")
            self._local.connection = connection
            with self._lock:
                self._connections.append(connection)
        return connection

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        db = self._db()
        if db.in_transaction:
            yield db
            return
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    @contextmanager
    def _guard(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.DatabaseError as err:
            raise JointCampaignError(
                f"The translation memory {self.path} cannot be used: {err}\n"
                "    fix: move the file away; it is rebuilt on the next run (reviewed strings come back "
                "from the campaigns' review/<lang>.po files)"
            ) from err


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@cache
def shared_memory(path: Path) -> TranslationMemory:
    """One memory object per file and process; it keeps one SQLite connection per thread."""
    return TranslationMemory(path)
