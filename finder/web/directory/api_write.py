"""Writes through the JSON API: POST /api/centers (admin token) and PATCH /api/centers/<id>
(that center's editor or an admin). Bearer tokens only: the session cookie is never read here,
so a signed-in browser cannot be tricked into writing (and CSRF does not apply)."""
from flask import Blueprint, abort, jsonify, request, url_for

from finder.directory import accounts
from finder.directory import service as directory
from finder.directory.models import EDITABLE_FIELDS, Account, Center, has_control_characters
from finder.web.core.context import db, settings
from finder.web.core.errors import error_response
from finder.web.core.extensions import csrf
from finder.web.directory.present import center_public

bp = Blueprint("api_write", __name__, url_prefix="/api")
csrf.exempt(bp)
CREATABLE = {*EDITABLE_FIELDS, "status", "verified_at"}


def _token_account() -> Account:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    account = accounts.account_for_token(db(), token.strip()) if scheme == "Bearer" else None
    if account is None:
        response, status = error_response(401, "Send a valid, unrevoked API token as "
                                                "'Authorization: Bearer dsf_…'.")
        response.status_code = status
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
        abort(response)
    return account


def _json_object() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        abort(400, "The body must be a JSON object.")
    return body


def _control_characters(body: dict) -> dict[str, str]:
    """Fields holding a NUL or other control character (PostgreSQL refuses NUL in text)."""
    def bad(value):
        if isinstance(value, str):
            return has_control_characters(value)
        if isinstance(value, list | dict):
            return any(bad(v) for v in (value.values() if isinstance(value, dict) else value))
        return False
    return {field: "contains control characters" for field, value in body.items() if bad(value)}


def _invalid(errors: dict[str, str]):
    return error_response(400, "Some fields are not valid.", "invalid", fields=errors)


@bp.post("/centers")
def create_center():
    account = _token_account()
    if account.role != "admin":
        abort(403)
    body = _json_object()
    unknown = sorted(set(body) - CREATABLE)
    if unknown:
        return _invalid({unknown[0]: "is not a listing field"})
    if errors := _control_characters(body):
        return _invalid(errors)
    try:
        center = directory.create_center(db(), body, actor=account.email)
    except directory.ListingValidationError as invalid:
        return _invalid(invalid.errors)
    response = jsonify(center_public(center, settings()))
    response.headers["Location"] = url_for("api.center", center_id=center.id)
    return response, 201


@bp.patch("/centers/<int:center_id>")
def update_center(center_id: int):
    account = _token_account()
    if db().get(Center, center_id) is None:
        abort(404, f"No center with id {center_id}.")
    if not accounts.may_edit(account, center_id):
        abort(403)
    changes = _json_object()
    version = changes.pop("version", None)
    if isinstance(version, float) and version.is_integer():
        version = int(version)  # JSON (and the schema's integer) does not tell 7 from 7.0
    if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version < 2**31:
        return _invalid({"version": "send the version you last read, a whole number"})
    if errors := _control_characters(changes):
        return _invalid(errors)
    try:
        center = directory.update_center(db(), center_id, changes, expected_version=version,
                                         actor=account.email)
    except directory.ListingValidationError as invalid:
        return _invalid(invalid.errors)
    except directory.VersionConflict as stale:
        return error_response(409, f"The listing is now at version {stale.current.version}; "
                                   "read it again and re-apply your change.",
                              current_version=stale.current.version,
                              current=center_public(stale.current, settings()))
    return jsonify(center_public(center, settings()))
