"""CORS for the read-only routes (/fhir and GET /api), so a browser-based clinical app can read
the directory. Origins come from FINDER_CORS_ORIGINS (default *); credentials are never allowed,
and the write API (POST/PATCH with a bearer token) gets no CORS headers at all.
"""
from flask import Blueprint, current_app, request

bp = Blueprint("cors", __name__)

READ_METHODS = ("GET", "HEAD")
ALLOWED_HEADERS = "Accept, Content-Type, Prefer, If-None-Match, If-Modified-Since"
EXPOSED_HEADERS = "ETag, Last-Modified, Location, Retry-After, Content-Location"


def _readable(path: str, method: str) -> bool:
    return (path == "/fhir" or path.startswith(("/fhir/", "/api/"))) and method in READ_METHODS


def allowed_origin(origin: str | None, configured: tuple[str, ...]) -> str | None:
    """The Access-Control-Allow-Origin value for this request's Origin, or None."""
    if "*" in configured:
        return "*"
    return origin if origin and origin.rstrip("/") in configured else None


@bp.after_app_request
def _cors(response):
    preflight = request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers
    method = request.headers["Access-Control-Request-Method"] if preflight else request.method
    if not _readable(request.path, method.upper()):
        return response
    origin = allowed_origin(request.headers.get("Origin"),
                            current_app.config["FINDER"].cors_origins)
    if origin is None:
        return response
    response.headers["Access-Control-Allow-Origin"] = origin
    if origin != "*":
        response.vary.add("Origin")
    if preflight:
        response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
        response.headers["Access-Control-Max-Age"] = "600"
    else:
        response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    response.headers.pop("Access-Control-Allow-Credentials", None)
    return response
