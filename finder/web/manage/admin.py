"""Admin pages: approve pending listings and archive listings."""
from flask import flash, redirect, render_template, request, url_for

from finder.directory import service as directory
from finder.web.core.context import db
from finder.web.manage import bp
from finder.web.manage.access import actor, admin_required, editable_center, posted_version

STATUS_WORDS = {"active": "approved and public", "archived": "archived"}


def _set_status(center_id: int, status: str):
    center = editable_center(center_id)
    words = STATUS_WORDS[status]
    try:
        directory.set_status(db(), center_id, status, actor=actor(),
                             expected_version=posted_version(request.form))
    except directory.VersionConflict:
        flash(f"{center.name} changed since you loaded the page: check it and try again.",
              "warning")
    else:
        flash(f"{center.name} is now {words}.", "success")
    return redirect(url_for("manage.dashboard"))


@bp.post("/centers/<int:center_id>/approve")
@admin_required
def approve(center_id: int):
    return _set_status(center_id, "active")


@bp.post("/centers/<int:center_id>/archive")
@admin_required
def archive(center_id: int):
    return _set_status(center_id, "archived")
