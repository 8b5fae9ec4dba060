"""The directory generation: a counter every listing write bumps in its own transaction.

Search workers keep an in-memory snapshot of the directory and rebuild it when this number
moves. Writes made by this process are also noted locally, on commit, so the worker that made
an edit sees it at once rather than at its next periodic check.
"""
import threading
import weakref

from sqlalchemy import event, insert, select, update
from sqlalchemy.engine import Engine
from sqlmodel import Session

from finder.directory.models import DirectoryGeneration

_table = DirectoryGeneration.__table__
_local_writes: "weakref.WeakKeyDictionary[Engine, int]" = weakref.WeakKeyDictionary()
_lock = threading.Lock()
_PENDING = "finder.directory_changed"


def bump_generation(session: Session) -> None:
    """Count one listing write, inside the caller's transaction (the row lock also orders
    concurrent writers on PostgreSQL). A database without the row gets it."""
    changed = session.execute(update(_table).where(_table.c.id == 1)
                              .values(generation=_table.c.generation + 1))
    if changed.rowcount == 0:
        session.execute(insert(_table).values(id=1, generation=1))
    session.info[_PENDING] = True


def read_generation(connection) -> int:
    """The generation now committed (0 before the first write)."""
    return connection.execute(select(_table.c.generation).where(_table.c.id == 1)).scalar() or 0


def local_writes(engine: Engine) -> int:
    """How many transactions with listing writes this process has committed on `engine`."""
    return _local_writes.get(engine, 0)


@event.listens_for(Session, "after_commit")
def _note_local_write(session) -> None:
    if session.info.pop(_PENDING, False):
        engine = session.get_bind()
        engine = getattr(engine, "engine", engine)
        with _lock:
            _local_writes[engine] = _local_writes.get(engine, 0) + 1


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session) -> None:
    session.info.pop(_PENDING, None)
