"""Clicks and redemptions in a database through SQLAlchemy Core: the portal's SQLite file by default,
PostgreSQL in production (several portal processes writing to one database).

Privacy by design: a click keeps when, which link, and a coarse browser class (phone, desktop,
bot...); never the IP address, the full user agent, a cookie or the referring page. That is
enough to count and split by language and placement, and too little to follow a person.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    insert,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from jointcampaign.errors import StoreUnavailableError, UserInputError

# The same tables and index names the first (sqlite3) version created, so an existing portal.sqlite3
# is used as it is: create_all only adds what is missing.
METADATA = MetaData()
CLICKS = Table(
    "clicks",
    METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", Float, nullable=False),
    Column("campaign", String(64), nullable=False),
    Column("link_id", String(16), nullable=False),
    Column("ua_class", String(16), nullable=False),
    Index("clicks_by_campaign", "campaign", "at"),
    sqlite_autoincrement=True,
)
REDEMPTIONS = Table(
    "redemptions",
    METADATA,
    Column("fingerprint", String(64), primary_key=True),
    Column("campaign", String(64), nullable=False),
    Column("code", String(24), nullable=False),
    Column("day", String(10), nullable=False),  # ISO date: sorts and compares as text in every database
    Column("source", Text, nullable=False),
    Column("line", Integer, nullable=False),
    Column("imported_at", Float, nullable=False),
    Index("redemptions_by_campaign", "campaign", "day"),
)
DIALECTS = ("sqlite", "postgresql")
URL_FIX = "use a file path, sqlite:///path/to/portal.sqlite3 or postgresql://user:password@host:5432/database"


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


def database_url(where: str | Path) -> str:
    """A path means a SQLite file; postgresql:// means PostgreSQL through psycopg (version 3), the
    driver the project pins (SQLAlchemy's own default for that scheme is psycopg2)."""
    text = str(where)
    if "://" not in text:
        return f"sqlite:///{Path(text).expanduser()}"
    try:
        url = make_url(text)
    except ArgumentError:
        raise UserInputError.single(None, f"the metrics database {_redacted(text)!r} is not a database URL",
                                    URL_FIX) from None  # fmt: skip
    if url.get_backend_name() not in DIALECTS:
        raise UserInputError.single(None, f"the metrics database {_redacted(text)!r} is neither SQLite nor "
                                    "PostgreSQL", URL_FIX)  # fmt: skip
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    return url.render_as_string(hide_password=False)


def sqlite_file(where: str | Path) -> Path | None:
    """The file of a SQLite database, None for a server database."""
    url = make_url(database_url(where))
    return Path(url.database) if url.get_backend_name() == "sqlite" and url.database else None


def _redacted(text: str) -> str:
    """A URL as shown in messages: never its password."""
    try:
        return make_url(text).render_as_string(hide_password=True)
    except ArgumentError:
        return text.split("@")[-1]


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        # WAL: readers never block the redirect's writes; NORMAL: a click is one small append, and
        # losing the last few on power loss is acceptable
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()


class MetricsStore:
    """`where`: a SQLite file path, or a sqlite:/// or postgresql:// URL (see database_url)."""

    def __init__(self, where: str | Path) -> None:
        self.url = database_url(where)
        self.file = sqlite_file(where)
        fresh = self.file is not None and not self.file.exists()
        if self.file is not None:
            self.file.parent.mkdir(parents=True, exist_ok=True)
        # pool_pre_ping: a portal outlives database restarts; a dead pooled connection is replaced
        # SQLite: every serving thread keeps a connection (record_click), so the pool must not cap them
        pool = {"pool_pre_ping": True} if self.file is None else {"pool_size": 8, "max_overflow": -1}
        self.engine = create_engine(self.url, **pool)
        if self.file is not None:
            _tune_sqlite(self.engine)
        try:
            METADATA.create_all(self.engine)
        except OperationalError as exc:  # a server that is down, a wrong password, a file it may not write
            self.engine.dispose()
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else "no answer"
            raise UserInputError.single(
                self.file, f"cannot open the metrics database {_redacted(self.url)}: {reason}",
                "check that the database server runs and the URL (user, password, host, port, database name)",
            ) from None  # fmt: skip
        if fresh and self.file is not None:
            os.chmod(self.file, 0o600)  # who clicked when is nobody else's business on a shared machine
        insert_or_skip = postgresql.insert if self.engine.dialect.name == "postgresql" else sqlite.insert
        # RETURNING says whether the row was new: rowcount is not reliable for this on every driver
        # (psycopg reports -1), a returned row is
        self._add_redemption = (
            insert_or_skip(REDEMPTIONS)
            .on_conflict_do_nothing(index_elements=["fingerprint"])
            .returning(REDEMPTIONS.c.fingerprint)
        )
        self._add_click = insert(CLICKS)
        self._local = threading.local()
        self._one_writer = threading.Lock()

    @contextmanager
    def _answering(self) -> Iterator[None]:
        """A database that stops answering (a server down, a SQLite file locked too long or on a full
        disk) is StoreUnavailableError, which callers can ride out: the redirect still redirects."""
        try:
            yield
        except OperationalError as exc:
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else "no answer"
            raise StoreUnavailableError(
                f"the metrics database {_redacted(self.url)} cannot be used right now: {reason}"
            ) from exc

    @property
    def db_path(self) -> Path | None:
        return self.file

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> MetricsStore:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def record_click(self, campaign: str, link_id: str, ua_class: str, at: float) -> None:
        """The hot path: one insert. On SQLite each serving thread keeps its own connection (checking
        one out of the pool for every click costs more than the insert) and one thread writes at a
        time (SQLite takes one writer anyway; queueing here is cheaper than its busy-wait sleeps). On a
        server database a pooled connection per click, checked on checkout, survives its restarts."""
        row = {"at": at, "campaign": campaign, "link_id": link_id, "ua_class": ua_class}
        if self.file is None:
            with self._answering(), self.engine.begin() as pooled:
                pooled.execute(self._add_click, row)
            return
        kept: Connection | None = getattr(self._local, "conn", None)
        if kept is None:
            kept = self._local.conn = self.engine.connect()
        with self._answering(), self._one_writer:
            kept.execute(self._add_click, row)
            kept.commit()

    def clicks(self, campaign: str) -> list[Click]:
        query = (
            select(CLICKS.c.at, CLICKS.c.link_id, CLICKS.c.ua_class)
            .where(CLICKS.c.campaign == campaign)
            .order_by(CLICKS.c.at, CLICKS.c.id)
        )
        with self._answering(), self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [Click(dt.datetime.fromtimestamp(at, dt.UTC).date(), link, ua) for at, link, ua in rows]

    def add_redemptions(
        self, campaign: str, source: str, rows: Iterable[Redemption], imported_at: float
    ) -> ImportResult:
        """All rows in one transaction; a row whose fingerprint is already stored is not counted again."""
        added = already = 0
        with self.engine.begin() as conn:
            for row in rows:
                result = conn.execute(self._add_redemption, {
                    "fingerprint": row.fingerprint, "campaign": campaign, "code": row.code,
                    "day": row.day.isoformat(), "source": source, "line": row.line, "imported_at": imported_at,
                })  # fmt: skip
                if result.first() is not None:
                    added += 1
                else:
                    already += 1
        return ImportResult(added, already)

    def redemptions(self, campaign: str) -> list[Redemption]:
        query = (
            select(REDEMPTIONS.c.fingerprint, REDEMPTIONS.c.code, REDEMPTIONS.c.day, REDEMPTIONS.c.line)
            .where(REDEMPTIONS.c.campaign == campaign)
            .order_by(REDEMPTIONS.c.day, REDEMPTIONS.c.fingerprint)
        )
        with self._answering(), self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [Redemption(fp, code, dt.date.fromisoformat(day), line) for fp, code, day, line in rows]


def store_exists(where: str | Path) -> bool:
    """False for a SQLite file not created yet (reading KPIs must not create one); a server database is assumed."""
    file = sqlite_file(where)
    return file is None or file.exists()
