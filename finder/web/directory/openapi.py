"""The OpenAPI description of the listings API (/api/centers) and its Center schema."""
from finder.directory.models import CenterInput
from finder.web.core.openapi_parts import error_bodies, json_body, param
from finder.web.core.query import query_parameters
from finder.web.directory.api import CentersParams

MAX_ID = 2**31 - 1  # finder.web.core.params.DatabaseIdConverter: larger ids are not routed


def schemas() -> dict:
    """The Center schema and the models it refers to."""
    extra = CenterInput.model_json_schema(ref_template="#/components/schemas/{model}").get("$defs", {})
    return {"Center": _center_schema(), **extra}


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
    if not patch:  # with the model's rules across fields (anyOf); a PATCH is judged merged
        return {**{k: v for k, v in schema.items() if k not in ("title", "$defs")},
                "additionalProperties": False}
    props = {k: v for k, v in props.items() if k not in ("status", "verified_at")}
    props["version"] = {"type": "integer", "minimum": 1, "maximum": MAX_ID,
                        "description": "The version you read; stale gets 409"}
    return {"type": "object", "properties": props, "required": ["version"],
            "additionalProperties": False}


def _create_center_operation() -> dict:
    return {
        "summary": "Create a center (admin token)",
        "security": [{"bearer": []}],
        "requestBody": {"required": True, "content": {"application/json": {
            "schema": _listing_input(patch=False)}}},
        "responses": {"201": json_body({"$ref": "#/components/schemas/Center"}, "Created"),
                      **error_bodies(400, 401, 403)},
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
        "responses": {"200": json_body({"$ref": "#/components/schemas/Center"}),
                      **error_bodies(400, 401, 403, 404, 409)},
    }


def openapi_paths() -> dict:
    center_id = param("center_id", "The center's id",
                      {"type": "integer", "minimum": 0, "maximum": MAX_ID}, True, "path")
    return {
        "/api/centers": {"get": {
            "summary": "List active centers",
            "parameters": query_parameters(CentersParams),
            "responses": {"200": json_body({"type": "object", "required": ["total", "results"],
                                        "properties": {"total": {"type": "integer"},
                                                       "limit": {"type": "integer"},
                                                       "offset": {"type": "integer"},
                                                       "results": {"type": "array", "items": {
                                                           "$ref": "#/components/schemas/Center"}}}}),
                          **error_bodies(400)},
        }, "post": _create_center_operation()},
        "/api/centers/{center_id}": {"get": {
            "summary": "One active center",
            "parameters": [center_id],
            "responses": {"200": json_body({"$ref": "#/components/schemas/Center"}), **error_bodies(404)},
        }, "patch": _update_center_operation(center_id)},
    }
