"""Staff accounts and API tokens: who may change which listing.

Passwords are kept only as scrypt hashes and tokens only as sha256 digests, so neither can be
read back from the database; a token is shown once, when it is made. Account and token changes
are audited in the same transaction, like listing changes.
"""
import hashlib
import secrets
from functools import cache

from sqlmodel import Session, select
from werkzeug.security import check_password_hash, generate_password_hash

from finder.directory.models import EMAIL, Account, ApiToken, AuditEntry, Center, utcnow
from finder.directory.passwords import password_problem

ROLES = ("admin", "center_editor")
TOKEN_PREFIX = "dsf_"  # noqa: S105 (a public marker that makes leaked tokens recognisable)


@cache
def _dummy_hash() -> str:
    """Checked when the email is unknown, so a miss takes as long as a wrong password; made on
    first use, not at import (scrypt costs ~100 ms)."""
    return generate_password_hash(secrets.token_urlsafe(16), method="scrypt")


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


class AccountError(ValueError):
    """The account cannot be made as asked; `errors` maps field name to a message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def generate_password() -> str:
    """A one-time password of 20 URL-safe characters (about 120 bits)."""
    return secrets.token_urlsafe(15)


def _check_new_account(session, email, password, role, center_id) -> dict[str, str]:
    errors = {}
    if not EMAIL.match(email):
        errors["email"] = "must be an email address such as editor@hospital.org"
    elif session.exec(select(Account).where(Account.email == email)).first():
        errors["email"] = "an account with this email already exists"
    if password is not None and (problem := password_problem(password, email)):
        errors["password"] = problem
    if role not in ROLES:
        errors["role"] = f"must be one of {', '.join(ROLES)}"
    elif role == "center_editor" and (center_id is None or session.get(Center, center_id) is None):
        errors["center_id"] = "a center editor needs an existing center"
    elif role == "admin" and center_id is not None:
        errors["center_id"] = "an admin is not bound to one center"
    return errors


def create_account(session: Session, email: str, password: str | None, *, role: str,
                   center_id: int | None = None, actor: str, one_time: bool = False,
                   commit: bool = True) -> Account:
    """A new account with a hashed password; raises AccountError naming each bad field.

    `password=None` makes an account nobody can sign in to until its invitation is accepted;
    `one_time` marks a generated password that must be changed at the first sign-in.
    """
    email = normalise_email(email)
    errors = _check_new_account(session, email, password, role, center_id)
    if errors:
        raise AccountError(errors)
    account = Account(email=email, role=role, center_id=center_id, must_change_password=one_time,
                      password_hash=hash_password(password or secrets.token_urlsafe(32)))
    session.add(account)
    session.add(AuditEntry(center_id=center_id, action="create_account", actor=actor,
                           changes={"account": [None, email], "role": [None, role]}))
    if commit:
        session.commit()
        session.refresh(account)
    else:
        session.flush()
    return account


def _audit_account(session, account: Account, action: str, actor: str, changes=None) -> None:
    session.add(AuditEntry(center_id=account.center_id, action=action, actor=actor,
                           changes={"account": [account.email, account.email]} | (changes or {})))


def set_password(session: Session, account: Account, password: str, *, actor: str,
                 commit: bool = True) -> None:
    """A new password that meets the rules; ends every session the account had."""
    problem = password_problem(password, account.email)
    if problem:
        raise AccountError({"password": problem})
    account.password_hash = hash_password(password)
    account.must_change_password = False
    account.session_version += 1
    session.add(account)
    _audit_account(session, account, "set_password", actor)
    if commit:
        session.commit()


def change_password(session: Session, account: Account, current: str, new: str) -> None:
    """The signed-in person's own change: the current password first, then the new one's rules."""
    if not check_password_hash(account.password_hash, current or ""):
        raise AccountError({"current_password": "is not your current password"})
    if new == current:
        raise AccountError({"password": "must differ from the current password"})
    set_password(session, account, new, actor=account.email)


def end_sessions(session: Session, account: Account, *, actor: str | None = None) -> None:
    """Sign the account out everywhere: every session cookie it was given stops working.
    Audited when someone else (an admin) does it."""
    account.session_version += 1
    session.add(account)
    if actor:
        _audit_account(session, account, "end_sessions", actor)
    session.commit()


def set_active(session: Session, account: Account, active: bool, *, actor: str) -> None:
    """Deactivate (sessions and API tokens stop at once) or reactivate an account."""
    if account.active == active:
        return
    account.active = active
    account.session_version += 1
    session.add(account)
    _audit_account(session, account, "reactivate" if active else "deactivate", actor,
                   {"active": [not active, active]})
    session.commit()


def authenticate(session: Session, email: str, password: str) -> Account | None:
    """The active account with this email and password, else None (same cost either way)."""
    account = session.exec(select(Account).where(Account.email == normalise_email(email))).first()
    if account is None or not account.active:
        check_password_hash(_dummy_hash(), password or "")
        return None
    return account if check_password_hash(account.password_hash, password or "") else None


def list_accounts(session: Session) -> list[Account]:
    return list(session.exec(select(Account).order_by(Account.role, Account.email)).all())


def _digest(plain: str) -> str:
    return hashlib.sha256(plain.encode("utf-8")).hexdigest()


def create_token(session: Session, account: Account, label: str) -> tuple[str, ApiToken]:
    """A new API token: (the plain token, to show once; its stored row, holding only a hash)."""
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(account_id=account.id, token_hash=_digest(plain),
                     label=(label or "").strip()[:100])
    session.add(token)
    session.add(AuditEntry(center_id=account.center_id, action="create_token", actor=account.email,
                           changes={"token": [None, token.label or "(no label)"]}))
    session.commit()
    session.refresh(token)
    return plain, token


def tokens_for(session: Session, account: Account) -> list[ApiToken]:
    query = select(ApiToken).where(ApiToken.account_id == account.id)
    return list(session.exec(query.order_by(ApiToken.created_at.desc(), ApiToken.id.desc())).all())


def revoke_token(session: Session, account: Account, token_id: int) -> ApiToken:
    """Revoke one of the account's own tokens; LookupError when it has no such token."""
    token = session.get(ApiToken, token_id)
    if token is None or token.account_id != account.id:
        raise LookupError(token_id)
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.add(AuditEntry(center_id=account.center_id, action="revoke_token",
                               actor=account.email,
                               changes={"token": [token.label or "(no label)", None]}))
        session.commit()
    return token


def account_for_token(session: Session, plain: str) -> Account | None:
    """The active account behind a live token, else None (unknown, revoked or malformed)."""
    if not plain or not plain.startswith(TOKEN_PREFIX) or len(plain) > 200:
        return None
    token = session.exec(select(ApiToken).where(ApiToken.token_hash == _digest(plain))).first()
    if token is None or token.revoked_at is not None:
        return None
    account = session.get(Account, token.account_id)
    return account if account is not None and account.active else None


def may_edit(account: Account, center_id: int) -> bool:
    """Admins edit every listing; a center editor only its own."""
    return account.role == "admin" or account.center_id == center_id
