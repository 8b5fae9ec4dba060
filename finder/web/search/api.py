"""The patient-search API: drugs, places, geocoding and the ranked search itself."""
import logging
import sqlite3
from datetime import UTC, datetime

from flask import Blueprint, abort, current_app, jsonify

from finder.drugs import resolve_drug, suggest_drugs
from finder.geocoding import GeocodeInputError
from finder.search.service import run_search
from finder.web.core.context import db_when_needed, geocoder, settings
from finder.web.core.errors import error_response
from finder.web.core.extensions import limiter
from finder.web.core.memo import memory
from finder.web.core.openapi_parts import error_bodies, json_body
from finder.web.core.query import query_object, query_parameters, read_query
from finder.web.directory.present import center_public
from finder.web.search.cache import cached
from finder.web.search.query import (
    GeocodeText,
    PlaceText,
    SearchParams,
    TypedText,
    read_search_query,
)

bp = Blueprint("api_search", __name__, url_prefix="/api")
log = logging.getLogger(__name__)
SUGGESTIONS = 8
# Per client address; each answer past its limit is 429 with Retry-After. Autocomplete asks on
# each keystroke; geocoding may reach an online service whose own policy is about 1 a second.
LIMITS = {"drugs": "120 per minute", "places": "120 per minute", "geocode": "30 per minute",
          "search": "60 per minute"}


@bp.get("/drugs")
@limiter.limit(LIMITS["drugs"])
def drugs():
    query = read_query(TypedText).q or ""
    matches = suggest_drugs(query, SUGGESTIONS)
    best = resolve_drug(query)
    if best and (not matches or matches[0].name != best.name):  # the drug it names, first
        matches = [best, *(m for m in matches if m.name != best.name)][:SUGGESTIONS]
    return jsonify({"query": query, "matches": [m.to_dict() for m in matches]})


@bp.get("/places")
@limiter.limit(LIMITS["places"])
def places():
    query = read_query(PlaceText).q or ""
    try:
        found = geocoder().suggest(query, SUGGESTIONS)
    except GeocodeInputError:
        found = []
    except sqlite3.Error as error:  # autocomplete is a convenience: never a 500 for it
        log.warning("place suggestions failed for a query: %s", error)
        found = []
    return jsonify({"query": query, "places": [p.to_dict() for p in found]})


@bp.get("/geocode")
@limiter.limit(LIMITS["geocode"])
def geocode():
    query = read_query(GeocodeText).q or ""
    try:
        found = geocoder().geocode(query)
    except GeocodeInputError as error:
        abort(400, error.message)
    if found.match is None:
        abort(404, found.message or "No place matched: try a postcode or a nearby town.")
    return jsonify({"query": query, "match": found.match.to_dict(),
                    "candidates": [c.to_dict() for c in found.candidates],
                    "ambiguous": found.ambiguous})


@bp.get("/search")
@limiter.limit(LIMITS["search"])
@cached
def search():
    query = read_search_query()
    if not query.has_place:
        abort(400, "Give a location (a town, suburb or postcode), or lat and lon.")
    outcome = run_search(query, session=db_when_needed(), geocoder=geocoder())
    if outcome.place is None:
        status = 400 if outcome.location_invalid else 404
        return error_response(status, outcome.location_error)
    result, now, dumps = outcome.result, datetime.now(UTC), current_app.json.dumps
    head = {"origin": outcome.place.to_dict(),
            "candidates": [c.to_dict() for c in outcome.candidates],
            "ambiguous": bool(outcome.geocoded and outcome.geocoded.ambiguous),
            "drug": outcome.drug.to_dict() if outcome.drug else None,
            "unknown_drug": outcome.unknown_drug}
    # a finite float's repr and true/false are their JSON text: no encoder call per result
    listing_text = _listing_texts(now)
    results = ",".join(
        f'{{"center":{listing_text(m.center)},"distance_km":{round(m.distance_km, 1)!r},'
        f'"outside_radius":{"true" if m.outside_radius else "false"}}}' for m in result.matches)
    tail = {"outside_radius": result.outside_radius,
            "left_out_not_accepting": result.left_out_not_accepting,
            "travel_assistance": outcome.travel}
    body = f'{dumps(head)[:-1]},"results":[{results}],{dumps(tail)[1:]}'
    return current_app.response_class(body, mimetype="application/json")


