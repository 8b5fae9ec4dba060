"""Per-app memories for what is derived from a listing version (and the minute, where the
clock matters): worked out once, reused by every request, bounded."""
from flask import current_app

REMEMBERED = 1024  # entries per memory; past that it starts again


class Memory(dict):
    """One bounded memory: recall(key, make) gives make() once per key."""

    __slots__ = ("limit",)

    def __init__(self, limit: int = REMEMBERED):
        super().__init__()
        self.limit = limit

    def recall(self, key, make):
        value = self.get(key)
        if value is None:
            if len(self) >= self.limit:
                self.clear()
            value = self[key] = make()
        return value


def memory(name: str, *, limit: int = REMEMBERED) -> Memory:
    """This app's memory `name` (made on first use)."""
    found = current_app.extensions.get(name)
    if found is None:
        found = current_app.extensions.setdefault(name, Memory(limit))
    return found
