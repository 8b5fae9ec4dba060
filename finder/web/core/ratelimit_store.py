"""Rate-limit stores every worker process shares, without Redis: one small SQLite file in
instance/ (`sqlite:///<path>`, the default on SQLite: every worker of the host), or the app's
own PostgreSQL database (the default on PostgreSQL: every replica on every host).

An in-memory store counts per process: with two workers an attacker gets twice the
tries. Here each hit is one atomic upsert (INSERT … ON CONFLICT … RETURNING), so parallel hits
from any process see one count.
"""
import os
import sqlite3
import threading
import time
from pathlib import Path

from limits.storage import Storage

from finder.db import make_private

SCHEMA = "CREATE TABLE IF NOT EXISTS counter (key TEXT PRIMARY KEY, hits INTEGER NOT NULL, " \
         "expires REAL NOT NULL)"
INCREMENT = """
INSERT INTO counter (key, hits, expires) VALUES (:key, :amount, :now + :expiry)
ON CONFLICT (key) DO UPDATE SET
    hits = CASE WHEN expires <= :now THEN excluded.hits ELSE hits + excluded.hits END,
    expires = CASE WHEN expires <= :now THEN excluded.expires ELSE expires END
RETURNING hits"""
PURGE_EVERY = 200  # increments between removals of expired counters
PG_INCREMENT = """
INSERT INTO rate_limit_counter (key, hits, expires) VALUES (%(key)s, %(amount)s, %(now)s + %(expiry)s)
ON CONFLICT (key) DO UPDATE SET
    hits = CASE WHEN rate_limit_counter.expires <= %(now)s THEN excluded.hits
                ELSE rate_limit_counter.hits + excluded.hits END,
    expires = CASE WHEN rate_limit_counter.expires <= %(now)s THEN excluded.expires
                   ELSE rate_limit_counter.expires END
RETURNING hits"""


class SharedFileStorage(Storage):
    STORAGE_SCHEME = ["sqlite"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.path = Path((uri or "sqlite://ratelimits.sqlite").split("://", 1)[1])
        self._local = threading.local()
        self._increments = 0

    @property
    def base_exceptions(self):
        return sqlite3.Error

    def _db(self) -> sqlite3.Connection:
        """One connection per thread and process (a forked worker never reuses its parent's)."""
        owner = (os.getpid(), threading.get_ident())
        if getattr(self._local, "owner", None) != owner:
            make_private(self.path)
            connection = sqlite3.connect(self.path, timeout=10, isolation_level=None)
            connection.execute("PRAGMA journal_mode=WAL")
            # counters need no durability (a crash forgets at most a minute of counts), and
            # an fsync on each counted request would cost more than the request itself
            connection.execute("PRAGMA synchronous=OFF")
            connection.execute(SCHEMA)
            self._local.connection, self._local.owner = connection, owner
        return self._local.connection

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        hits = self._db().execute(INCREMENT, {"key": key, "amount": amount, "now": now,
                                              "expiry": expiry}).fetchone()[0]
        self._increments += 1
        if self._increments % PURGE_EVERY == 0:
            self._db().execute("DELETE FROM counter WHERE expires <= ?", (now,))
        return hits

    def get(self, key: str) -> int:
        row = self._db().execute("SELECT hits FROM counter WHERE key = ? AND expires > ?",
                                 (key, time.time())).fetchone()
        return row[0] if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._db().execute("SELECT expires FROM counter WHERE key = ? AND expires > ?",
                                 (key, time.time())).fetchone()
        return row[0] if row else time.time()

    def check(self) -> bool:
        try:
            self._db().execute("SELECT 1").fetchone()
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        return self._db().execute("DELETE FROM counter").rowcount

    def clear(self, key: str) -> None:
        self._db().execute("DELETE FROM counter WHERE key = ?", (key,))


class SharedDatabaseStorage(Storage):
    """The counters in the app's PostgreSQL database (table rate_limit_counter, made by the
    migrations): each hit one atomic upsert, autocommitted, so replicas on any host count
    together. FINDER_RATELIMIT_STORAGE_URI may name the database URL itself."""

    STORAGE_SCHEME = ["postgresql", "postgresql+psycopg"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.dsn = (uri or "").replace("postgresql+psycopg://", "postgresql://", 1)
        self._local = threading.local()
        self._increments = 0

    @property
    def base_exceptions(self):
        import psycopg

        return psycopg.Error

    def _db(self):
        """One autocommitting connection per thread and process (never a parent's)."""
        import psycopg

        owner = (os.getpid(), threading.get_ident())
        if getattr(self._local, "owner", None) != owner:
            self._local.connection = psycopg.connect(self.dsn, autocommit=True)
            self._local.owner = owner
        return self._local.connection

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        db = self._db()
        hits = db.execute(PG_INCREMENT, {"key": key, "amount": amount, "now": now,
                                         "expiry": expiry}).fetchone()[0]
        self._increments += 1
        if self._increments % PURGE_EVERY == 0:
            db.execute("DELETE FROM rate_limit_counter WHERE expires <= %s", (now,))
        return hits

    def get(self, key: str) -> int:
        row = self._db().execute("SELECT hits FROM rate_limit_counter WHERE key = %s AND "
                                 "expires > %s", (key, time.time())).fetchone()
        return row[0] if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._db().execute("SELECT expires FROM rate_limit_counter WHERE key = %s AND "
                                 "expires > %s", (key, time.time())).fetchone()
        return row[0] if row else time.time()

    def check(self) -> bool:
        try:
            self._db().execute("SELECT 1").fetchone()
        except Exception:  # any failure means "not answering"
            return False
        return True

    def reset(self) -> int | None:
        return self._db().execute("DELETE FROM rate_limit_counter").rowcount

    def clear(self, key: str) -> None:
        self._db().execute("DELETE FROM rate_limit_counter WHERE key = %s", (key,))
