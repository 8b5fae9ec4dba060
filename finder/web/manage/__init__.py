"""Staff pages under /manage (sign-in, editing, approval, history, tokens, accounts) and the
public "list your center" form. Every POST carries a CSRF token (CSRFProtect is global)."""
from flask import Blueprint

bp = Blueprint("manage", __name__, url_prefix="/manage")
submit_bp = Blueprint("submit", __name__)

from finder.web.manage import (  # noqa: E402,F401
    account_admin,
    admin,
    dashboard,
    listings,
    passwords,
    signin,
    submit,
    tokens,
)
