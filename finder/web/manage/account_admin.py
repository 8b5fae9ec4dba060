"""The admin's account page: invite people (a link, mailed or shown to pass on), make reset
links, sign an account out everywhere, deactivate and reactivate accounts."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields import SelectChoice

from finder.directory import accounts, links
from finder.directory import service as directory
from finder.directory.models import Account
from finder.web.core.context import db
from finder.web.manage import bp
from finder.web.manage.access import actor, admin_required
from finder.web.manage.forms import AccountForm
from finder.web.manage.listing_form import LABELS
from finder.web.manage.mailing import deliver_link, link_url


def _account_form() -> AccountForm:
    form = AccountForm()
    centers = directory.list_centers(db(), status=None, limit=100_000).items
    form.center_id.choices = [SelectChoice("", "None (admin)")] + [
        SelectChoice(str(c.id), f"{c.name}, {c.organisation} ({c.locality})") for c in centers]
    return form


def _page(form, errors=None, sent=None, status=200):
    return render_template("manage/accounts.html", form=form, errors=errors or {}, sent=sent,
                           accounts=accounts.list_accounts(db()), labels=LABELS,
                           invitations=links.pending_invitations(db()),
                           is_expired=links.is_expired), status


def link_notice(account: Account, purpose: str, plain: str) -> dict:
    """What the page says about a new link: mailed, or the link itself to pass on."""
    mailed = deliver_link(account.email, purpose, plain)
    return {"email": account.email, "purpose": purpose, "mailed": mailed,
            "url": None if mailed else link_url(plain)}


@bp.route("/accounts", methods=["GET", "POST"])
@admin_required
def account_list():
    form = _account_form()
    if not form.validate_on_submit():
        errors = {name: "; ".join(messages) for name, messages in form.errors.items()}
        return _page(form, errors, status=400 if form.is_submitted() else 200)
    center_id = int(form.center_id.data) if form.center_id.data else None
    try:
        account, plain = links.invite(db(), form.email.data, center_id=center_id,
                                      role=form.role.data, actor=actor())
    except accounts.AccountError as invalid:
        db().rollback()
        return _page(form, invalid.errors, status=400)
    return _page(_account_form(), sent=link_notice(account, "invite", plain))


def _target(account_id: int) -> Account:
    account = db().get(Account, account_id)
    if account is None:
        abort(404, "There is no account with that number.")
    return account


@bp.post("/accounts/<int:account_id>/reset")
@admin_required
def reset_link(account_id: int):
    account = _target(account_id)
    purpose = "invite" if any(a.id == account.id for _, a in links.pending_invitations(db())) else "reset"
    plain = links.issue_link(db(), account, purpose, actor=actor())
    return _page(_account_form(), sent=link_notice(account, purpose, plain))


@bp.post("/accounts/<int:account_id>/sign-out")
@admin_required
def sign_out_everywhere(account_id: int):
    account = _target(account_id)
    accounts.end_sessions(db(), account, actor=actor())
    flash(f"{account.email} is signed out in every browser.", "success")
    return redirect(url_for("manage.account_list"))


@bp.post("/accounts/<int:account_id>/active")
@admin_required
def set_active(account_id: int):
    account = _target(account_id)
    active = request.form.get("active") == "1"
    if account.id == current_user.account.id and not active:
        flash("You cannot deactivate your own account.", "warning")
        return redirect(url_for("manage.account_list"))
    accounts.set_active(db(), account, active, actor=actor())
    words = "reactivated" if active else "deactivated: its sessions and API tokens stopped working"
    flash(f"{account.email} is {words}.", "success")
    return redirect(url_for("manage.account_list"))
