"""Rate-limit stores every worker process shares, without Redis, in SQL: the app's own
PostgreSQL database (the default on PostgreSQL: every replica on every host), or a small SQLite
file (`sqlite:///<path>`: every worker of the host; on SQLite the default is the faster
counter file of finder.web.core.ratelimit_table).

An in-memory store counts per process: with two workers an attacker gets twice the
tries. Here each hit is one atomic upsert (INSERT … ON CONFLICT … RETURNING), so parallel hits
from any process see one count.
"""
import os
import sqlite3
import threading
import time
from abc import abstractmethod
from pathlib import Path

from limits.storage import Storage

from finder.db import make_private

PURGE_EVERY_S = 10.0  # seconds between removals of expired counters (by each process)


class _SqlCounters(Storage):
    """One row per counter (key, hits, expires): each hit one atomic upsert (INSERT … ON
    CONFLICT … RETURNING), read back only while the window lasts. Subclasses name the table,
    the driver's parameter style and how to connect."""

    TABLE = ""
    PARAMETER = ""  # the driver's named parameter, with {} for the name

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self._local = threading.local()
        self._purged_at = time.time()
        t, p = self.TABLE, self._param
        self._increment = (
            f"INSERT INTO {t} (key, hits, expires) VALUES ({p('key')}, {p('amount')}, "  # noqa: S608
            f"{p('now')} + {p('expiry')}) ON CONFLICT (key) DO UPDATE SET "
            f"hits = CASE WHEN {t}.expires <= {p('now')} THEN excluded.hits "
            f"ELSE {t}.hits + excluded.hits END, "
            f"expires = CASE WHEN {t}.expires <= {p('now')} THEN excluded.expires "
            f"ELSE {t}.expires END RETURNING hits")

    def _param(self, name: str) -> str:
        return self.PARAMETER.format(name)

    @abstractmethod
    def _connect(self):
        """A new autocommitting connection to the counters."""

    def _db(self):
        """One autocommitting connection per thread and process (never a parent's)."""
        owner = (os.getpid(), threading.get_ident())
        if getattr(self._local, "owner", None) != owner:
            self._local.connection, self._local.owner = self._connect(), owner
        return self._local.connection

    def _run(self, sql: str, **values):
        return self._db().execute(sql.format(t=self.TABLE, **{n: self._param(n) for n in values}),
                                  values)

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        hits = self._db().execute(self._increment, {"key": key, "amount": amount, "now": now,
                                                    "expiry": expiry}).fetchone()[0]
        if now - self._purged_at >= PURGE_EVERY_S:  # a scan of the table: not on every hit
            self._purged_at = now
            self._run("DELETE FROM {t} WHERE expires <= {now}", now=now)
        return hits

    def get(self, key: str) -> int:
        row = self._run("SELECT hits FROM {t} WHERE key = {key} AND expires > {now}", key=key,
                        now=time.time()).fetchone()
        return row[0] if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._run("SELECT expires FROM {t} WHERE key = {key} AND expires > {now}",
                        key=key, now=time.time()).fetchone()
        return row[0] if row else time.time()

    def check(self) -> bool:
        try:
            self._db().execute("SELECT 1").fetchone()
        except Exception:  # any failure means "not answering"
            return False
        return True

    def reset(self) -> int | None:
        return self._run("DELETE FROM {t}").rowcount

    def clear(self, key: str) -> None:
        self._run("DELETE FROM {t} WHERE key = {key}", key=key)


class SharedFileStorage(_SqlCounters):
    """The counters in a SQLite file in instance/: every worker of the host."""

    STORAGE_SCHEME = ["sqlite"]
    TABLE, PARAMETER = "counter", ":{}"

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        self.path = Path((uri or "sqlite://ratelimits.sqlite").split("://", 1)[1])
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self):
        return sqlite3.Error

    def _connect(self) -> sqlite3.Connection:
        make_private(self.path)
        connection = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        connection.execute("PRAGMA journal_mode=WAL")
        # counters need no durability (a crash forgets at most a minute of counts), and
        # an fsync on each counted request would cost more than the request itself
        connection.execute("PRAGMA synchronous=OFF")
        connection.execute(f"CREATE TABLE IF NOT EXISTS {self.TABLE} (key TEXT PRIMARY KEY, "
                           "hits INTEGER NOT NULL, expires REAL NOT NULL) WITHOUT ROWID")
        return connection


class SharedDatabaseStorage(_SqlCounters):
    """The counters in the app's PostgreSQL database (table rate_limit_counter, made by the
    migrations), autocommitted, so replicas on any host count together.
    FINDER_RATELIMIT_STORAGE_URI may name the database URL itself."""

    STORAGE_SCHEME = ["postgresql", "postgresql+psycopg"]
    TABLE, PARAMETER = "rate_limit_counter", "%({})s"

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        self.dsn = (uri or "").replace("postgresql+psycopg://", "postgresql://", 1)
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self):
        import psycopg

        return psycopg.Error

    def _connect(self):
        import psycopg

        return psycopg.connect(self.dsn, autocommit=True)
