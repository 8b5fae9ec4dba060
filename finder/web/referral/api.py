"""POST /api/referral/assess: the referral screening as JSON. Nothing is stored or logged.

CSRF-exempt like the rest of the API: it reads no cookie and changes nothing.
"""
import json
from collections.abc import Sequence
from datetime import date

from flask import Blueprint, jsonify, request

from finder.referral.assess import VERDICTS, Note
from finder.referral.schema import ReferralValidationError, dated_json_schema, parse_referral
from finder.vocabulary import ALL_DRUG_CLASSES
from finder.web.core.errors import error_response
from finder.web.core.extensions import csrf
from finder.web.referral.views import centers_json, screened, today_for

bp = Blueprint("api_referral", __name__, url_prefix="/api")
csrf.exempt(bp)


@bp.post("/referral/assess")
def assess():
    if not request.is_json:
        return error_response(415, "Send the referral as JSON (Content-Type: application/json).",
                              "unsupported_media_type")
    try:
        data = json.loads(request.get_data(cache=False))
    except ValueError:  # nesting past MAX_JSON_DEPTH was refused before this view ran
        return error_response(400, "The body is not valid JSON.", "invalid_json")
    try:
        data = _whole_numbers_as_int(data)
        today = today_for(data)
        referral = parse_referral(data, today)
    except ReferralValidationError as error:
        return error_response(400, "The referral has errors: see `fields`.", "invalid",
                              fields=error.errors)
    outcome = screened(referral, today)
    answer = {**outcome.assessment.to_dict(), "centers": centers_json(outcome.nearby)}
    if outcome.nearby is not None and outcome.nearby.place is None:
        answer["reasons"].append(Note("location_not_found", (
            "No centers are listed because the location was not found: "
            f"{outcome.nearby.problem}")).to_dict())
    return jsonify(answer)


def _whole_numbers_as_int(data):
    """JSON does not tell 54 from 54.0 (JSON Schema calls both integers): read every whole
    float a float holds exactly (up to 2**53) as an int. Anything else is left for the model."""
    if isinstance(data, float) and data.is_integer() and abs(data) <= 2**53:
        return int(data)
    if isinstance(data, dict):
        return {key: _whole_numbers_as_int(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_whole_numbers_as_int(value) for value in data]
    return data


# --- OpenAPI: finder.web.core.openapi lists this operation --------------------------------------

def _codes(codes) -> dict:
    return {"type": "string", "enum": list(codes)}


def _note() -> dict:
    return {"type": "object", "required": ["code", "message"],
            "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}


def verdict_description() -> str:
    """Every verdict with what it means, from the one source the page and letter use."""
    return "\n".join(["The screening verdict:"] + [
        f"- `{v.code}` ({v.label}): {v.summary}. {v.advice}" for v in VERDICTS.values()])


def request_schema(believed: Sequence[date], default: date) -> dict:
    """The JSON referral: the input model's own JSON Schema with its date rules for these
    dates (finder.referral.schema.dated_json_schema), its definitions inlined so the schema
    stands alone inside the OpenAPI document."""
    schema = dated_json_schema(believed, default)
    definitions = schema.pop("$defs", {})

    def inline(node):
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/"):
                return inline(definitions[ref.removeprefix("#/$defs/")])
            return {key: inline(value) for key, value in node.items()}
        if isinstance(node, list):
            return [inline(item) for item in node]
        return node

    return inline(schema)


def response_schema() -> dict:
    """The assessment: Assessment.to_dict() with the nearest centers filled in."""
    drug_class = {"type": "object", "required": ["code", "name", "group"], "properties": {
        "code": _codes(ALL_DRUG_CLASSES), "name": {"type": "string"}, "group": {"type": "string"}}}
    drug = {"type": ["object", "null"], "required": ["name", "matched", "atc", "class", "typed"],
            "properties": {"name": {"type": "string"}, "matched": {"type": "string"},
                           "atc": {"type": "string"}, "class": drug_class,
                           "typed": {"type": "string"}}}
    flags = ("five_years_or_less", "time_unknown", "anaphylaxis_or_angioedema",
             "severe_cutaneous_reaction", "treatment_required", "treatment_unknown")
    pen_fast = {"type": ["object", "null"], "required": ["score", "risk", "components"],
                "properties": {
                    "score": {"type": "integer", "minimum": 0, "maximum": 5},
                    "risk": _codes(("very_low", "low", "moderate", "high")),
                    "components": {"type": "object", "required": list(flags),
                                   "properties": {f: {"type": "boolean"} for f in flags}}}}
    center = {"type": "object", "required": ["center", "distance_km"], "properties": {
        "center": {"$ref": "#/components/schemas/Center"},
        "distance_km": {"type": "number", "minimum": 0}}}
    properties = {
        "verdict": {**_codes(VERDICTS), "description": verdict_description()},
        "verdict_summary": {"type": "string",
                            "description": "The verdict in one sentence, as the page and "
                                           "the letter say it"},
        "reasons": {"type": "array", "items": _note()},
        "pen_fast": pen_fast, "drug": drug, "pediatric": {"type": "boolean"},
        "precautions": {"type": "array", "items": _note()},
        "checklist": {"type": "array", "items": {"type": "string"}},
        "questions_for_center": {"type": "array", "items": {
            "type": "object", "required": ["code", "question"],
            "properties": {"code": {"type": "string"}, "question": {"type": "string"},
                           "answer": {"type": ["string", "null"],
                                      "description": "What the center's listing already says"},
                           "answered_on": {"type": ["string", "null"], "format": "date"},
                           "center_id": {"type": "integer"}}}},
        "centers": {"type": "array", "items": center},
    }
    return {"type": "object", "required": list(properties), "properties": properties,
            "additionalProperties": False}


def openapi_operation(believed: Sequence[date], default: date) -> dict:
    """The operation as of a moment: `believed`, the dates some time zone has, and `default`,
    today in the app's time zone."""
    invalid = {"type": "object", "required": ["error"], "properties": {"error": {
        "type": "object", "required": ["code", "message"], "properties": {
            "code": {"type": "string"}, "message": {"type": "string"},
            "fields": {"type": "object", "additionalProperties": {"type": "string"},
                       "description": "JSON path of each bad field → what is wrong"}}}}}

    def body(schema, description):
        return {"description": description, "content": {"application/json": {"schema": schema}}}

    return {
        "summary": "Screen a referral for drug desensitization (nothing is stored)",
        "description": "Returns the verdict (see `verdict`), reasons, PEN-FAST for penicillin "
                       "histories (null when the verdict is `not_suitable`), "
                       "precautions, a checklist, questions for the center and, when a "
                       "location is given and found, the nearest suitable centers. A location "
                       "that cannot be found gives no centers and a `location_not_found` reason.",
        "requestBody": {"required": True, "content": {"application/json": {
            "schema": request_schema(believed, default)}}},
        "responses": {
            "200": body(response_schema(), "The assessment"),
            "400": body(invalid, "Not JSON, or invalid fields (see error.fields)"),
            "413": body({"$ref": "#/components/schemas/Error"}, "The body is too large"),
            "415": body({"$ref": "#/components/schemas/Error"}, "The body is not JSON"),
            "503": body({"$ref": "#/components/schemas/Error"},
                        "The place index is not available (a location was given)"),
        },
    }
