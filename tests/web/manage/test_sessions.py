"""Sessions end on the server: sign-out, password change, deactivation, "sign out everywhere"
and the idle and absolute timeouts all make an old cookie sign nobody in."""
import re
import time

import pytest

from finder.directory import accounts
from finder.web.core.auth import SEEN_AT, SIGNED_IN_AT
from tests.web.staff_kit import PASSWORD, csrf_token, login, make_account

NEW_PASSWORD = "velvet lantern crosses rivers"


@pytest.fixture
def center(make_center):
    return make_center()


@pytest.fixture
def editor(client, session, center):
    make_account(session, "editor@example.org", center_id=center.id)
    assert login(client, "editor@example.org").status_code == 302
    return client


def signed_in(client) -> bool:
    return client.get("/manage/").status_code == 200


def replay(client, cookie: str) -> int:
    client.set_cookie("session", cookie)
    return client.get("/manage/").status_code


def test_a_cookie_replayed_after_sign_out_meets_the_sign_in_page(editor, center):
    saved = editor.get_cookie("session").value
    editor.post("/manage/logout", data={"csrf_token": csrf_token(editor, "/manage/")})
    assert not signed_in(editor)
    editor.set_cookie("session", saved)
    response = editor.get(f"/manage/centers/{center.id}/edit")
    assert response.status_code == 302 and "/manage/login" in response.headers["Location"]
    token = csrf_token(editor, "/manage/login")  # nor can it confirm the listing
    verify = editor.post(f"/manage/centers/{center.id}/verify",
                         data={"csrf_token": token, "version": str(center.version)})
    assert verify.status_code == 302 and "/manage/login" in verify.headers["Location"]


