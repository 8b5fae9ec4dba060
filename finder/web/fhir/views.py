"""/fhir: the directory as read-only FHIR R4 (JSON). Errors are OperationOutcomes."""
from datetime import UTC, datetime
from urllib.parse import urlencode

from flask import Blueprint, Response, request

from finder.directory import service as directory
from finder.directory.fhir.capability import capability_statement
from finder.directory.fhir.resources import RESOURCE_BUILDERS, aware
from finder.directory.fhir.search import (
    FILTERS,
    MAX_COUNT,
    SUMMARIES,
    SearchRejected,
    search_directory,
)
from finder.directory.fhir.searchset import dumps, searchset_text
from finder.directory.fhir.values import DATE, ID, NEAR, REFERENCE, listed
from finder.fhir import fhir_base
from finder.web.core.context import db, settings
from finder.web.fhir.errors import operation_outcome, operation_outcome_response

bp = Blueprint("fhir", __name__, url_prefix="/fhir")
FHIR_JSON = "application/fhir+json"
JSON_FORMATS = ("json", "application/json", FHIR_JSON)
KNOWN_TYPES = ", ".join(RESOURCE_BUILDERS)


def fhir_response(body: dict | str, status: int = 200) -> Response:
    """A resource (or its JSON text, already written) as application/fhir+json."""
    return Response(body if isinstance(body, str) else dumps(body), status, mimetype=FHIR_JSON)


def _base_url() -> str:
    """From FINDER_PUBLIC_URL: the Host header never enters a URL we hand out."""
    return fhir_base()


def _not_json(asked: str) -> Response:
    outcome = operation_outcome(406, f"{asked} is not served: this server speaks JSON only "
                                     "(_format=json, Accept: application/fhir+json).")
    outcome["issue"][0]["code"] = "not-supported"
    return fhir_response(outcome, 406)


@bp.before_request
def _only_json():
    """R4 §3.1.0.1.10: _format overrides Accept; either asking for something else is a 406."""
    wanted = request.args.get("_format")
    if wanted is not None:
        # an unencoded "+" arrives as a space: application/fhir json
        if wanted.split(";")[0].strip().replace(" ", "+") not in JSON_FORMATS:
            return _not_json(f"_format={wanted}")
        return None
    if request.accept_mimetypes and not request.accept_mimetypes.best_match(JSON_FORMATS[1:]):
        return _not_json(f"Accept: {request.headers.get('Accept', '')[:100]}")
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

    base_url = _base_url()
    applied = urlencode(page.applied)  # written once for every link

    def link_for(offset: int) -> str:  # only the parameters applied (R4 §3.1.1.3)
        query = "&".join(part for part in (applied, offset and f"_offset={offset}") if part)
        return f"{base_url}/{resource_type}" + (f"?{query}" if query else "")

    return fhir_response(searchset_text(page, resource_type, base_url=base_url,
                                        link_for=link_for, today=datetime.now(UTC).date(),
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
        resource = RESOURCE_BUILDERS[resource_type](center, stale_months=settings().stale_months)
    else:
        resource = RESOURCE_BUILDERS[resource_type](center)
    response = fhir_response(resource)
    # R4 §3.1.0.5 conditional read: W/"versionId" and Last-Modified; a match is 304 Not Modified
    response.set_etag(resource["meta"]["versionId"], weak=True)
    response.last_modified = aware(center.updated_at)
    return response.make_conditional(request)


@bp.get("/<path:_unknown>")
def unknown(_unknown):
    return operation_outcome_response(404, "There is nothing at this FHIR address; see "
                                           "/fhir/metadata for what this server serves.")


# --- the OpenAPI description of these operations (merged by finder/web/openapi.py) ----------

def openapi_paths() -> dict:
    """Each parameter's schema is the rule the server applies (finder.directory.fhir.values):
    a value the schema allows is served, any other is a 400 (or a 406 for _format)."""
    def fhir_json(description):
        return {"description": description,
                "content": {FHIR_JSON: {"schema": {"type": "object",
                                                   "required": ["resourceType"]}}}}

    def op(summary, params=(), codes=(400, 406)):
        words = {400: "OperationOutcome: a bad parameter value or an unsupported modifier",
                 404: "OperationOutcome: not found",
                 406: "OperationOutcome: a _format or Accept other than JSON"}
        fmt = q("_format", "json (the only format served)", {"type": "string",
                                                             "enum": list(JSON_FORMATS)})
        return {"get": {"summary": summary, "tags": ["FHIR R4"], "parameters": [*params, fmt],
                        "responses": {"200": fhir_json("OK"),
                                      **{str(c): fhir_json(words[c]) for c in codes}}}}

    def q(name, description, schema=None):
        return {"name": name, "in": "query", "required": False, "description": description,
                "schema": schema or {"type": "string"}}

    def pattern(regex, max_length=None):
        return {"type": "string", "pattern": f"^({regex})$",
                **({"maxLength": max_length} if max_length else {})}

    near = "latitude|longitude|distance|km, e.g. -27.47|153.02|50|km (distance defaults to 50)"
    common = [q("_id", "Listing ids; a comma means OR", pattern(listed(ID))),
              q("_lastUpdated", "Last edit, with a prefix such as ge or lt, e.g. ge2026-01-01",
                pattern(DATE)),
              q("identifier", "Token: system|value"),
              q("organization", "Organization/<id>; a comma means OR",
                pattern(listed(REFERENCE))),
              q("name", "Starts with, without case or accents")]
    paging = [q("_count", "Page size, 0-100 (default 20; 0 gives the total only)",
                {"type": "integer", "minimum": 0, "maximum": MAX_COUNT}),
              q("_offset", "Matches to skip (this server's paging parameter)",
                {"type": "integer", "minimum": 0, "maximum": 1_000_000}),
              q("_summary", "count: the total only", {"type": "string", "enum": list(SUMMARIES)})]
    resource_id = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"},
                   "description": "The listing's id"}
    paths = {
        "/fhir/metadata": op("FHIR CapabilityStatement (R4 4.0.1)", codes=(406,)),
        "/fhir/HealthcareService": op("Search desensitization services (FHIR searchset Bundle)", [
            *common, q("active", "true or false", pattern(listed("true|false"))),
            q("specialty", "Token: system|code or code"),
            q("service-type", "Token: system|code or code"),
            q("characteristic", "Token: ATC prefix, drug class, route, pediatric, adult, ..."),
            q("location.near", near, pattern(NEAR)),
            q("location.address-postalcode", "Postcode starts with"),
            q("location.address-state", "State starts with"),
            q("_include", "HealthcareService:location or HealthcareService:organization (other "
                          "values are ignored and reported, or refused under Prefer: "
                          "handling=strict)"),
            *paging]),
        "/fhir/Location": op("Search the services' locations (FHIR searchset Bundle)", [
            *common, q("near", near, pattern(NEAR)),
            q("address-postalcode", "Postcode starts with"),
            q("address-state", "State starts with"), *paging]),
    }
    for kind in RESOURCE_BUILDERS:
        paths[f"/fhir/{kind}/{{id}}"] = op(f"Read one {kind}", [resource_id], (404, 406))
    return paths
