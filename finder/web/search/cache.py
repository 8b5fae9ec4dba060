"""Identical anonymous searches answered again from memory, for at most a minute and only
while the directory is unchanged; every anonymous answer carries an ETag.

Patients in one town ask the same few questions; each answer costs geocoding, ranking and
rendering. The key holds the exact query string, the directory generation the search reads
(finder.search.nearest.searched_generation) and the current minute, so an edit shows as soon
as the search sees it and "open now" is never more than a minute old. Only pages that are the
same for everyone are kept: a visitor who is signed in, is remembered, or has a message
waiting (a flash) is answered fresh and their page is never stored.
"""
import hashlib
import threading
import time
from collections import OrderedDict
from functools import wraps

from flask import current_app, request, session

from finder.search.nearest import searched_generation
from finder.web.core.context import db_when_needed

ENTRIES = 1024
ANONYMOUS_SESSION_KEYS = {"csrf_token"}  # a form token in the session says nothing of who it is


class ResponseCache:
    """A small thread-safe LRU of finished responses (body, mimetype)."""

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


def is_anonymous_request() -> bool:
    """Nothing in the request can make the page differ from anyone else's: no sign-in, no
    remembered sign-in, no flash message waiting."""
    if current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies:
        return False
    return set(session.keys()) <= ANONYMOUS_SESSION_KEYS


def _conditional(response):
    """A page that is the same for everyone: revalidated each time, by ETag. (API answers
    are left as they are: clients of the API do not revalidate.)"""
    if response.mimetype != "text/html":
        return response
    response.headers["ETag"] = f'"{hashlib.sha256(response.get_data()).hexdigest()[:32]}"'
    response.headers["Cache-Control"] = "no-cache"
    # only If-None-Match can make it conditional (no Last-Modified, no ranges of a page)
    return response.make_conditional(request) if request.if_none_match else response


def cached(view):
    """Serve `view` from the app's cache when the same anonymous query was answered this
    minute. Only 200 answers that set no cookie and left no flash are kept.
    FINDER_SEARCH_CACHE_SECONDS=0 (or app.extensions["finder.search_cache"] = None) turns it off."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        if not is_anonymous_request():
            return view(*args, **kwargs)
        ttl = current_app.config["FINDER"].search_cache_seconds
        cache = current_app.extensions.setdefault("finder.search_cache", ResponseCache())
        if cache is None or ttl == 0:
            response = current_app.make_response(view(*args, **kwargs))
            return (_conditional(response) if response.mimetype == "text/html"
                    and _shareable(response) else response)
        key = (request.path, request.query_string, searched_generation(db_when_needed()),
               int(time.time() // ttl))
        hit = cache.get(key)
        if hit is not None:
            body, mimetype = hit
            return _conditional(current_app.response_class(body, mimetype=mimetype))
        response = current_app.make_response(view(*args, **kwargs))
        if _shareable(response):
            cache.put(key, (response.get_data(), response.mimetype))
            return _conditional(response)
        return response

    return wrapper


def _shareable(response) -> bool:
    """A page anyone may be given: a plain 200 that touched no cookie or session state."""
    return (response.status_code == 200 and "Set-Cookie" not in response.headers
            and not session.modified and is_anonymous_request())
