"""The engine, one session per request, and the SQLite settings that make it safe to share."""
import os
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, create_engine


def build_engine(url: str) -> Engine:
    """An engine for `url`; SQLite gets WAL, foreign keys and a busy timeout on every connection."""
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True, pool_size=8, max_overflow=4,
                             connect_args={"connect_timeout": 5})
    in_memory = url in ("sqlite://", "sqlite:///:memory:")
    if not in_memory:
        make_private(Path(make_url(url).database))
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": 5},
        poolclass=StaticPool if in_memory else None,
    )

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
            # FULL: an acknowledged edit survives power loss or an OS crash, not only a killed
            # process (SQLite docs, "PRAGMA synchronous": NORMAL in WAL mode may roll back the
            # last transactions on power loss). Writes are rare here; the cost is small.
            cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    return engine


def open_session(engine: Engine) -> Session:
    return Session(engine, expire_on_commit=False)


def make_private(database: Path) -> None:
    """Create the SQLite file readable by its owner only (0600): it holds password and token
    hashes. SQLite gives its -wal and -shm files the database file's permissions; any that
    already exist are narrowed too."""
    database.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(database, os.O_CREAT | os.O_WRONLY, 0o600))
    for path in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
        try:
            if path.stat().st_mode & 0o077:
                path.chmod(0o600)
        except (FileNotFoundError, PermissionError):
            pass
