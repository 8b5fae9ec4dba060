"""The OpenAPI document describes exactly the app's /api routes: it cannot drift from the code."""
import re

from finder.web.core.openapi import openapi_document

IGNORED_METHODS = {"HEAD", "OPTIONS"}


def _app_operations(app) -> set[tuple[str, str]]:
    operations = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/") or rule.endpoint == "api.unknown":
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
        operations |= {(path, m.lower()) for m in rule.methods - IGNORED_METHODS}
    return operations


def _documented_operations() -> set[tuple[str, str]]:
    return {(path, method) for path, item in openapi_document()["paths"].items()
            if path.startswith("/api/") for method in item}


def test_openapi_paths_and_methods_match_the_api_routes(app):
    documented, served = _documented_operations(), _app_operations(app)
    assert sorted(served - documented) == [], "served but not in finder/web/openapi.py"
    assert sorted(documented - served) == [], "documented but not served"


def test_write_operations_need_a_bearer_token_and_take_a_json_body():
    paths = openapi_document()["paths"]
    for path, method in (("/api/centers", "post"), ("/api/centers/{center_id}", "patch")):
        operation = paths[path][method]
        assert operation["security"] == [{"bearer": []}]
        assert "application/json" in operation["requestBody"]["content"]
    patch = paths["/api/centers/{center_id}"]["patch"]
    assert patch["requestBody"]["content"]["application/json"]["schema"]["required"] == ["version"]
    assert {"400", "401", "403", "404", "409"} <= set(patch["responses"])


def test_openapi_document_is_served(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200 and response.json["openapi"].startswith("3.")


def test_any_pydantic_model_plugs_into_the_document_as_it_is():
    from pydantic import BaseModel, Field

    from finder.web.core.openapi import hoist_definitions

    class Reaction(BaseModel):
        onset: str = Field(pattern="^(under_1h|unknown)$")

    class Referral(BaseModel):
        reactions: list[Reaction] = Field(max_length=5)

    schemas = {}
    paths = hoist_definitions({"/api/x": {"post": {"requestBody": {"content": {
        "application/json": {"schema": Referral.model_json_schema()}}}}}}, schemas)
    body = paths["/api/x"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert "$defs" not in body
    assert body["properties"]["reactions"]["items"] == {"$ref": "#/components/schemas/Reaction"}
    assert schemas["Reaction"]["properties"]["onset"]["pattern"] == "^(under_1h|unknown)$"
