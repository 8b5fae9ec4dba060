"""Links, remembered.

A page has werkzeug build the same URLs on every request (stylesheet, scripts, navigation, the
map's script), each about as costly as a result card. A link depends only on the endpoint,
its arguments and the script root, so it is built once and reused; a static file's (whose
hashed URL is checked again at most once a second, so an edited file gets its new hash) is
rebuilt now and then. Absolute links, which name the request's host, are built each time.
Links carrying a search (a new place each time) are the remembered path and a query string
encoded as werkzeug encodes one (`with_query`).
"""
import time
from urllib.parse import urlencode

from flask import Flask, current_app, has_request_context, request, url_for

RECHECK_S = 1.0
REMEMBERED = 1024  # links kept; past that the memory starts again
QUERY_SAFE = "!$'()*,/:;?@"  # left as they are in a query (werkzeug's choice, after WHATWG URL)


def init_app(app: Flask) -> None:
    app.extensions["finder.links"] = {}
    app.jinja_env.globals["url_for"] = link


def link(endpoint: str, **values) -> str:
    """url_for(endpoint, **values), remembered (see the module)."""
    if not has_request_context() or values.get("_external"):
        return url_for(endpoint, **values)
    key = (request.script_root, endpoint, *sorted(values.items()))
    memo = current_app.extensions["finder.links"]
    try:
        known = memo.get(key)
    except TypeError:  # an argument that is not a plain value
        return url_for(endpoint, **values)
    now = time.monotonic()
    if known is None or (endpoint == "static" and now - known[1] > RECHECK_S):
        if len(memo) >= REMEMBERED:
            memo.clear()
        known = memo[key] = (url_for(endpoint, **values), now)
    return known[0]


def with_query(path: str, query: dict) -> str:
    """`path` with `query` (None values left out) as url_for would add it."""
    items = [(name, value) for name, value in query.items() if value is not None]
    return f"{path}?{urlencode(items, safe=QUERY_SAFE)}" if items else path
