"""Exact attempt throttles (sign-in): an attempt is counted before it runs, and given back
afterwards unless it failed.

Flask-Limiter's `deduct_when` tests the count before the request and adds to it after, so
attempts running in parallel all pass the test: 20 parallel wrong passwords got through more
than the limit. Counting first, with the store's atomic increment, lets exactly the limit through
whatever the number of workers; a success or a refused attempt is then given back.
"""
import time

from flask import abort, make_response
from limits import parse

from finder.web.core.errors import error_response
from finder.web.core.extensions import limiter

NAMESPACE = "attempt"


def reserve(limit: str, keys: list[str]) -> None:
    """Count one attempt for each key; when any key is used up, give them back and abort 429
    with Retry-After."""
    if not limiter.enabled:
        return
    item = parse(limit)
    refused = [key for key in keys if not limiter.limiter.hit(item, NAMESPACE, key)]
    if refused:
        refund(limit, keys)
        reset = limiter.limiter.get_window_stats(item, NAMESPACE, refused[0]).reset_time
        response = make_response(error_response(429))
        response.headers["Retry-After"] = str(max(1, int(reset - time.time() + 0.999)))
        abort(response)


def refund(limit: str, keys: list[str]) -> None:
    """Give back the attempt `reserve` counted (a success, or an attempt that was refused)."""
    if not limiter.enabled:
        return
    item = parse(limit)
    for key in keys:
        limiter.storage.incr(item.key_for(NAMESPACE, key), item.get_expiry(), amount=-1)
