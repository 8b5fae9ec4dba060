"""Which snapshot a worker searches: rebuilt when the directory generation moves.

The stored generation is read at most once a second (CHECK_EVERY_S), so a change made through
any worker or replica is searched everywhere within about a second; a write committed by this
process is noticed at once. A new snapshot replaces the old by one reference swap: a search
already running keeps the one it started with.
"""
import threading
import time
import weakref

from sqlalchemy.engine import Engine

from finder.directory.generation import local_writes, read_generation
from finder.search.snapshot import DirectorySnapshot, build_snapshot

CHECK_EVERY_S = 1.0


class SnapshotHolder:
    def __init__(self, engine: Engine, *, clock=time.monotonic, check_every: float = CHECK_EVERY_S):
        self._engine = weakref.ref(engine)  # the registry's key: never kept alive by its value
        self.clock, self.check_every = clock, check_every
        self.snapshot: DirectorySnapshot | None = None
        self._checked_at, self._writes_seen = float("-inf"), -1
        self._lock = threading.Lock()

    @property
    def engine(self) -> Engine:
        return self._engine()

    def current(self) -> DirectorySnapshot:
        """The snapshot to search now (built or rebuilt first when it is behind)."""
        snapshot, now = self.snapshot, self.clock()
        writes = local_writes(self.engine)
        if (snapshot is not None and writes == self._writes_seen
                and now - self._checked_at < self.check_every):
            return snapshot
        with self._lock:  # one rebuild at a time; the others then find it done
            if self.snapshot is not snapshot and self._writes_seen == writes:
                return self.snapshot
            return self._refresh(writes, now, force=False)

    def rebuild(self) -> DirectorySnapshot:
        """A snapshot read now, whatever the generation says (after a stale listing)."""
        with self._lock:
            return self._refresh(local_writes(self.engine), self.clock(), force=True)

    def _refresh(self, writes: int, now: float, *, force: bool) -> DirectorySnapshot:
        with self.engine.connect() as connection:
            generation = read_generation(connection)
            if force or self.snapshot is None or self.snapshot.generation != generation:
                self.snapshot = build_snapshot(connection, generation)
        self._checked_at, self._writes_seen = now, writes
        return self.snapshot


_holders: "weakref.WeakKeyDictionary[Engine, SnapshotHolder]" = weakref.WeakKeyDictionary()
_registry_lock = threading.Lock()


def holder_for(engine: Engine) -> SnapshotHolder:
    """The process's holder for a database (one per engine)."""
    holder = _holders.get(engine)
    if holder is None:
        with _registry_lock:
            holder = _holders.setdefault(engine, SnapshotHolder(engine))
    return holder
