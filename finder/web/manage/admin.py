"""Admin pages: approve pending listings, archive listings, create accounts."""
from flask import flash, redirect, render_template, request, url_for
from wtforms.fields import SelectChoice

from finder.directory import accounts
from finder.directory import service as directory
from finder.web.core.context import db
from finder.web.manage import bp
from finder.web.manage.access import actor, admin_required, editable_center, posted_version
from finder.web.manage.forms import AccountForm
from finder.web.manage.listing_form import LABELS

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


def _account_form() -> AccountForm:
    form = AccountForm()
    centers = directory.list_centers(db(), status=None, limit=100_000).items
    form.center_id.choices = [SelectChoice("", "None (admin)")] + [
        SelectChoice(str(c.id), f"{c.name}, {c.organisation} ({c.locality})") for c in centers]
    return form


@bp.route("/accounts", methods=["GET", "POST"])
@admin_required
def account_list():
    form, errors, created, password = _account_form(), {}, None, None
    if form.validate_on_submit():
        password = form.password.data or accounts.generate_password()
        center_id = int(form.center_id.data) if form.center_id.data else None
        try:
            created = accounts.create_account(db(), form.email.data, password,
                                              role=form.role.data, center_id=center_id,
                                              actor=actor())
        except accounts.AccountError as invalid:
            errors, password = invalid.errors, None
        else:
            password = None if form.password.data else password  # show only a generated one
    elif form.is_submitted():
        errors = {name: "; ".join(messages) for name, messages in form.errors.items()}
    return render_template("manage/accounts.html", form=form, errors=errors, created=created,
                           one_time_password=password, accounts=accounts.list_accounts(db()),
                           labels=LABELS), 400 if errors else 200
