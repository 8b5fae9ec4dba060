"""Choosing a password: through an invitation or reset link, by the signed-in person, and
"forgot my password" (only when mail is configured, so a link never shows to a stranger).
An account with a one-time password can do nothing else until it has chosen its own."""
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlmodel import select

from finder.directory import accounts, links
from finder.directory.models import Account
from finder.web.core.auth import SignedInAccount, start_session
from finder.web.core.context import db, settings
from finder.web.core.extensions import limiter
from finder.web.manage import bp
from finder.web.manage.mailing import deliver_link

OPEN_TO_ONE_TIME_PASSWORDS = {"manage.change_password", "manage.logout", "manage.login"}
LABELS = {"password": "New password", "current_password": "Current password"}


@bp.before_request
def _one_time_password_first():
    if (current_user.is_authenticated and current_user.account.must_change_password
            and request.endpoint not in OPEN_TO_ONE_TIME_PASSWORDS):
        return redirect(url_for("manage.change_password"))
    return None


def _sign_in(account: Account) -> None:
    login_user(SignedInAccount(account))
    start_session()


def _home(account: Account) -> str:
    if account.center_id is not None:
        return url_for("manage.edit", center_id=account.center_id)
    return url_for("manage.dashboard")


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    errors = {}
    if request.method == "POST":
        account = current_user.account
        try:
            accounts.change_password(db(), account, request.form.get("current_password", ""),
                                     request.form.get("password", ""))
        except accounts.AccountError as invalid:
            errors = invalid.errors
        else:
            _sign_in(account)  # this browser stays signed in; every other session ends
            flash("Your password is changed. Other browsers signed in to your account are "
                  "signed out.", "success")
            return redirect(_home(account))
    return render_template("manage/password.html", errors=errors, labels=LABELS,
                           forced=current_user.account.must_change_password), 400 if errors else 200


def _dead_link():
    return render_template("manage/link_dead.html"), 410


@bp.route("/link/<token>", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def use_link(token: str):
    try:
        link, account = links.open_link(db(), token)
    except links.LinkError:
        return _dead_link()
    errors = {}
    if request.method == "POST":
        try:
            account = links.redeem(db(), token, request.form.get("password", ""))
        except links.LinkError:
            return _dead_link()
        except accounts.AccountError as invalid:
            db().rollback()
            errors = invalid.errors
        else:
            logout_user()
            _sign_in(account)
            flash("Your password is set and you are signed in.", "success")
            return redirect(_home(account))
    return render_template("manage/link.html", link=link, account=account, errors=errors,
                           labels=LABELS), 400 if errors else 200


@bp.route("/forgot", methods=["GET", "POST"])
@limiter.limit("5 per hour", methods=["POST"])
def forgot_password():
    mail = bool(settings().smtp_url)
    sent = False
    if mail and request.method == "POST":
        email = accounts.normalise_email(request.form.get("email", ""))
        account = db().exec(select(Account).where(Account.email == email)).first()
        if account is not None and account.active:
            plain = links.issue_link(db(), account, "reset", actor=f"self-service:{email}")
            deliver_link(account.email, "reset", plain)
        sent = True  # the same answer either way: the page never says who has an account
    return render_template("manage/forgot.html", mail=mail, sent=sent)
