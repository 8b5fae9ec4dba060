"""Single-use links that let a person set their password: an invitation to a new account, or
a password reset. Only the link's sha256 is stored, so the database cannot hand one out; a
link works once, for 7 days, and a newer link of the same kind replaces an older one."""
import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from finder.directory import accounts
from finder.directory.models import Account, AccountLink, utcnow

LINK_LIFETIME = timedelta(days=7)
PURPOSES = ("invite", "reset")


class LinkError(LookupError):
    """The link is unknown, used, expired, or its account is switched off."""


def _digest(plain: str) -> str:
    return hashlib.sha256(plain.encode("utf-8")).hexdigest()


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def issue_link(session: Session, account: Account, purpose: str, *, actor: str,
               now: datetime | None = None, commit: bool = True) -> str:
    """A new link's secret (to put in a URL, shown or mailed once); older unused ones die."""
    if purpose not in PURPOSES:
        raise ValueError(purpose)
    now = now or utcnow()
    for older in _open_links(session, account.id, purpose):
        older.used_at = now
        session.add(older)
    plain = secrets.token_urlsafe(32)
    session.add(AccountLink(account_id=account.id, purpose=purpose, token_hash=_digest(plain),
                            created_by=actor, created_at=now, expires_at=now + LINK_LIFETIME))
    accounts._audit_account(session, account, f"{purpose}_link", actor)
    if commit:
        session.commit()
    return plain


def _open_links(session, account_id, purpose):
    return session.exec(select(AccountLink).where(
        AccountLink.account_id == account_id, AccountLink.purpose == purpose,
        AccountLink.used_at.is_(None))).all()


def invite(session: Session, email: str, *, center_id: int | None, actor: str,
           role: str = "center_editor", now: datetime | None = None) -> tuple[Account, str]:
    """A new account nobody can sign in to yet, and the invitation link that opens it."""
    account = accounts.create_account(session, email, None, role=role, center_id=center_id,
                                      actor=actor, commit=False)
    plain = issue_link(session, account, "invite", actor=actor, now=now)
    session.refresh(account)
    return account, plain


def open_link(session: Session, plain: str, *, now: datetime | None = None) -> tuple[AccountLink, Account]:
    """The live link and its active account; LinkError otherwise."""
    if not plain or len(plain) > 100:
        raise LinkError(plain)
    link = session.exec(select(AccountLink).where(AccountLink.token_hash == _digest(plain))).first()
    if link is None or link.used_at is not None or _aware(link.expires_at) <= (now or utcnow()):
        raise LinkError(plain)
    account = session.get(Account, link.account_id)
    if account is None or not account.active:
        raise LinkError(plain)
    return link, account


def redeem(session: Session, plain: str, password: str, *, now: datetime | None = None) -> Account:
    """Set the password through the link and spend it; AccountError for a weak password
    (the link then stays usable), LinkError for a dead link."""
    link, account = open_link(session, plain, now=now)
    accounts.set_password(session, account, password, actor=account.email, commit=False)
    for spent in (link, *_open_links(session, account.id, "invite"),
                  *_open_links(session, account.id, "reset")):  # a chosen password ends them all
        spent.used_at = now or utcnow()
        session.add(spent)
    session.commit()
    return account


def pending_invitations(session: Session) -> list[tuple[AccountLink, Account]]:
    """Invitations sent but not yet accepted (expired ones too: `is_expired` tells), newest
    first."""
    rows = session.exec(select(AccountLink, Account)
                        .join(Account, Account.id == AccountLink.account_id)
                        .where(AccountLink.purpose == "invite", AccountLink.used_at.is_(None))
                        .order_by(AccountLink.created_at.desc())).all()
    return [(link, account) for link, account in rows]


def is_expired(link: AccountLink, now: datetime | None = None) -> bool:
    return _aware(link.expires_at) <= (now or utcnow())
