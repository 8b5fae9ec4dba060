"""`url_for` for templates, remembered.

A page has werkzeug build the same URLs on every request (stylesheet, scripts, navigation, the
map's script), each about as costly as a result card. A link depends only on the endpoint,
its arguments and the script root, so it is built once and reused; a static file's (whose
hashed URL is checked again at most once a second, so an edited file gets its new hash) is
rebuilt now and then. Absolute links, which name the request's host, are built each time.
"""
import time

from flask import Flask, has_request_context, request, url_for

RECHECK_S = 1.0
REMEMBERED = 1024  # links kept; past that the memory starts again


def init_app(app: Flask) -> None:
    memo: dict[tuple, tuple[str, float]] = {}

    def template_url_for(endpoint: str, **values) -> str:
        if not has_request_context() or values.get("_external"):
            return url_for(endpoint, **values)
        key = (request.script_root, endpoint, *sorted(values.items()))
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

    app.jinja_env.globals["url_for"] = template_url_for
