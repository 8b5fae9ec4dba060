"""Password rules and single-use links (finder.directory.passwords, finder.directory.links),
and `finder invite`, printed or mailed through a real SMTP server on loopback."""
import subprocess
import sys
from datetime import timedelta

import pytest
from sqlmodel import select

from finder.directory import accounts, links
from finder.directory.models import AccountLink, utcnow
from finder.directory.passwords import password_problem
from finder.directory.service import create_center
from tests.conftest import center_data
from tests.web.staff_kit import link_in, smtp_server

STRONG = "plum orchard quietly hums"


@pytest.mark.parametrize("password, problem", [
    ("password1234", "too easy to guess"),
    ("aaaaaaaaaaaa", "too easy to guess"),
    ("qwertyuiop12", "too easy to guess"),
    ("editor@example.org", "must not contain your email"),
    ("my editor password", "must not contain your email"),
    (" " * 12, "only spaces"),
    ("\t\n  \t  \n   ", "only spaces"),
    ("", "only spaces"),
    ("short words", "at least 12"),
    ("x" * 257, "at most 256"),
    (STRONG, None),
    ("Tr0ub4dour&3xyz", None),
])
def test_password_rules(password, problem):
    found = password_problem(password, "Editor@example.org")
    assert (found is None) if problem is None else (problem in found)


def test_no_password_hash_is_computed_at_import():
    code = ("import time; t = time.perf_counter(); import finder.directory.accounts as a; "
            "print(a._dummy_hash.cache_info().currsize)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0"


@pytest.fixture
def invited(db):
    """An invitation on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set."""
    center = create_center(db, center_data(), actor="test")
    return links.invite(db, "new@example.org", center_id=center.id, actor="admin@x.org")


def test_an_invited_account_cannot_sign_in_until_it_chooses_a_password(db, invited):
    account, plain = invited
    assert accounts.authenticate(db, "new@example.org", "") is None
    stored = db.exec(select(AccountLink)).one()
    assert plain not in stored.token_hash and len(stored.token_hash) == 64
    assert stored.expires_at - stored.created_at == timedelta(days=7)
    links.redeem(db, plain, STRONG)
    assert accounts.authenticate(db, "new@example.org", STRONG).id == account.id
    with pytest.raises(links.LinkError):
        links.redeem(db, plain, STRONG + " again")  # single use


def test_a_weak_password_leaves_the_link_usable(db, invited):
    _, plain = invited
    with pytest.raises(accounts.AccountError):
        links.redeem(db, plain, "password1234")
    db.rollback()
    assert links.redeem(db, plain, STRONG).email == "new@example.org"


def test_a_link_expires_after_seven_days(db, invited):
    _, plain = invited
    with pytest.raises(links.LinkError):
        links.open_link(db, plain, now=utcnow() + timedelta(days=7, seconds=1))
    assert links.open_link(db, plain, now=utcnow() + timedelta(days=6, hours=23))


def test_a_newer_link_replaces_the_older_and_deactivation_kills_both(db, invited):
    account, first = invited
    second = links.issue_link(db, account, "invite", actor="admin@x.org")
    with pytest.raises(links.LinkError):
        links.open_link(db, first)
    assert links.open_link(db, second)
    accounts.set_active(db, account, False, actor="admin@x.org")
    with pytest.raises(links.LinkError):
        links.open_link(db, second)


def test_pending_invitations_lists_only_unaccepted(db, invited):
    account, plain = invited
    assert [a.email for _, a in links.pending_invitations(db)] == ["new@example.org"]
    links.redeem(db, plain, STRONG)
    assert links.pending_invitations(db) == []


@pytest.mark.parametrize("token", ["", "x", "a" * 43, "a" * 5000])
def test_unknown_links_open_nothing(db, invited, token):
    with pytest.raises(links.LinkError):
        links.open_link(db, token)


def test_invite_command_prints_the_link_without_mail(app, session, make_center, client):
    center = make_center()
    result = app.test_cli_runner().invoke(args=["finder", "invite", "--center", str(center.id),
                                                "New@Example.org"])
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:5000/manage/link/" in result.output
    assert client.get(link_in(result.output)).status_code == 200


def test_invite_command_mails_the_link_through_smtp(app_factory, session, make_center):
    center = make_center()
    with smtp_server() as (url, inbox):
        app = app_factory(smtp_url=url, public_url="https://finder.example.org")
        result = app.test_cli_runner().invoke(
            args=["finder", "invite", "--center", str(center.id), "new@example.org"])
    assert result.exit_code == 0 and "sent by email" in result.output
    assert "/manage/link/" not in result.output
    (message,) = inbox.messages
    assert message["To"] == "new@example.org" and "invited" in message["Subject"]
    body = message.get_content()
    assert "https://finder.example.org/manage/link/" in body and "7 days" in body
    assert app.test_client().get(link_in(body)).status_code == 200


def test_invite_command_refuses_a_taken_email(app, session, make_center):
    center = make_center()
    runner = app.test_cli_runner()
    runner.invoke(args=["finder", "invite", "--center", str(center.id), "a@example.org"])
    again = runner.invoke(args=["finder", "invite", "--admin", "a@example.org"])
    assert again.exit_code == 1 and "already exists" in again.output


def test_a_reset_before_accepting_the_invitation_settles_both(db, invited):
    account, invitation = invited
    reset = links.issue_link(db, account, "reset", actor="self-service:new@example.org")
    links.redeem(db, reset, STRONG)
    assert links.pending_invitations(db) == []
    with pytest.raises(links.LinkError):
        links.open_link(db, invitation)
