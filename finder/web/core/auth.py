"""Who is signed in: Flask-Login's view of an Account."""
from flask_login import UserMixin

from finder.directory import accounts
from finder.directory.models import Account
from finder.web.core.context import db


class SignedInAccount(UserMixin):
    def __init__(self, account: Account):
        self.account = account
        self.id = str(account.id)

    @property
    def is_admin(self) -> bool:
        return self.account.role == "admin"

    def may_edit(self, center_id: int) -> bool:
        return accounts.may_edit(self.account, center_id)


def load_account(account_id: str):
    """Flask-Login's user loader (bound by the factory): the signed-in account, or None."""
    try:
        account = db().get(Account, int(account_id))
    except (TypeError, ValueError):
        return None
    return SignedInAccount(account) if account is not None and account.active else None
