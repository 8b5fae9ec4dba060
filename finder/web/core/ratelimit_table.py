"""The default rate-limit store on one host: a fixed table of counters in a memory-mapped file
in instance/ (`counters:///<path>`), which every worker process maps and updates under a
file lock.

A count is a few bytes changed in place while the lock is held (two system calls), where a
SQLite upsert ran a whole database engine on every limited request and cost more than the
rest of the API call but the search itself. The table holds SLOTS counters, found by open
addressing on a 64-bit hash of the key; a slot whose window has ended is reused. Only when
every slot a key may use holds a live window (PROBES of them: tens of thousands of clients
inside one minute) is the window that ends soonest given up, so that client starts again:
limits are per client, and a crowd that large already has that many separate allowances.
"""
import fcntl
import hashlib
import mmap
import os
import struct
import threading
import time
from pathlib import Path

from limits.storage import Storage

SLOTS = 1 << 16
PROBES = 64  # slots a key may use, from its hash's own
_SLOT = struct.Struct("<QdQ")  # key hash (0: never used), window end (epoch seconds), hits
_SIZE = SLOTS * _SLOT.size  # 1.5 MB


def _key_hash(key: str) -> int:
    """A 64-bit hash the same in every process (never 0, which marks an unused slot)."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "little") or 1


def _neighbourhood(wanted: int):
    """The offsets of the PROBES slots a key with this hash may use, its own first."""
    start = wanted % SLOTS
    return ((start + i) % SLOTS * _SLOT.size for i in range(PROBES))


class CounterFileStorage(Storage):
    """Counters every process on the host shares, in a memory-mapped file (see the module)."""

    STORAGE_SCHEME = ["counters"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        self.path = Path((uri or "counters://ratelimits.counters").split("://", 1)[1])
        self._thread_lock = threading.Lock()  # fcntl locks are per process; threads too
        self._opened = None  # (pid, fd, map): each process maps the file itself
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self):
        return OSError

    def _map(self) -> tuple[int, mmap.mmap]:
        opened = self._opened
        if opened is None or opened[0] != os.getpid():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            if os.fstat(fd).st_size != _SIZE:
                fcntl.lockf(fd, fcntl.LOCK_EX)
                try:
                    if os.fstat(fd).st_size != _SIZE:  # new, or from another layout: start empty
                        os.ftruncate(fd, 0)
                        os.ftruncate(fd, _SIZE)
                finally:
                    fcntl.lockf(fd, fcntl.LOCK_UN)
            opened = self._opened = (os.getpid(), fd, mmap.mmap(fd, _SIZE))
        return opened[1], opened[2]

    def _locked(self, work):
        """work(table) with the table to itself: no other thread or process in between."""
        fd, table = self._map()
        with self._thread_lock:
            fcntl.lockf(fd, fcntl.LOCK_EX)
            try:
                return work(table)
            finally:
                fcntl.lockf(fd, fcntl.LOCK_UN)

    def _find(self, table, key: str, now: float) -> int | None:
        """The offset of the key's live slot, or None."""
        wanted = _key_hash(key)
        for offset in _neighbourhood(wanted):
            found, ends, _ = _SLOT.unpack_from(table, offset)
            if found == 0:
                break
            if found == wanted and ends > now:
                return offset
        return None

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        def count(table) -> int:
            now = time.time()
            wanted, reusable, soonest = _key_hash(key), None, None
            for offset in _neighbourhood(wanted):
                found, ends, hits = _SLOT.unpack_from(table, offset)
                if found == wanted and ends > now:
                    _SLOT.pack_into(table, offset, wanted, ends, hits + amount)
                    return hits + amount
                if reusable is None and (found == 0 or ends <= now):
                    reusable = offset
                if soonest is None or ends < soonest[0]:
                    soonest = (ends, offset)
                if found == 0:  # never used: the key is not further on
                    break
            offset = reusable if reusable is not None else soonest[1]
            _SLOT.pack_into(table, offset, wanted, now + expiry, amount)
            return amount
        return self._locked(count)

    def get(self, key: str) -> int:
        def read(table) -> int:
            offset = self._find(table, key, time.time())
            return 0 if offset is None else _SLOT.unpack_from(table, offset)[2]
        return self._locked(read)

    def get_expiry(self, key: str) -> float:
        def read(table) -> float:
            now = time.time()
            offset = self._find(table, key, now)
            return now if offset is None else _SLOT.unpack_from(table, offset)[1]
        return self._locked(read)

    def check(self) -> bool:
        try:
            self._map()
        except OSError:
            return False
        return True

    def reset(self) -> int | None:
        def wipe(table) -> int:
            table[:] = bytes(_SIZE)
            return 0
        return self._locked(wipe)

    def clear(self, key: str) -> None:
        def forget(table) -> None:
            offset = self._find(table, key, time.time())
            if offset is not None:  # an ended window: reusable, and the probe goes on past it
                found, _, _ = _SLOT.unpack_from(table, offset)
                _SLOT.pack_into(table, offset, found, 0.0, 0)
        self._locked(forget)
