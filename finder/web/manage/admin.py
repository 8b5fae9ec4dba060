"""Admin pages: approve pending listings (optionally inviting their submitter) and archive
listings."""
from flask import abort, flash, redirect, render_template, request, url_for

from finder.directory import accounts, submissions
from finder.directory import service as directory
from finder.web.core.context import db
from finder.web.manage import bp
from finder.web.manage.access import actor, admin_required, editable_center, posted_version
from finder.web.manage.account_admin import link_notice

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


@bp.post("/centers/<int:center_id>/approve-and-invite")
@admin_required
def approve_and_invite(center_id: int):
    """Approve a submitted listing and invite its submitter to keep it current."""
    center = editable_center(center_id)
    try:
        account, plain = submissions.approve_and_invite(
            db(), center_id, expected_version=posted_version(request.form), actor=actor())
    except directory.VersionConflict:
        flash(f"{center.name} changed since you loaded the page: check it and try again.",
              "warning")
        return redirect(url_for("manage.dashboard"))
    except LookupError:
        abort(404, "This listing was not sent through \"list your center\": invite someone "
                   "from the accounts page.")
    except accounts.AccountError as taken:
        db().rollback()
        flash(f"{center.name} is approved, but no invitation was made: the submitter's email "
              f"{taken.errors.get('email', '')}.", "warning")
        return redirect(url_for("manage.dashboard"))
    return render_template("manage/accounts_sent.html", center=center,
                           sent=link_notice(account, "invite", plain))