def test_changing_the_password_ends_other_sessions_but_not_this_one(app, editor, session):
    other = app.test_client()
    assert login(other, "editor@example.org").status_code == 302
    page = "/manage/password"
    response = editor.post(page, data={"csrf_token": csrf_token(editor, page),
                                       "current_password": PASSWORD, "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert signed_in(editor) and not signed_in(other)
    assert login(other, "editor@example.org", NEW_PASSWORD).status_code == 302


@pytest.mark.parametrize("current, new, message", [
    ("wrong current password", NEW_PASSWORD, "is not your current password"),
    (PASSWORD, "password1234", "too easy to guess"),
    (PASSWORD, " " * 14, "only spaces"),
    (PASSWORD, "short", "at least 12"),
    (PASSWORD, "editor@example.org!!", "must not contain your email"),
])
def test_change_password_refuses_with_a_message(editor, current, new, message):
    page = "/manage/password"
    response = editor.post(page, data={"csrf_token": csrf_token(editor, page),
                                       "current_password": current, "password": new})
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert signed_in(editor)


def _admin_acts(app, session, path, **data):
    make_account(session, "admin@example.org", admin=True)
    admin = app.test_client()
    login(admin, "admin@example.org")
    token = csrf_token(admin, "/manage/accounts")
    return admin.post(path, data={"csrf_token": token, **data})


def test_admin_signs_an_account_out_everywhere(app, editor, session):
    target = accounts.list_accounts(session)[0]
    response = _admin_acts(app, session, f"/manage/accounts/{target.id}/sign-out")
    assert response.status_code == 302 and not signed_in(editor)
    assert login(editor, "editor@example.org").status_code == 302  # the password still works


def test_deactivation_stops_sessions_and_a_token_mid_use(app, editor, session, center):
    account = accounts.list_accounts(session)[0]
    plain, _ = accounts.create_token(session, account, "cms")
    headers = {"Authorization": f"Bearer {plain}"}
    api = app.test_client()
    assert api.patch(f"/api/centers/{center.id}", json={"version": 1, "wait_weeks": 3},
                     headers=headers).status_code == 200
    response = _admin_acts(app, session, f"/manage/accounts/{account.id}/active", active="0")
    assert response.status_code == 302
    assert api.patch(f"/api/centers/{center.id}", json={"version": 2, "wait_weeks": 4},
                     headers=headers).status_code == 401
    assert not signed_in(editor)
    assert login(editor, "editor@example.org").status_code == 401
    _admin = app.test_client()
    login(_admin, "admin@example.org")
    _admin.post(f"/manage/accounts/{account.id}/active",
                data={"csrf_token": csrf_token(_admin, "/manage/accounts"), "active": "1"})
    assert login(editor, "editor@example.org").status_code == 302
    assert api.patch(f"/api/centers/{center.id}", json={"version": 2, "wait_weeks": 4},
                     headers=headers).status_code == 200


@pytest.mark.parametrize("stamp, seconds_ago, minutes_idle, alive", [
    (SEEN_AT, 29 * 60, 30, True),
    (SEEN_AT, 31 * 60, 30, False),
    (SEEN_AT, 6 * 60, 5, False),  # the idle limit is a setting
    (SIGNED_IN_AT, 12 * 3600 - 60, 30, True),
    (SIGNED_IN_AT, 12 * 3600 + 60, 30, False),
])
def test_idle_and_absolute_timeouts(app_factory, session, center, stamp, seconds_ago,
                                    minutes_idle, alive):
    client = app_factory(idle_minutes=minutes_idle).test_client()
    make_account(session, "editor@example.org", center_id=center.id)
    login(client, "editor@example.org")
    with client.session_transaction() as cookie:
        cookie[stamp] = time.time() - seconds_ago
    assert signed_in(client) is alive


def test_a_one_time_password_must_be_changed_before_anything_else(client, session, center):
    one_time = accounts.generate_password()
    accounts.create_account(session, "new@example.org", one_time, role="center_editor",
                            center_id=center.id, actor="test", one_time=True)
    response = login(client, "new@example.org", one_time)
    assert response.headers["Location"] == "/manage/password"
    edit = client.get(f"/manage/centers/{center.id}/edit")
    assert edit.status_code == 302 and edit.headers["Location"] == "/manage/password"
    page = "/manage/password"
    client.post(page, data={"csrf_token": csrf_token(client, page),
                            "current_password": one_time, "password": NEW_PASSWORD})
    assert client.get(f"/manage/centers/{center.id}/edit").status_code == 200


def test_forgot_password_without_mail_sends_people_to_the_admin(client):
    page = client.get("/manage/forgot").get_data(as_text=True)
    assert "Ask the directory's administrator" in page and "<form" not in re.sub(
        r'<form method="post" action="/manage/logout".*?</form>', "", page, flags=re.S)


def test_forgotten_password_is_reset_through_a_mailed_link(app_factory, session, center):
    from tests.web.staff_kit import link_in, smtp_server

    make_account(session, "editor@example.org", center_id=center.id)
    with smtp_server() as (url, inbox):
        client = app_factory(smtp_url=url, public_url="https://finder.example.org").test_client()
        for email in ("Editor@example.org", "nobody@example.org"):
            answer = client.post("/manage/forgot", data={
                "csrf_token": csrf_token(client, "/manage/forgot"), "email": email})
            assert "If an account uses that address" in answer.get_data(as_text=True)
    (message,) = inbox.messages  # none for the unknown address, and the page said the same
    assert message["To"] == "editor@example.org"
    assert "https://finder.example.org/manage/link/" in message.get_content()  # FINDER_PUBLIC_URL
    link = link_in(message.get_content())
    done = client.post(link, data={"csrf_token": csrf_token(client, link), "password": NEW_PASSWORD})
    assert done.status_code == 302 and signed_in(client)
    other = client.application.test_client()
    assert login(other, "editor@example.org").status_code == 401
    assert login(other, "editor@example.org", NEW_PASSWORD).status_code == 302


def test_admin_reset_link_is_shown_when_there_is_no_mail(app, editor, session):
    target = accounts.list_accounts(session)[0]
    response = _admin_acts(app, session, f"/manage/accounts/{target.id}/reset")
    page = response.get_data(as_text=True)
    assert "Pass this password reset link to editor@example.org" in page
    link = re.search(r"http://127.0.0.1:5000(/manage/link/[A-Za-z0-9_-]+)", page).group(1)
    stranger = app.test_client()
    stranger.post(link, data={"csrf_token": csrf_token(stranger, link), "password": NEW_PASSWORD})
    assert not signed_in(editor)  # setting a password ends the account's other sessions
    assert login(stranger, "editor@example.org", NEW_PASSWORD).status_code == 302


def test_an_editor_cannot_reach_the_account_actions(editor, session):
    target = accounts.list_accounts(session)[0]
    token = csrf_token(editor, "/manage/")
    for action in ("reset", "sign-out", "active"):
        assert editor.post(f"/manage/accounts/{target.id}/{action}",
                           data={"csrf_token": token}).status_code == 403


def test_a_link_is_built_on_the_public_url_whatever_host_the_request_names(app_factory):
    from finder.web.manage.mailing import link_url

    app = app_factory(public_url="https://finder.example.org")
    with app.test_request_context("/manage/forgot", headers={"Host": "evil.example"}):
        assert link_url("abc") == "https://finder.example.org/manage/link/abc"
