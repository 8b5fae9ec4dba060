"""Accounts and API tokens (finder.directory.accounts), their commands, and what never gets stored."""
import hashlib
import logging

import pytest
from sqlalchemy import text
from sqlmodel import SQLModel, select

from finder.directory import accounts
from finder.directory.models import Account, ApiToken, AuditEntry
from finder.directory.passwords import MIN_LENGTH
from tests.web.staff_kit import PASSWORD, csrf_token, login


@pytest.fixture
def center(make_center):
    return make_center()


def test_account_keeps_only_an_scrypt_hash(session, center):
    account = accounts.create_account(session, " Editor@Example.ORG ", PASSWORD,
                                      role="center_editor", center_id=center.id, actor="test")
    assert account.email == "editor@example.org"
    assert account.password_hash.startswith("scrypt:") and PASSWORD not in account.password_hash
    entry = session.exec(select(AuditEntry).where(AuditEntry.action == "create_account")).one()
    assert (entry.center_id, entry.actor, entry.changes["account"]) == (
        center.id, "test", [None, "editor@example.org"])


@pytest.mark.parametrize("email, password, role, center_id, field", [
    ("not-an-email", PASSWORD, "admin", None, "email"),
    ("a@example.org", "elevenchars", "admin", None, "password"),
    ("a@example.org", PASSWORD, "owner", None, "role"),
    ("a@example.org", PASSWORD, "center_editor", None, "center_id"),
    ("a@example.org", PASSWORD, "center_editor", 999, "center_id"),
    ("a@example.org", PASSWORD, "admin", "CENTER", "center_id"),
])
def test_bad_account_is_refused_naming_the_field(session, center, email, password, role,
                                                 center_id, field):
    center_id = center.id if center_id == "CENTER" else center_id
    with pytest.raises(accounts.AccountError) as refused:
        accounts.create_account(session, email, password, role=role, center_id=center_id,
                                actor="test")
    assert field in refused.value.errors
    assert session.exec(select(Account)).all() == []


def test_email_can_hold_only_one_account(session):
    accounts.create_account(session, "a@example.org", PASSWORD, role="admin", actor="test")
    with pytest.raises(accounts.AccountError, match="already exists"):
        accounts.create_account(session, "A@example.org", PASSWORD, role="admin", actor="test")


@pytest.mark.parametrize("email, password, found", [
    ("admin@example.org", PASSWORD, True),
    ("ADMIN@example.org ", PASSWORD, True),
    ("admin@example.org", PASSWORD + "x", False),
    ("admin@example.org", "", False),
    ("nobody@example.org", PASSWORD, False),
])
def test_authenticate(session, email, password, found):
    accounts.create_account(session, "admin@example.org", PASSWORD, role="admin", actor="test")
    assert (accounts.authenticate(session, email, password) is not None) is found


def test_inactive_account_cannot_sign_in_or_use_its_tokens(session):
    account = accounts.create_account(session, "a@example.org", PASSWORD, role="admin",
                                      actor="test")
    plain, _ = accounts.create_token(session, account, "cms")
    account.active = False
    session.add(account)
    session.commit()
    assert accounts.authenticate(session, "a@example.org", PASSWORD) is None
    assert accounts.account_for_token(session, plain) is None


def test_token_is_shown_once_and_stored_as_its_sha256(session, center):
    account = accounts.create_account(session, "e@example.org", PASSWORD, role="center_editor",
                                      center_id=center.id, actor="test")
    plain, token = accounts.create_token(session, account, "hospital CMS")
    assert plain.startswith("dsf_") and len(plain) > 40
    assert token.token_hash == hashlib.sha256(plain.encode()).hexdigest()
    assert accounts.account_for_token(session, plain).id == account.id
    assert [e.action for e in session.exec(select(AuditEntry)).all()] == [
        "create", "create_account", "create_token"]


@pytest.mark.parametrize("presented", ["", "dsf_", "dsf_wrong", "not-prefixed", "dsf_" + "x" * 300])
def test_unknown_tokens_find_no_account(session, presented):
    account = accounts.create_account(session, "a@example.org", PASSWORD, role="admin",
                                      actor="test")
    accounts.create_token(session, account, "cms")
    assert accounts.account_for_token(session, presented) is None


