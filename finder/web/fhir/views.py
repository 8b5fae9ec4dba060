"""/fhir: the directory as read-only FHIR R4 (JSON). Errors are OperationOutcomes."""
import json
from urllib.parse import urlencode

from flask import Blueprint, Response, request

from finder.directory import service as directory
from finder.directory.fhir.capability import capability_statement
from finder.directory.fhir.resources import RESOURCE_BUILDERS
from finder.directory.fhir.search import FILTERS, SearchRejected, search_directory
from finder.directory.fhir.searchset import searchset_bundle
from finder.web.core.context import db, settings
from finder.web.fhir.errors import operation_outcome, operation_outcome_response

bp = Blueprint("fhir", __name__, url_prefix="/fhir")
FHIR_JSON = "application/fhir+json"
JSON_FORMATS = ("json", "application/json", FHIR_JSON)
KNOWN_TYPES = ", ".join(RESOURCE_BUILDERS)


def fhir_response(body: dict, status: int = 200) -> Response:
    return Response(json.dumps(body, ensure_ascii=False, separators=(",", ":")), status,
                    mimetype=FHIR_JSON)


def _base_url() -> str:
    return request.url_root.rstrip("/") + "/fhir"


@bp.before_request
def _only_json():
    wanted = request.args.get("_format")
    # an unencoded "+" arrives as a space: application/fhir json
    if wanted is not None and wanted.split(";")[0].strip().replace(" ", "+") not in JSON_FORMATS:
        outcome = operation_outcome(406, f"_format={wanted} is not served: this server "
                                         "speaks JSON only (_format=json).")
        outcome["issue"][0]["code"] = "not-supported"
        return fhir_response(outcome, 406)
    return None


@bp.errorhandler(SearchRejected)
def _rejected(error: SearchRejected):
    return operation_outcome_response(error.status, str(error))


@bp.get("/metadata")
def metadata():
    return fhir_response(capability_statement(_base_url()))


def _unknown_type(resource_type: str):
    return operation_outcome_response(
        404, f"Unknown resource type {resource_type!r}: this server serves {KNOWN_TYPES} "
             "(see /fhir/metadata).")


@bp.get("/<resource_type>")
def search(resource_type: str):
    if resource_type not in RESOURCE_BUILDERS:
        return _unknown_type(resource_type)
    if resource_type not in FILTERS:
        return operation_outcome_response(
            405, f"{resource_type} can only be read by id (GET /fhir/{resource_type}/<id>); "
                 "search HealthcareService with _include=HealthcareService:organization instead.")
    params = list(request.args.items(multi=True))
    strict = "handling=strict" in request.headers.get("Prefer", "").replace(" ", "")
    page = search_directory(db(), resource_type, params, strict=strict)
    kept = [(k, v) for k, v in params if k != "_offset"]

    def link_for(offset: int) -> str:
        return f"{request.base_url}?{urlencode([*kept, ('_offset', offset)])}"

    return fhir_response(searchset_bundle(page, resource_type, base_url=_base_url(),
                                          link_for=link_for,
                                          stale_months=settings().stale_months))


@bp.get("/<resource_type>/<resource_id>")
def read(resource_type: str, resource_id: str):
    if resource_type not in RESOURCE_BUILDERS:
        return _unknown_type(resource_type)
    plain_id = resource_id.isascii() and resource_id.isdigit() and len(resource_id) <= 9
    center = directory.get_center(db(), int(resource_id)) if plain_id else None
    if center is None:
        return operation_outcome_response(
            404, f"No {resource_type} with id {resource_id!r}: search /fhir/{resource_type} "
                 "for the ids there are." if resource_type in FILTERS else
                 f"No {resource_type} with id {resource_id!r}.")
    if resource_type in ("HealthcareService", "Location"):
        return fhir_response(RESOURCE_BUILDERS[resource_type](
            center, stale_months=settings().stale_months))
    return fhir_response(RESOURCE_BUILDERS[resource_type](center))


@bp.get("/<path:_unknown>")
def unknown(_unknown):
    return operation_outcome_response(404, "There is nothing at this FHIR address; see "
                                           "/fhir/metadata for what this server serves.")


# --- the OpenAPI description of these operations (merged by finder/web/openapi.py) ----------

def openapi_paths() -> dict:
    def fhir_json(description):
        return {"description": description,
                "content": {FHIR_JSON: {"schema": {"type": "object",
                                                   "required": ["resourceType"]}}}}

    def op(summary, params=(), codes=(400, 406)):
        words = {400: "OperationOutcome: a bad parameter value", 404: "OperationOutcome: not found",
                 406: "OperationOutcome: a _format other than JSON"}
        fmt = {"name": "_format", "in": "query", "required": False, "schema": {"type": "string"},
               "description": "json (the only format served)"}
        return {"get": {"summary": summary, "tags": ["FHIR R4"], "parameters": [*params, fmt],
                        "responses": {"200": fhir_json("OK"),
                                      **{str(c): fhir_json(words[c]) for c in codes}}}}

    def q(name, description):
        return {"name": name, "in": "query", "required": False, "schema": {"type": "string"},
                "description": description}

    near = "latitude|longitude|distance|km, e.g. -27.47|153.02|50|km (distance defaults to 50)"
    paging = [q("_count", "Page size, 1-100 (default 20)"),
              q("_offset", "Matches to skip (this server's paging parameter)")]
    resource_id = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"},
                   "description": "The listing's id"}
    paths = {
        "/fhir/metadata": op("FHIR CapabilityStatement (R4 4.0.1)", codes=(406,)),
        "/fhir/HealthcareService": op("Search desensitization services (FHIR searchset Bundle)", [
            q("name", "Name contains, without case"), q("active", "true or false"),
            q("specialty", "Token: system|code or code"),
            q("characteristic", "Token: ATC prefix, drug class, route, pediatric, adult, ..."),
            q("location.near", near), q("location.address-postalcode", "Postcode starts with"),
            q("location.address-state", "State starts with"),
            q("_include", "HealthcareService:location or HealthcareService:organization"),
            *paging]),
        "/fhir/Location": op("Search the services' locations (FHIR searchset Bundle)", [
            q("near", near), q("address-postalcode", "Postcode starts with"),
            q("address-state", "State starts with"), *paging]),
    }
    for kind in RESOURCE_BUILDERS:
        paths[f"/fhir/{kind}/{{id}}"] = op(f"Read one {kind}", [resource_id], (404, 406))
    return paths
