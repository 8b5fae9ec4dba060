"""The OpenAPI 3.1 document of /api (and /fhir): built from our models, checked by tests
against the app's routes so it cannot drift from the code."""
from functools import cache

from finder.models import CenterInput
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


def _paths() -> dict:
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
        }},
        "/api/centers/{center_id}": {"get": {
            "summary": "One active center",
            "parameters": [center_id],
            "responses": {"200": _json({"$ref": "#/components/schemas/Center"}), **_errors(404)},
        }},
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
