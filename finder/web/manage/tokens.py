"""API tokens of the signed-in account: create (shown once) and revoke."""
from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from finder.directory import accounts
from finder.web.core.context import db
from finder.web.manage import bp
from finder.web.manage.forms import TokenForm


def _page(form, new_token=None, status=200):
    return render_template("manage/tokens.html", form=form, new_token=new_token,
                           tokens=accounts.tokens_for(db(), current_user.account)), status


@bp.get("/tokens")
@login_required
def token_list():
    return _page(TokenForm())


@bp.post("/tokens")
@login_required
def create_token():
    form = TokenForm()
    if not form.validate_on_submit():
        return _page(form, status=400)
    plain, _ = accounts.create_token(db(), current_user.account, form.label.data)
    return _page(TokenForm(formdata=None), new_token=plain)


@bp.post("/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    try:
        token = accounts.revoke_token(db(), current_user.account, token_id)
    except LookupError:
        abort(404, "You have no token with that number.")
    flash(f"Token {token.label or token_id} is revoked: it no longer works.", "success")
    return redirect(url_for("manage.token_list"))
