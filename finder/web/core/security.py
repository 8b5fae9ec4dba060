"""Security headers on every response, the Content-Security-Policy among them.

Code that needs another origin or an inline script's hash (the maps) registers it once at
start-up with `allow(app, "img-src", origin)`, or in app.extensions["finder.csp"] directly;
the policy is built from that registry, so nothing here has to know about maps.
"""

from flask import Blueprint, current_app, request

bp = Blueprint("security", __name__)

SELF = "'self'"
PRIVATE_PATHS = ("/manage",)
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}


def csp_registry(app) -> dict[str, list[str]]:
    return app.extensions.setdefault("finder.csp", {"script-src": [], "style-src": [],
                                                    "img-src": []})


def allow(app, directive: str, *sources: str) -> None:
    """Add sources (an origin, 'sha256-…') to a directive of the app's policy."""
    listed = csp_registry(app).setdefault(directive, [])
    listed.extend(s for s in sources if s and s not in listed)
    app.extensions.pop("finder.csp_header", None)


def content_security_policy(registered: dict[str, list[str]]) -> str:
    def sources(directive, *base):
        return " ".join([directive, *dict.fromkeys([*base, *registered.get(directive, [])])])

    return "; ".join([
        "default-src 'self'",
        sources("script-src", SELF),
        sources("style-src", SELF),
        sources("img-src", SELF, "data:"),
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


def _policy(app) -> str:
    """The policy string, built once per app (`allow` drops it when the registry changes)."""
    header = app.extensions.get("finder.csp_header")
    if header is None:
        header = app.extensions["finder.csp_header"] = content_security_policy(csp_registry(app))
    return header


# Two years, as the HSTS preload list asks (hstspreload.org); at least the one year OWASP advises.
HSTS = "max-age=63072000; includeSubDomains"


@bp.after_app_request
def _security_headers(response):
    response.headers["Content-Security-Policy"] = _policy(current_app)
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if current_app.config["FINDER"].https:
        response.headers["Strict-Transport-Security"] = HSTS
    if request.path.startswith(PRIVATE_PATHS):  # staff pages may show a token or password once
        response.headers["Cache-Control"] = "no-store"
    return response
