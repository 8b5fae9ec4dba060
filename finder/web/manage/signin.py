"""Sign in and out. A failed sign-in answers 401, which is what the throttle counts: five
failures a minute per account and per address, then 429 until the minute is up (exact across
workers: finder.web.core.throttle)."""
import logging
from urllib.parse import urlsplit

from flask import flash, make_response, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from finder.directory import accounts
from finder.web.core import throttle
from finder.web.core.auth import SignedInAccount, start_session
from finder.web.core.context import db
from finder.web.manage import bp
from finder.web.manage.forms import LoginForm

log = logging.getLogger(__name__)
FAILED_LOGINS = "5 per minute"


def _failed(response) -> bool:
    return response.status_code == 401


def _account_key() -> str:
    return "login-account:" + accounts.normalise_email(request.form.get("email", ""))


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never another host (no open redirect)."""
    parts = urlsplit(target or "")
    clean = target and not any(ord(ch) < 32 or ch in "\\\x7f" for ch in target)
    if clean and target.startswith("/") and not target.startswith("//") and not parts.netloc:
        return target
    return url_for("manage.dashboard")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method != "POST":
        return _sign_in()
    keys = ["login-address:" + (request.remote_addr or "unknown"), _account_key()]
    throttle.reserve(FAILED_LOGINS, keys)
    response = make_response(_sign_in())
    if not _failed(response):
        throttle.refund(FAILED_LOGINS, keys)
    return response


def _sign_in():
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("manage/login.html", form=form), 400 if form.is_submitted() else 200
    account = accounts.authenticate(db(), form.email.data, form.password.data)
    if account is None:
        log.info("failed sign-in from %s", (request.remote_addr or "unknown"))
        return render_template("manage/login.html", form=form, failed=True), 401
    session.clear()  # a fresh session on sign-in: nothing carried over from before
    login_user(SignedInAccount(account))
    start_session()
    if account.must_change_password:
        flash("You signed in with a one-time password: choose your own to go on.", "info")
        return redirect(url_for("manage.change_password"))
    return redirect(_safe_next(request.args.get("next")))


@bp.post("/logout")
@login_required
def logout():
    accounts.end_sessions(db(), current_user.account)  # a copy of this cookie stops working too
    logout_user()
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("manage.login"))
