"""One helper for "fetch or 404, then allowed or 403", used by every staff view."""
import re
from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from finder.directory.models import Center
from finder.web.core.context import db


def actor() -> str:
    """The audit log's name for whoever is signed in."""
    return current_user.account.email


def editable_center(center_id: int) -> Center:
    """The listing (any status) if the signed-in account may edit it; 404 or 403 otherwise."""
    center = db().get(Center, center_id)
    if center is None:
        abort(404, f"There is no listing with number {center_id}.")
    if not current_user.may_edit(center_id):
        abort(403)
    return center


def admin_required(view):
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)
    return wrapped


def posted_version(form) -> int:
    """The version the editor loaded, from the form's hidden field; 400 when missing."""
    raw = form.get("version", "")
    if not (re.fullmatch(r"[0-9]{1,10}", raw) and 1 <= int(raw) < 2**31):
        abort(400, "The form lost its version number: reload the page and try again.")
    return int(raw)
