"""Per-app memories for what is derived from a listing version (and the minute, where the
clock matters): worked out once, reused by every request, bounded."""
from flask import current_app

REMEMBERED = 1024  # entries per memory; past that it starts again


def remembered(name: str, key, make, *, limit: int = REMEMBERED):
    """make() once per key in this app's memory `name`; the memory starts again when full."""
    memo = current_app.extensions.setdefault(name, {})
    value = memo.get(key)
    if value is None:
        if len(memo) >= limit:
            memo.clear()
        value = memo[key] = make()
    return value
