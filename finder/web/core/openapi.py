"""The OpenAPI 3.1 document of /api (and /fhir), assembled from each capability's own
description and served at /api/openapi.json; tests check it against the app's routes.

It is built for the moment it is served: the referral's date rules hang on what day it is
(kept for the few days of dates a moment can have)."""
from datetime import UTC, date, datetime
from functools import lru_cache

from flask import Blueprint, jsonify

from finder.referral.dates import believable_dates, local_today
from finder.web.core.context import settings
from finder.web.core.health import openapi_paths as health_paths
from finder.web.core.openapi_parts import json_body
from finder.web.directory import openapi as directory_openapi
from finder.web.fhir.views import openapi_paths as fhir_paths
from finder.web.referral.api import openapi_operation as referral_operation
from finder.web.search.api import openapi_paths as search_paths

bp = Blueprint("openapi", __name__, url_prefix="/api")


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document(zone=settings().timezone))


def _paths(believed: tuple[date, ...], default: date) -> dict:
    return {
        **directory_openapi.openapi_paths(),
        "/api/referral/assess": {"post": referral_operation(believed, default)},
        **search_paths(),
        **fhir_paths(),
        **health_paths(),
        "/api/openapi.json": {"get": {"summary": "This document",
                                      "responses": {"200": json_body({"type": "object"})}}},
    }


def hoist_definitions(paths: dict, schemas: dict) -> dict:
    """Paths with every embedded pydantic `$defs` moved to components/schemas and its `$ref`s
    rewritten, so a capability can put `Model.model_json_schema()` into an operation as it is.
    Two models defining one name differently is a programming error, found at start-up."""
    def walk(node):
        if isinstance(node, list):
            return [walk(item) for item in node]
        if not isinstance(node, dict):
            return node
        for name, definition in (node.get("$defs") or {}).items():
            definition = walk(definition)
            if schemas.setdefault(name, definition) != definition:
                raise ValueError(f"two different OpenAPI schemas are both named {name!r}")
        return {key: (value.replace("#/$defs/", "#/components/schemas/") if key == "$ref"
                      and isinstance(value, str) else walk(value))
                for key, value in node.items() if key != "$defs"}

    return walk(paths)


def openapi_document(now: datetime | None = None, zone: str = "UTC") -> dict:
    """The document at `now` (default: this moment) for an app whose time zone is `zone`."""
    now = now or datetime.now(UTC)
    return _document(believable_dates(now), local_today(zone, now))


@lru_cache(maxsize=4)
def _document(believed: tuple[date, ...], default: date) -> dict:
    schemas = {"Error": {"type": "object", "required": ["error"], "properties": {"error": {
        "type": "object", "required": ["code", "message"],
        "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}}},
        **directory_openapi.schemas()}

    return {
        "openapi": "3.1.0",
        "info": {"title": "Drug desensitization center finder", "version": "0.1.0",
                 "description": "Find hospital centers that perform drug desensitization. "
                                "Demonstration listings are not verified by the centers."},
        "paths": hoist_definitions(_paths(believed, default), schemas),
        "components": {"schemas": schemas, "securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer"}}},
    }
