"""Building blocks of the OpenAPI document shared by every capability's description."""

ERROR = {"$ref": "#/components/schemas/Error"}


def param(name, description, schema=None, required=False, where="query"):
    return {"name": name, "in": where, "required": required, "description": description,
            "schema": schema or {"type": "string"}}


def json_body(schema, description="OK"):
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def error_bodies(*codes):
    words = {400: "Invalid input", 401: "Missing or invalid token", 403: "Not allowed",
             404: "Not found", 409: "Version conflict", 429: "Too many requests",
             503: "Temporarily unavailable"}
    return {str(c): json_body(ERROR, words[c]) for c in codes}
