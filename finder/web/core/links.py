"""`url_for` for templates, remembered for the links every page repeats.

A page's frame (stylesheet, scripts, navigation) has werkzeug build the same dozen URLs on
every request, each about as costly as a result card. A link with no arguments, or a static
file's (whose hashed URL is checked again at most once a second, so an edited file still gets
its new hash), is the same for every request under one script root: built once, then reused.
Any other link is built each time.
"""
import time

from flask import Flask, has_request_context, request, url_for

RECHECK_S = 1.0


def init_app(app: Flask) -> None:
    memo: dict[tuple, tuple[str, float]] = {}

    def template_url_for(endpoint: str, **values) -> str:
        if (values and (endpoint != "static" or set(values) != {"filename"})
                or not has_request_context()):
            return url_for(endpoint, **values)
        key = (request.script_root, endpoint, values.get("filename"))
        known = memo.get(key)
        now = time.monotonic()
        if known is None or (endpoint == "static" and now - known[1] > RECHECK_S):
            known = memo[key] = (url_for(endpoint, **values), now)
        return known[0]

    app.jinja_env.globals["url_for"] = template_url_for
