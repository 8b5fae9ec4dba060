"""Errors handled in one place: the JSON error object under /api/, HTML pages elsewhere.

A database that cannot be reached is 503 "temporarily unavailable"; anything unexpected is a
500 with a plain message. Neither ever shows a stack trace, a SQL statement or a setting.
"""
import logging

from flask import g, jsonify, render_template, request
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from werkzeug.exceptions import HTTPException, MethodNotAllowed

log = logging.getLogger(__name__)

MESSAGES = {
    400: "The request could not be understood.",
    401: "Sign in or send a valid API token.",
    403: "You do not have permission to do that.",
    404: "There is nothing at this address.",
    405: "That method is not allowed here.",
    409: "That conflicts with what is already stored: it changed since you loaded it, or it "
         "already exists.",
    413: "The request is too large.",
    429: "Too many attempts. Wait a minute and try again.",
    503: "The service is temporarily unavailable. Please try again in a few minutes.",
}
CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
         405: "method_not_allowed", 409: "conflict", 413: "too_large", 429: "rate_limited",
         500: "internal_error", 503: "unavailable"}


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path in ("/healthz", "/readyz")


def error_response(status: int, message: str | None = None, code: str | None = None, **extra):
    """The error as JSON under /api/ ({"error": {"code", "message"}}) or as the error page."""
    message = message or MESSAGES.get(status, "Something went wrong.")
    code = code or CODES.get(status, "error")
    if request.path.startswith("/fhir"):
        from finder.web.fhir.errors import operation_outcome_response
        return operation_outcome_response(status, message, code)
    if wants_json():
        body = {"error": {"code": code, "message": message, **extra}}
        return jsonify(body), status
    return render_template("error.html", status=status, message=message), status


def _rollback():
    session = g.get("db_session")
    if session is not None:
        try:
            session.rollback()
        except Exception:  # the connection may be gone; the page still has to render
            log.warning("rollback failed after an error", exc_info=False)


def init_app(app) -> None:
    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        message = error.description if error.code in (400, 404, 409, 503) and _own(error) else None
        if error.code == 404 and message is None and request.path.startswith("/api/"):
            message = "No such API endpoint. See /api/openapi.json for what there is."
        response, status = _as_pair(error_response(error.code or 500, message))
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            response.headers["Allow"] = ", ".join(sorted(error.valid_methods))
        if error.code == 429 and "Retry-After" not in response.headers:
            response.headers["Retry-After"] = "60"  # the limiter sets its own; a minute otherwise
        return response, status

    @app.errorhandler(IntegrityError)
    def _duplicate(error):
        """Two writers creating the same thing at once: the loser is told, not a 503."""
        _rollback()
        log.warning("integrity error: %s", type(error.orig).__name__)
        return error_response(409, "That already exists (someone may have just created it). "
                                   "Reload and check before trying again.", "duplicate")

    @app.errorhandler(OperationalError)
    @app.errorhandler(DBAPIError)
    def _database(error):
        _rollback()
        log.error("database unavailable: %s", type(error).__name__)
        return error_response(503)

    @app.errorhandler(Exception)
    def _unexpected(error):
        _rollback()
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(500, "Something went wrong on our side. It has been logged.")


def _as_pair(result):
    """error_response gives (body, status) or, for /fhir, a finished response."""
    from flask import make_response

    if isinstance(result, tuple):
        return make_response(result[0]), result[1]
    return result, result.status_code


def _own(error: HTTPException) -> bool:
    """True when the description is ours (set by abort(code, message)), not Werkzeug's default."""
    return type(error).description != error.description
