"""Per-client request limits: past its limit a request is refused with 429 and Retry-After.

A thin layer over the `limits` library's fixed-window counter, in a store every worker shares
(finder.web.core.ratelimit_store, or Redis). One counted hit per limited request and nothing
on any other: Flask-Limiter, used before, evaluated every request twice (a before-request hook
for application-wide limits, which we have none of, and the route's decorator), a third of
the cost of a search.
"""
import time
from functools import wraps

from flask import abort, make_response, request
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

# imported for their stores (counters://, sqlite://, postgresql://), which storage_from_string finds
from finder.web.core import ratelimit_store, ratelimit_table  # noqa: F401


class RateLimits:
    """The app's limiter: `@limiter.limit("60 per minute")` on a view, keyed by the client's
    address (as the trusted proxy hops report it)."""

    def __init__(self):
        self.enabled = True
        self.storage = None
        self.limiter = None

    def init_app(self, app) -> None:
        self.storage = storage_from_string(app.config["FINDER"].ratelimit_storage_uri)
        self.limiter = FixedWindowRateLimiter(self.storage)

    def limit(self, text: str, *, methods: tuple[str, ...] | list[str] | None = None):
        """Count each request to the view (only `methods`, when given) per client address."""
        item = parse(text)
        counted = {m.upper() for m in methods} if methods else None

        def decorate(view):
            namespace = f"{view.__module__}.{view.__qualname__}"

            @wraps(view)
            def limited(*args, **kwargs):
                if self.enabled and (counted is None or request.method in counted):
                    self.hit(item, namespace, request.remote_addr or "unknown")
                return view(*args, **kwargs)
            return limited
        return decorate

    def hit(self, item, namespace: str, key: str) -> None:
        """Count one request (one atomic increment); past the limit, abort with 429 and the
        seconds until the window resets."""
        counter = item.key_for(namespace, key)
        if self.storage.incr(counter, item.get_expiry()) > item.amount:
            from finder.web.core.errors import error_response

            response = make_response(error_response(429))
            response.headers["Retry-After"] = str(_seconds_until(self.storage.get_expiry(counter)))
            abort(response)

    def reset(self) -> None:
        """Forget every count (tests)."""
        self.storage.reset()


def _seconds_until(moment: float) -> int:
    return max(1, int(moment - time.time() + 0.999))
