"""The OpenAPI 3.1 document of /api (and /fhir): built from our models, checked by tests
against the app's routes so it cannot drift from the code."""
from functools import cache

from finder.directory.models import CenterInput
from finder.vocabulary import DRUG_CLASSES

ERROR = {"$ref": "#/components/schemas/Error"}


def _param(name, description, schema=None, required=False, where="query"):
    return {"name": name, "in": where, "required": required, "description": description,
            "schema": schema or {"type": "string"}}


def _json(schema, description="OK"):
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*codes):
    words = {400: "Invalid input", 401: "Missing or invalid token", 403: "Not allowed",
             404: "Not found", 409: "Version conflict", 429: "Too many requests",
             503: "Temporarily unavailable"}
    return {str(c): _json(ERROR, words[c]) for c in codes}


BOOL = {"type": "string", "enum": ["true", "false", "1", "0", "yes", "no"]}


def _center_schema() -> dict:
    schema = CenterInput.model_json_schema(ref_template="#/components/schemas/{model}")
    props = dict(schema["properties"])
    props.update({
        "id": {"type": "integer"},
        "pediatric": {"type": "boolean", "description": "Derived: the age range reaches below 18"},
        "adult": {"type": "boolean", "description": "Derived: the age range reaches 18 or over"},
        "version": {"type": "integer", "description": "Send it back when editing (optimistic locking)"},
        "updated_at": {"type": "string", "format": "date-time"},
        "freshness": {"type": "object", "required": ["status", "verified_on", "message"],
                      "properties": {"status": {"enum": ["verified", "stale", "unverified"]},
                                     "verified_on": {"type": ["string", "null"], "format": "date"},
                                     "message": {"type": "string"}}},
        "opening": {"type": ["object", "null"]},
    })
    return {"type": "object", "properties": props,
            "required": ["id", "name", "lat", "lon", "drug_classes", "routes", "pediatric",
                         "adult", "status", "version", "freshness"]}


def _listing_input(*, patch: bool) -> dict:
    """The request body of a write: listing fields (all optional in a PATCH, plus `version`)."""
    schema = CenterInput.model_json_schema(ref_template="#/components/schemas/{model}")
    props = dict(schema["properties"])
    if not patch:
        return {"type": "object", "properties": props, "required": schema.get("required", []),
                "additionalProperties": False}
    props = {k: v for k, v in props.items() if k not in ("status", "verified_at")}
    props["version"] = {"type": "integer", "description": "The version you read; stale gets 409"}
    return {"type": "object", "properties": props, "required": ["version"],
            "additionalProperties": False}


def _create_center_operation() -> dict:
    return {
        "summary": "Create a center (admin token)",
        "security": [{"bearer": []}],
        "requestBody": {"required": True, "content": {"application/json": {
            "schema": _listing_input(patch=False)}}},
        "responses": {"201": _json({"$ref": "#/components/schemas/Center"}, "Created"),
                      **_errors(400, 401, 403)},
    }


def _update_center_operation(center_id: dict) -> dict:
    return {
        "summary": "Change some fields of a center (that center's token, or an admin's)",
        "description": "400 bodies name each bad field in error.fields; a 409 body carries "
                       "error.current_version and the listing as it is now in error.current.",
        "security": [{"bearer": []}],
        "parameters": [center_id],
        "requestBody": {"required": True, "content": {"application/json": {
            "schema": _listing_input(patch=True)}}},
        "responses": {"200": _json({"$ref": "#/components/schemas/Center"}),
                      **_errors(400, 401, 403, 404, 409)},
    }


def _paths() -> dict:
    from finder.web.referral.api import openapi_operation as referral_operation
    from finder.web.search.api import openapi_paths as search_paths
    from finder.web.fhir.views import openapi_paths as fhir_paths

    center_id = _param("center_id", "The center's id", {"type": "integer"}, True, "path")
    return {
        "/api/centers": {"get": {
            "summary": "List active centers",
            "parameters": [
                _param("drug_class", "Only centers that handle this drug class",
                       {"type": "string", "enum": list(DRUG_CLASSES)}),
                _param("pediatric", "true: only centers that see children", BOOL),
                _param("country", "ISO country code, e.g. AU", {"type": "string", "maxLength": 2}),
                _param("region", "State or region code, e.g. QLD", {"type": "string", "maxLength": 100}),
                _param("limit", "Page size (1-200, default 50)",
                       {"type": "integer", "minimum": 1, "maximum": 200}),
                _param("offset", "Rows to skip", {"type": "integer", "minimum": 0, "maximum": 1000000}),
            ],
            "responses": {"200": _json({"type": "object", "required": ["total", "results"],
                                        "properties": {"total": {"type": "integer"},
                                                       "limit": {"type": "integer"},
                                                       "offset": {"type": "integer"},
                                                       "results": {"type": "array", "items": {
                                                           "$ref": "#/components/schemas/Center"}}}}),
                          **_errors(400)},
        }, "post": _create_center_operation()},
        "/api/centers/{center_id}": {"get": {
            "summary": "One active center",
            "parameters": [center_id],
            "responses": {"200": _json({"$ref": "#/components/schemas/Center"}), **_errors(404)},
        }, "patch": _update_center_operation(center_id)},
        "/api/referral/assess": {"post": referral_operation()},
        **search_paths(),
        **fhir_paths(),
        "/api/openapi.json": {"get": {"summary": "This document",
                                      "responses": {"200": _json({"type": "object"})}}},
    }


@cache
def openapi_document() -> dict:
    schemas = {"Center": _center_schema(),
               "Error": {"type": "object", "required": ["error"], "properties": {"error": {
                   "type": "object", "required": ["code", "message"],
                   "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}}}}
    extra = CenterInput.model_json_schema(ref_template="#/components/schemas/{model}").get("$defs", {})
    schemas.update(extra)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Drug desensitization center finder", "version": "0.1.0",
                 "description": "Find hospital centers that perform drug desensitization. "
                                "Demonstration listings are not verified by the centers."},
        "paths": _paths(),
        "components": {"schemas": schemas, "securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer"}}},
    }
