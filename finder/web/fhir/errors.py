"""OperationOutcome error bodies for /fhir (FHIR R4 clients expect them, not our JSON)."""
from flask import jsonify

ISSUE_CODES = {400: "invalid", 401: "security", 403: "forbidden", 404: "not-found",
               405: "not-supported", 409: "conflict", 429: "throttled", 503: "transient"}


def operation_outcome(status: int, message: str, severity: str = "error") -> dict:
    return {"resourceType": "OperationOutcome",
            "issue": [{"severity": severity, "code": ISSUE_CODES.get(status, "exception"),
                       "details": {"text": message}}]}


def operation_outcome_response(status: int, message: str, _code: str | None = None):
    response = jsonify(operation_outcome(status, message))
    response.status_code = status
    response.mimetype = "application/fhir+json"
    return response
