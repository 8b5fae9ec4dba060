"""Who is signed in: Flask-Login's view of an Account, and the checks that end a session.

The session cookie carries the account's id, its session version, and when it signed in and
was last seen. A cookie whose version is older than the account's (after sign-out, a password
change, deactivation or an admin's "sign out everywhere") or that was idle or alive too long
signs nobody in, so a replayed cookie meets the sign-in page.
"""
import time

from flask import session
from flask_login import UserMixin

from finder.directory import accounts
from finder.directory.models import Account
from finder.web.core.context import db, settings

SIGNED_IN_AT, SEEN_AT = "signed_in_at", "seen_at"


class SignedInAccount(UserMixin):
    def __init__(self, account: Account):
        self.account = account
        self.id = f"{account.id}.{account.session_version}"

    @property
    def is_admin(self) -> bool:
        return self.account.role == "admin"

    def may_edit(self, center_id: int) -> bool:
        return accounts.may_edit(self.account, center_id)


def start_session(now: float | None = None) -> None:
    """Stamp a fresh sign-in (call right after login_user)."""
    now = time.time() if now is None else now
    session[SIGNED_IN_AT] = session[SEEN_AT] = now
    session.permanent = True


def _timed_out(now: float) -> bool:
    config = settings()
    signed_in, seen = session.get(SIGNED_IN_AT), session.get(SEEN_AT)
    if not isinstance(signed_in, int | float) or not isinstance(seen, int | float):
        return True
    return (now - signed_in > config.session_hours * 3600
            or now - seen > config.idle_minutes * 60)


def load_account(user_id: str):
    """Flask-Login's user loader (bound by the factory): the signed-in account, or None."""
    raw_id, _, raw_version = (user_id or "").partition(".")
    try:
        account_id, version = int(raw_id), int(raw_version)
    except ValueError:
        return None
    now = time.time()
    if _timed_out(now):
        return None
    account = db().get(Account, account_id)
    if account is None or not account.active or account.session_version != version:
        return None
    session[SEEN_AT] = now
    return SignedInAccount(account)