def test_revoked_token_finds_no_account(session):
    account = accounts.create_account(session, "a@example.org", PASSWORD, role="admin",
                                      actor="test")
    plain, token = accounts.create_token(session, account, "cms")
    accounts.revoke_token(session, account, token.id)
    assert accounts.account_for_token(session, plain) is None
    assert session.exec(select(AuditEntry).where(AuditEntry.action == "revoke_token")).one()


def test_nobody_revokes_another_accounts_token(session):
    owner = accounts.create_account(session, "a@example.org", PASSWORD, role="admin", actor="t")
    other = accounts.create_account(session, "b@example.org", PASSWORD, role="admin", actor="t")
    plain, token = accounts.create_token(session, owner, "cms")
    with pytest.raises(LookupError):
        accounts.revoke_token(session, other, token.id)
    assert accounts.account_for_token(session, plain) is not None


@pytest.mark.parametrize("role, center_offset, allowed", [
    ("admin", None, True), ("center_editor", 0, True), ("center_editor", 1, False),
])
def test_who_may_edit_which_center(role, center_offset, allowed):
    account = Account(email="x@example.org", password_hash="-", role=role,
                      center_id=None if center_offset is None else 5 + center_offset)
    assert accounts.may_edit(account, 5) is allowed


# --- commands --------------------------------------------------------------------------

def test_create_account_command_reads_the_password_from_stdin(app, session, center):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["finder", "create-account", "ed@example.org", "--center",
                                 str(center.id), "--password-stdin"], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
    assert accounts.authenticate(session, "ed@example.org", PASSWORD).center_id == center.id


def test_create_account_command_prints_a_one_time_password_once(app, session):
    result = app.test_cli_runner().invoke(args=["finder", "create-account", "a@example.org",
                                                "--admin"])
    assert result.exit_code == 0, result.output
    password = result.output.split("first sign-in): ")[1].strip()
    assert len(password) >= MIN_LENGTH
    account = accounts.authenticate(session, "a@example.org", password)
    assert account.role == "admin" and account.must_change_password


@pytest.mark.parametrize("args, message", [
    (["x@example.org"], "exactly one of"),
    (["x@example.org", "--admin", "--center", "1"], "exactly one of"),
    (["x@example.org", "--center", "999"], "needs an existing center"),
])
def test_create_account_command_refuses_bad_requests(app, args, message):
    result = app.test_cli_runner().invoke(args=["finder", "create-account", *args])
    assert result.exit_code != 0 and message in result.output


def test_audit_command_prints_a_centers_history(app, session, center):
    from finder.directory import service as directory
    directory.update_center(session, center.id, {"phone": "+61 7 3333 4444"},
                            expected_version=1, actor="editor@example.org")
    result = app.test_cli_runner().invoke(args=["finder", "audit", "--center", str(center.id)])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert "update  by editor@example.org" in lines[0]
    assert "phone: '+61 7 3000 0000' -> '+61 7 3333 4444'" in lines[1]
    assert any("create  by test" in line for line in lines)


# --- no secret in clear, anywhere ------------------------------------------------------

def test_no_password_or_token_in_the_database_or_the_logs(app, client, session, center, caplog):
    caplog.set_level(logging.DEBUG)
    editor_password = "editor password 0123"
    app.test_cli_runner().invoke(args=["finder", "create-account", "ed@example.org", "--center",
                                       str(center.id), "--password-stdin"],
                                 input=editor_password + "\n")
    login(client, "ed@example.org", "a wrong password attempt")
    assert login(client, "ed@example.org", editor_password).status_code == 302
    page = client.post("/manage/tokens", data={"csrf_token": csrf_token(client, "/manage/tokens"),
                                               "label": "cms"}).get_data(as_text=True)
    token = page.split('id="new-token" type="text" readonly value="')[1].split('"')[0]
    assert client.patch(f"/api/centers/{center.id}", json={"version": 1, "wait_weeks": 2},
                        headers={"Authorization": f"Bearer {token}"}).status_code == 200
    secrets = [editor_password, "a wrong password attempt", token, token.removeprefix("dsf_")]

    dump = []
    for table in SQLModel.metadata.sorted_tables:
        dump += [repr(tuple(row)) for row in session.execute(text(f"SELECT * FROM {table.name}"))]
    dumped = "\n".join(dump)
    assert "ed@example.org" in dumped  # the dump did read the accounts table
    assert session.exec(select(ApiToken)).one().token_hash in dumped
    for secret in secrets:
        assert secret not in dumped
        assert secret not in caplog.text
