"""Health for proxies and orchestrators: /healthz says the process answers; /readyz says it can
serve (database and Redis reachable, gazetteer loaded, migrations at head).

Liveness never touches a dependency, so a database outage does not get every replica restarted;
readiness does, so a proxy or orchestrator sends no traffic to a replica that would only fail.
"""
from flask import Blueprint, current_app, jsonify
from sqlalchemy import text
from werkzeug.exceptions import ServiceUnavailable

from finder.migrate import HEAD, applied_revisions
from finder.web.core.context import geocoder, settings
from finder.web.core.extensions import limiter

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz():
    """200 with every check "ok", else 503 naming what failed (never an error's text)."""
    checks = {"database": _database(), "migrations": _migrations(), "gazetteer": _gazetteer()}
    if settings().ratelimit_storage_uri.startswith(("redis://", "rediss://")):
        checks["redis"] = "ok" if _redis() else "unreachable"
    ready = all(value == "ok" for value in checks.values())
    return jsonify({"status": "ok" if ready else "unavailable", "checks": checks}), 200 if ready else 503


def _database() -> str:
    try:
        with current_app.extensions["finder.engine"].connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:
        return "unreachable"
    return "ok"


def _migrations() -> str:
    """"ok" when the database is at the newest revision the code ships (finder.migrate.HEAD:
    one query, without loading Alembic into every worker)."""
    try:
        with current_app.extensions["finder.engine"].connect() as connection:
            applied = applied_revisions(connection)
    except Exception:
        return "unreachable"
    return "ok" if applied == {HEAD} else "behind"


def _gazetteer() -> str:
    try:
        geocoder()  # opens the gazetteer once per process; later calls are a dictionary lookup
    except ServiceUnavailable:
        return "not built"
    return "ok"


def _redis() -> bool:
    try:
        return bool(limiter.storage.check())
    except Exception:
        return False


def openapi_paths() -> dict:
    """/healthz and /readyz for the OpenAPI document."""
    checks = {"type": "object", "additionalProperties": {"type": "string"},
              "description": 'database, migrations, gazetteer (and redis when configured): "ok" or '
                             "what failed (unreachable, behind, not built)"}
    readiness = {"type": "object", "required": ["status", "checks"],
                 "properties": {"status": {"type": "string", "enum": ["ok", "unavailable"]},
                                "checks": checks}}

    def answer(description, schema):
        return {"description": description, "content": {"application/json": {"schema": schema}}}

    return {
        "/healthz": {"get": {"summary": "The process answers (liveness)", "tags": ["health"],
                             "responses": {"200": answer("Up", {
                                 "type": "object", "required": ["status"],
                                 "properties": {"status": {"type": "string", "enum": ["ok"]}}})}}},
        "/readyz": {"get": {"summary": "Ready to serve (readiness)", "tags": ["health"],
                            "responses": {"200": answer("Every check ok", readiness),
                                          "503": answer("A check failed", readiness)}}},
    }