def _listing_texts(now: datetime):
    """The API's listing as JSON text, written once per listing version and minute: what
    changes with the clock (freshness by the day, opening hours by the minute) cannot change
    within one minute, so the text is exact for every request in it. Remembered per app."""
    kept, minute = memory("finder.listing_json"), int(now.timestamp() // 60)
    config, dumps = settings(), current_app.json.dumps

    def text(center) -> str:
        return kept.recall((center.id, center.version, center.updated_at, minute),
                           lambda: dumps(center_public(center, config, now=now)))
    return text


# --- the OpenAPI description of these operations (merged by finder.web.core.openapi) ----------

AMBIGUOUS = {"type": "boolean", "description": "true when several places in the default "
             "country share the name and none dominates: ask which one (match, then candidates, "
             "most populous first)"}


def openapi_paths() -> dict:
    nullable = {"type": ["string", "null"]}
    place = {"type": "object",
             "required": ["label", "lat", "lon", "country", "region", "postcode", "kind",
                          "remoteness", "source"],
             "properties": {"label": {"type": "string"}, "lat": {"type": "number"},
                            "lon": {"type": "number"}, "country": {"type": "string"},
                            "region": nullable, "postcode": nullable, "kind": {"type": "string"},
                            "remoteness": {"type": ["object", "null"],
                                           "required": ["class", "label"],
                                           "properties": {"class": {"type": "integer"},
                                                          "label": {"type": "string"}}},
                            "source": {"type": "string"}}}
    drug = {"type": "object", "required": ["name", "matched", "atc", "class"],
            "properties": {"name": {"type": "string"}, "matched": {"type": "string"},
                           "atc": {"type": "string"},
                           "class": {"type": "object", "required": ["code", "name", "group"],
                                     "properties": {"code": {"type": "string"},
                                                    "name": {"type": "string"},
                                                    "group": {"type": "string"}}}}}
    result = {"type": "object", "required": ["center", "distance_km", "outside_radius"],
              "properties": {"center": {"$ref": "#/components/schemas/Center"},
                             "distance_km": {"type": "number", "minimum": 0},
                             "outside_radius": {"type": "boolean"}}}
    search = {"type": "object",
              "required": ["origin", "candidates", "ambiguous", "drug", "unknown_drug", "results",
                           "outside_radius", "left_out_not_accepting", "travel_assistance"],
              "properties": {"origin": place, "candidates": {"type": "array", "items": place},
                             "ambiguous": AMBIGUOUS,
                             "drug": {"oneOf": [drug, {"type": "null"}]},
                             "unknown_drug": nullable,
                             "results": {"type": "array", "items": result},
                             "outside_radius": {"type": "boolean"},
                             "left_out_not_accepting": {"type": "integer", "minimum": 0},
                             "travel_assistance": {"type": ["object", "null"]}}}
    q = query_parameters(TypedText)

    def get(summary, parameters, body, *codes, description=None):
        operation = {"summary": summary, "parameters": parameters,
                     "responses": {"200": json_body(body), **error_bodies(*codes)}}
        if description:
            operation["description"] = description
        return {"get": operation}

    def limited(path, operation):
        limit = LIMITS[path.rsplit("/", 1)[1]]
        operation["get"]["description"] = (operation["get"].get("description", "") +
                                           f" At most {limit} per client; then 429 with "
                                           "Retry-After.").strip()
        return operation

    paths = {
        "/api/drugs": get("Drugs whose names fit what was typed, best first",
                          q, {"type": "object", "required": ["query", "matches"],
                                "properties": {"query": {"type": "string"},
                                               "matches": {"type": "array", "items": drug}}},
                          400, 429),
        "/api/places": get("Places for autocomplete (word prefixes), best first; at most 8",
                           query_parameters(PlaceText), {"type": "object", "required": ["query", "places"],
                                 "properties": {"query": {"type": "string"},
                                                "places": {"type": "array", "items": place}}},
                           400, 429, 503),
        "/api/geocode": get(
            "The place a text names, with other candidates",
            query_parameters(GeocodeText),
            {"type": "object", "required": ["query", "match", "candidates", "ambiguous"],
             "properties": {"query": {"type": "string"}, "match": place,
                            "candidates": {"type": "array", "items": place},
                            "ambiguous": AMBIGUOUS}},
            400, 404, 429, 503),
        "/api/search": get(
            "The nearest suitable centers, nearest first",
            query_object(SearchParams),
            search, 400, 404, 429, 503,
            description="Give location, or lat and lon. An ambiguous location (ambiguous: "
                        "true) uses the most populous match and lists the others in "
                        "candidates, so a client can ask which was meant; an unknown drug is named in "
                        "unknown_drug and the search runs without the drug filter."),
    }
    return {path: limited(path, operation) for path, operation in paths.items()}
