"""Identical searches answered again from memory, for at most a minute and only while the
directory is unchanged.

Patients in one town ask the same few questions; each answer costs geocoding, ranking and
rendering. The key holds the exact query string, the directory's version (the newest audit
entry's id: every write goes through finder.directory.service with an audit entry) and the current
minute, so an edit shows at once and "open now" is never more than a minute old.
"""
import threading
import time
from collections import OrderedDict

from flask import current_app, request
from sqlalchemy import func, select

from finder.directory.models import AuditEntry
from finder.web.core.context import db

ENTRIES = 1024


class ResponseCache:
    """A small thread-safe LRU of finished responses (body, status, mimetype)."""

    def __init__(self, entries: int = ENTRIES):
        self.entries, self._items, self._lock = entries, OrderedDict(), threading.Lock()

    def get(self, key):
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        return None

    def put(self, key, value) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.entries:
                self._items.popitem(last=False)


def directory_version() -> int:
    return db().execute(select(func.max(AuditEntry.id))).scalar() or 0


def cached(view):
    """Serve `view` from the app's cache when the same query was answered this minute.
    Only 200 answers are kept. FINDER_SEARCH_CACHE_SECONDS=0 (or
    app.extensions["finder.search_cache"] = None) turns it off."""
    def wrapper(*args, **kwargs):
        ttl = current_app.config["FINDER"].search_cache_seconds
        cache = current_app.extensions.setdefault("finder.search_cache", ResponseCache())
        if cache is None or ttl == 0:
            return view(*args, **kwargs)
        key = (request.path, request.query_string, directory_version(), int(time.time() // ttl))
        hit = cache.get(key)
        if hit is not None:
            body, mimetype = hit
            return current_app.response_class(body, mimetype=mimetype)
        response = current_app.make_response(view(*args, **kwargs))
        if response.status_code == 200:
            cache.put(key, (response.get_data(), response.mimetype))
        return response

    wrapper.__name__, wrapper.__doc__ = view.__name__, view.__doc__
    return wrapper
