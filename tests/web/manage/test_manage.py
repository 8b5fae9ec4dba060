"""Staff pages under /manage and the public "list your center" form, through the test client."""
import os
import threading

import pytest
from sqlmodel import select

from finder.directory.models import AuditEntry, Center
from finder.web.core.extensions import limiter
from finder.web.manage import listings
from tests.conftest import center_data
from tests.web.staff_kit import (
    PASSWORD,
    TOOWOOMBA,
    FakeGeocoder,
    csrf_token,
    edit_form,
    form_fields,
    login,
    make_account,
)

REDIS_URL = os.environ.get("TEST_REDIS_URL")


@pytest.fixture
def two_centers(make_center):
    ours = make_center(name="Our Allergy Service")
    theirs = make_center(name="Their Allergy Service", locality="Sydney", region="NSW")
    return ours, theirs


@pytest.fixture
def editor(client, session, two_centers):
    """A client signed in as the editor of the first center."""
    make_account(session, "editor@example.org", center_id=two_centers[0].id)
    assert login(client, "editor@example.org").status_code == 302
    return client


@pytest.fixture
def admin(client, session):
    make_account(session, "admin@example.org", admin=True)
    assert login(client, "admin@example.org").status_code == 302
    return client


@pytest.fixture
def geocoded(monkeypatch):
    fake = FakeGeocoder(TOOWOOMBA)
    monkeypatch.setattr(listings, "address_geocoder", lambda: fake)
    return fake


def save(client, center_id, **changes):
    data = edit_form(client, center_id) | changes
    return client.post(f"/manage/centers/{center_id}/edit", data=data)


# --- signing in ------------------------------------------------------------------------

def test_anonymous_visitor_is_sent_to_sign_in(client, make_center):
    center = make_center()
    response = client.get(f"/manage/centers/{center.id}/edit")
    assert response.status_code == 302
    assert "/manage/login" in response.headers["Location"]


def test_wrong_password_answers_401_with_a_message(client, session):
    make_account(session, "editor@example.org", admin=True)
    response = login(client, "editor@example.org", "not the password at all")
    assert response.status_code == 401
    assert "do not match an account" in response.get_data(as_text=True)
    assert client.get("/manage/").status_code == 302  # still signed out


def test_sign_in_then_out(client, session):
    make_account(session, "admin@example.org", admin=True)
    assert login(client, "admin@example.org").headers["Location"] == "/manage/"
    assert client.get("/manage/").status_code == 200
    token = csrf_token(client, "/manage/")
    assert client.post("/manage/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/manage/").status_code == 302


@pytest.mark.parametrize("target, expected", [
    ("/manage/tokens", "/manage/tokens"),
    ("https://evil.example/", "/manage/"),
    ("//evil.example/", "/manage/"),
    ("/\\evil.example/", "/manage/"),
    ("/\r\nSet-Cookie:x=1", "/manage/"),  # header injection: refused, not a 500
])
def test_sign_in_follows_only_local_next(client, session, target, expected):
    make_account(session, "admin@example.org", admin=True)
    token = csrf_token(client, "/manage/login")
    response = client.post("/manage/login", query_string={"next": target},
                           data={"email": "admin@example.org", "password": PASSWORD,
                                 "csrf_token": token})
    assert response.headers["Location"] == expected


STORAGES = ["memory://", pytest.param(REDIS_URL, marks=pytest.mark.skipif(
    not REDIS_URL, reason="TEST_REDIS_URL not set"), id="redis")]


@pytest.fixture(params=STORAGES, ids=lambda p: "memory" if p == "memory://" else "redis")
def throttled_app(request, app_factory):
    app = app_factory(ratelimit_storage_uri=request.param)
    with app.app_context():
        limiter.reset()
    yield app
    with app.app_context():
        limiter.reset()


def _wrong(client, email, address):
    client.environ_base["REMOTE_ADDR"] = address
    return login(client, email, "wrong password, long enough").status_code


def test_sixth_wrong_password_for_an_account_gets_429_from_any_address(throttled_app):
    client = throttled_app.test_client()
    codes = [_wrong(client, "editor@example.org", f"10.0.0.{i}") for i in range(6)]
    assert codes == [401] * 5 + [429]


def test_sixth_wrong_password_from_an_address_gets_429_for_any_account(throttled_app):
    client = throttled_app.test_client()
    codes = [_wrong(client, f"editor{i}@example.org", "10.0.0.9") for i in range(6)]
    assert codes == [401] * 5 + [429]


def test_successful_sign_ins_are_not_counted(throttled_app):
    from finder.db import open_session
    with open_session(throttled_app.extensions["finder.engine"]) as session:
        make_account(session, "admin@example.org", admin=True)
    client = throttled_app.test_client()
    codes = [login(client, "admin@example.org").status_code for _ in range(7)]
    assert codes == [302] * 7


# --- CSRF and permissions --------------------------------------------------------------

def test_form_posts_without_csrf_token_get_400(client, session, editor, two_centers):
    ours = two_centers[0]
    data = edit_form(client, ours.id)
    data.pop("csrf_token")
    assert client.post(f"/manage/centers/{ours.id}/edit", data=data).status_code == 400
    assert client.post(f"/manage/centers/{ours.id}/verify", data={"version": 1}).status_code == 400
    assert client.post("/list-your-center", data=center_data()).status_code == 400
    session.refresh(ours)
    assert ours.version == 1


def test_login_post_without_csrf_token_gets_400(client, session):
    make_account(session, "admin@example.org", admin=True)
    response = client.post("/manage/login", data={"email": "admin@example.org",
                                                  "password": PASSWORD})
    assert response.status_code == 400


def test_editor_gets_403_on_another_centers_pages_and_posts(editor, two_centers):
    ours, theirs = two_centers
    token = csrf_token(editor, f"/manage/centers/{ours.id}/edit")
    assert editor.get(f"/manage/centers/{theirs.id}/edit").status_code == 403
    assert editor.get(f"/manage/centers/{theirs.id}/history").status_code == 403
    posted = edit_form(editor, ours.id) | {"csrf_token": token, "phone": "+61 2 9999 0000"}
    for action in ("edit", "verify", "approve", "archive"):
        response = editor.post(f"/manage/centers/{theirs.id}/{action}", data=posted)
        assert response.status_code == 403, action


def test_editor_dashboard_shows_only_its_own_center(editor):
    page = editor.get("/manage/").get_data(as_text=True)
    assert "Our Allergy Service" in page
    assert "Their Allergy Service" not in page
    assert editor.get("/manage/accounts").status_code == 403


def test_admin_dashboard_lists_every_listing(admin, two_centers):
    page = admin.get("/manage/").get_data(as_text=True)
    assert "Our Allergy Service" in page and "Their Allergy Service" in page


# --- editing ---------------------------------------------------------------------------

def test_edit_form_offers_every_listing_field(editor, two_centers):
    from finder.directory.models import EDITABLE_FIELDS
    data = edit_form(editor, two_centers[0].id)
    html = editor.get(f"/manage/centers/{two_centers[0].id}/edit").get_data(as_text=True)
    shown_as = {"hours": "open_mon"}  # hours are entered per weekday
    for field in EDITABLE_FIELDS:
        name = shown_as.get(field, field)
        assert name in data or f'name="{name}"' in html, field


def test_saved_phone_shows_on_the_public_page_and_in_the_history(editor, two_centers):
    ours = two_centers[0]
    assert save(editor, ours.id, phone="+61 7 3999 1234").status_code == 302
    assert "+61 7 3999 1234" in editor.get(f"/centers/{ours.id}").get_data(as_text=True)
    history = editor.get(f"/manage/centers/{ours.id}/history").get_data(as_text=True)
    assert "+61 7 3999 1234" in history and "editor@example.org" in history


def test_listing_facts_round_trip_through_the_form(editor, session, two_centers):
    ours = two_centers[0]
    response = save(editor, ours.id, open_mon="on", opens_mon="08:30", closes_mon="16:30",
                    open_wed="on", opens_wed="09:00", closes_wed="12:00",
                    languages=["en"], languages_other="Vietnamese, zh-Hant",
                    referral_from=["gp", "specialist"],
                    accepting_referrals="yes", wait_weeks="6", wait_reported_on="2026-01-05",
                    cost="public", interpreter_service="on", age_min_years="16")
    assert response.status_code == 302
    session.refresh(ours)
    assert ours.hours == [{"day": "mon", "opens": "08:30", "closes": "16:30"},
                          {"day": "wed", "opens": "09:00", "closes": "12:00"}]
    assert ours.languages == ["en", "vi", "zh-Hant"] and ours.referral_from == ["gp", "specialist"]
    assert (ours.wait_weeks, ours.interpreter_service, ours.age_min_years) == (6, True, 16)
    again = edit_form(editor, ours.id)
    assert (again["open_mon"], again["opens_mon"], again["closes_wed"]) == (["on"], "08:30", "12:00")
    assert "open_tue" not in again and again["languages"] == ["zh-Hant", "en", "vi"]
    page = editor.get(f"/manage/centers/{ours.id}/edit").get_data(as_text=True)
    assert ">Vietnamese</label>" in page and ">Chinese (Traditional)</label>" in page


@pytest.mark.parametrize("field, value, message", [
    ("phone", "call us", "must be a phone number"),
    ("email", "clinic at hospital", "must be an email address"),
    ("website", "http://example.org", "must be an https:// address"),
    ("procedures_per_year", "-3", "must be 0 or more"),
    ("lat", "north-ish", "must be a number"),
    ("lat", "91", "must be 90 or less"),
    ("drug_classes", [], "choose at least one drug class"),
    ("routes", [], "choose at least one route"),
    ("opens_mon", "8am", "times must be HH:MM"),
    ("languages_other", "Qwertyish", "we do not know the language"),
    ("timezone_other", "Brisbane", "is not an IANA time zone"),
    ("name", "nul\x00byte", "contains control characters"),
])
def test_bad_values_get_a_message_at_their_field(editor, session, two_centers, field, value,
                                                 message):
    ours = two_centers[0]
    day = {"open_mon": "on", "closes_mon": "17:00"} if field == "opens_mon" else {}
    response = save(editor, ours.id, **day, **{field: value})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    shown_at = {"opens_mon": "hours", "languages_other": "languages", "timezone_other": "timezone"}
    assert f'id="{shown_at.get(field, field)}-error"' in page and message in page
    session.refresh(ours)
    assert ours.version == 1


def test_changed_address_is_shown_on_a_map_before_it_is_saved(editor, session, two_centers,
                                                              geocoded):
    ours = two_centers[0]
    response = save(editor, ours.id, street="", locality="Toowoomba", postcode="4350")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Confirm and save" in page
    assert 'data-lat="-27.5598"' in page and 'data-lon="151.9507"' in page
    assert "js/confirm-map.js" in page and "<script>" not in page
    session.refresh(ours)
    assert (ours.locality, ours.version) == ("Brisbane", 1)  # nothing saved yet
    confirm = {name: value for name, value in _hidden_fields(page)}
    response = editor.post(f"/manage/centers/{ours.id}/edit", data=confirm)
    assert response.status_code == 302
    session.refresh(ours)
    assert (ours.locality, ours.lat, ours.lon) == ("Toowoomba", -27.5598, 151.9507)


def _hidden_fields(page: str):
    import html
    import re

    from werkzeug.datastructures import MultiDict
    form = page[page.index("Confirm and save") - 20000:]
    pairs = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form)
    return MultiDict([(n, html.unescape(v)) for n, v in pairs]).items(multi=True)


def test_moved_address_is_geocoded_with_the_offline_gazetteer(editor, two_centers):
    response = save(editor, two_centers[0].id, street="", locality="Toowoomba", postcode="4350")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Confirm and save" in page
    lat = float(page.split('data-lat="')[1].split('"')[0])
    lon = float(page.split('data-lon="')[1].split('"')[0])
    assert abs(lat - -27.56) < 0.2 and abs(lon - 151.95) < 0.2


def test_address_that_cannot_be_found_asks_for_coordinates(editor, two_centers, monkeypatch):
    monkeypatch.setattr(listings, "address_geocoder", lambda: FakeGeocoder(None))
    response = save(editor, two_centers[0].id, locality="Nowhereville")
    assert response.status_code == 400
    assert "could not find this address" in response.get_data(as_text=True)


def test_unchanged_address_is_not_geocoded(editor, two_centers, geocoded):
    assert save(editor, two_centers[0].id, phone="+61 7 3000 1111").status_code == 302
    assert geocoded.asked == []


def test_stale_edit_gets_a_conflict_page_and_can_be_reapplied(editor, session, two_centers):
    from finder.directory import service as directory
    ours = two_centers[0]
    stale = edit_form(editor, ours.id)
    directory.update_center(session, ours.id, {"phone": "+61 7 1111 1111", "wait_weeks": 3},
                            expected_version=1, actor="colleague@example.org")
    stale |= {"phone": "+61 7 2222 2222", "email": "clinic@example.org"}
    response = editor.post(f"/manage/centers/{ours.id}/edit", data=stale)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone saved this listing" in page and "colleague@example.org" in page
    assert "+61 7 2222 2222" in page and "+61 7 1111 1111" in page  # yours and current
    session.refresh(ours)
    assert (ours.phone, ours.email, ours.version) == ("+61 7 1111 1111", None, 2)
    reapplied = form_fields(page, f"/manage/centers/{ours.id}/edit")
    assert reapplied["version"] == "2"
    assert editor.post(f"/manage/centers/{ours.id}/edit", data=reapplied).status_code == 302
    session.refresh(ours)
    # the editor's changes win where they chose; the colleague's other change is kept
    assert (ours.phone, ours.email, ours.wait_weeks) == ("+61 7 2222 2222", "clinic@example.org", 3)


def test_confirming_the_listing_shows_the_date_publicly(editor, session, two_centers):
    ours = two_centers[0]
    assert "not verified by the center" in editor.get(f"/centers/{ours.id}").get_data(as_text=True)
    token = csrf_token(editor, f"/manage/centers/{ours.id}/edit")
    response = editor.post(f"/manage/centers/{ours.id}/verify",
                           data={"csrf_token": token, "version": 1})
    assert response.status_code == 302
    session.refresh(ours)
    assert ours.verified_at is not None
    page = editor.get(f"/centers/{ours.id}").get_data(as_text=True)
    assert "Confirmed by the center on" in page and "not verified by the center" not in page
    actions = [e.action for e in session.exec(select(AuditEntry).where(
        AuditEntry.center_id == ours.id)).all()]
    assert "verify" in actions


def test_two_concurrent_form_edits_leave_exactly_one_change(app_factory, storage_url):
    from finder.db import open_session
    app = app_factory(database_url=storage_url)
    with open_session(app.extensions["finder.engine"]) as session:
        from finder.directory.service import create_center
        center = create_center(session, center_data(), actor="test")
        make_account(session, "a@example.org", center_id=center.id)
        make_account(session, "b@example.org", center_id=center.id)
    clients = {}
    for email in ("a@example.org", "b@example.org"):
        clients[email] = app.test_client()
        assert login(clients[email], email).status_code == 302
    forms = {email: edit_form(c, center.id) | {"phone": f"+61 7 3999 000{i}"}
             for i, (email, c) in enumerate(clients.items())}
    barrier, codes = threading.Barrier(2), {}

    def post(email):
        barrier.wait()
        codes[email] = clients[email].post(f"/manage/centers/{center.id}/edit",
                                           data=forms[email]).status_code

    threads = [threading.Thread(target=post, args=(e,)) for e in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes.values()) == [302, 409]
    with open_session(app.extensions["finder.engine"]) as session:
        row = session.get(Center, center.id)
        updates = session.exec(select(AuditEntry).where(AuditEntry.center_id == center.id,
                                                        AuditEntry.action == "update")).all()
    winner = next(e for e, code in codes.items() if code == 302)
    assert row.version == 2 and row.phone == forms[winner]["phone"]
    assert [(u.actor, u.changes["phone"][1]) for u in updates] == [(winner, row.phone)]


# --- approval, archive, public submissions ---------------------------------------------

def _public_everywhere(client, center_id, name) -> dict:
    client = client.application.test_client()  # anonymous, and no flashed message to confuse
    return {
        "api list": any(c["id"] == center_id for c in client.get("/api/centers").json["results"]),
        "api item": client.get(f"/api/centers/{center_id}").status_code == 200,
        "directory": name in client.get("/directory").get_data(as_text=True),
        "page": client.get(f"/centers/{center_id}").status_code == 200,
    }


SUBMITTER = {"submitter_name": "Dr Ana Lee", "submitter_role": "Allergist",
             "submitter_email": "ana.lee@newtown.example.org", "submitter_phone": "+61 2 9000 0000"}


def test_listed_center_is_invisible_until_an_admin_approves_it(client, session, geocoded):
    token = csrf_token(client, "/list-your-center")
    form = {k: v for k, v in center_data(name="Newtown Allergy Clinic").items()
            if k not in ("lat", "lon")}
    response = client.post("/list-your-center", data=form | SUBMITTER | {"csrf_token": token})
    assert response.status_code == 201, response.get_data(as_text=True)
    center = session.exec(select(Center).where(Center.name == "Newtown Allergy Clinic")).one()
    assert center.status == "pending" and (center.lat, center.lon) == (TOOWOOMBA.lat, TOOWOOMBA.lon)
    assert not any(_public_everywhere(client, center.id, "Newtown Allergy Clinic").values())

    make_account(session, "admin@example.org", admin=True)
    login(client, "admin@example.org")
    dashboard = client.get("/manage/").get_data(as_text=True)
    assert "Waiting for approval" in dashboard and "Newtown Allergy Clinic" in dashboard
    token = csrf_token(client, "/manage/")
    approved = client.post(f"/manage/centers/{center.id}/approve",
                           data={"csrf_token": token, "version": center.version})
    assert approved.status_code == 302
    assert all(_public_everywhere(client, center.id, "Newtown Allergy Clinic").values())


def test_list_your_center_names_each_bad_field(client, geocoded):
    token = csrf_token(client, "/list-your-center")
    form = center_data(phone="no phone", routes=[]) | {"csrf_token": token}
    response = client.post("/list-your-center", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="phone-error"' in page and 'id="routes-error"' in page
    assert 'id="submitter_name-error"' in page and 'id="submitter_email-error"' in page


def test_archived_center_vanishes_from_public_reads_but_keeps_its_history(admin, session,
                                                                            two_centers):
    ours = two_centers[0]
    assert all(_public_everywhere(admin, ours.id, "Our Allergy Service").values())
    token = csrf_token(admin, "/manage/")
    response = admin.post(f"/manage/centers/{ours.id}/archive",
                          data={"csrf_token": token, "version": ours.version})
    assert response.status_code == 302
    assert not any(_public_everywhere(admin, ours.id, "Our Allergy Service").values())
    history = admin.get(f"/manage/centers/{ours.id}/history").get_data(as_text=True)
    assert "archive by admin@example.org" in history and "create by test" in history


def test_archive_with_a_stale_version_changes_nothing(admin, session, two_centers):
    ours = two_centers[0]
    token = csrf_token(admin, "/manage/")
    admin.post(f"/manage/centers/{ours.id}/archive", data={"csrf_token": token, "version": 7})
    session.refresh(ours)
    assert ours.status == "active"


# --- accounts and tokens in the web UI -------------------------------------------------

def test_admin_invites_an_editor_who_sets_a_password_through_the_link(admin, session,
                                                                      two_centers):
    token = csrf_token(admin, "/manage/accounts")
    response = admin.post("/manage/accounts", data={
        "csrf_token": token, "email": "New.Editor@Example.org", "role": "center_editor",
        "center_id": str(two_centers[1].id)})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "shown only now" in page
    import re
    link = re.search(r'<code class="token-value link-value">http://127.0.0.1:5000(/manage/link/[^<]+)</code>',
                     page).group(1)
    other = admin.application.test_client()
    assert login(other, "new.editor@example.org", "anything at all here").status_code == 401
    chosen = "plum orchard quietly hums"
    welcome = other.get(link)
    assert welcome.status_code == 200 and "new.editor@example.org" in welcome.get_data(as_text=True)
    done = other.post(link, data={"csrf_token": csrf_token(other, link), "password": chosen})
    assert done.headers["Location"] == f"/manage/centers/{two_centers[1].id}/edit"
    assert other.get(f"/manage/centers/{two_centers[1].id}/edit").status_code == 200
    assert other.get(f"/manage/centers/{two_centers[0].id}/edit").status_code == 403
    assert other.get(link).status_code == 410  # single use


def test_account_form_names_the_problem(admin):
    token = csrf_token(admin, "/manage/accounts")
    response = admin.post("/manage/accounts", data={
        "csrf_token": token, "email": "x@example", "role": "center_editor", "center_id": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "must be an email address" in page and "needs an existing center" in page


def test_tokens_are_shown_once_and_can_be_revoked(editor, session, two_centers):
    token = csrf_token(editor, "/manage/tokens")
    page = editor.post("/manage/tokens", data={"csrf_token": token, "label": "cms"})
    import re
    plain = re.search(r'id="new-token"[^>]*value="(dsf_[^"]+)"', page.get_data(as_text=True))
    assert plain and page.headers["Cache-Control"] == "no-store"
    listing = editor.get("/manage/tokens").get_data(as_text=True)
    assert plain.group(1) not in listing and "cms" in listing
    headers = {"Authorization": f"Bearer {plain.group(1)}"}
    assert editor.patch(f"/api/centers/{two_centers[0].id}", json={"version": 1},
                        headers=headers).status_code == 200
    from finder.directory.models import ApiToken
    token_id = session.exec(select(ApiToken)).one().id
    revoked = editor.post(f"/manage/tokens/{token_id}/revoke",
                          data={"csrf_token": csrf_token(editor, "/manage/tokens")})
    assert revoked.status_code == 302
    assert editor.patch(f"/api/centers/{two_centers[0].id}", json={"version": 1},
                        headers=headers).status_code == 401


# --- headers and cookies ---------------------------------------------------------------

@pytest.mark.parametrize("path", ["/", "/manage/login", "/api/centers", "/no-such-page",
                                  "/api/no-such-endpoint", "/list-your-center"])
def test_every_response_carries_the_security_headers(client, path):
    headers = client.get(path).headers
    csp = headers["Content-Security-Policy"]
    for directive in ("default-src 'self'", "script-src 'self'", "style-src 'self'",
                      "img-src 'self' data:", "connect-src 'self'", "object-src 'none'",
                      "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'"):
        assert directive in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["X-Frame-Options"] == "DENY"


def test_policy_includes_what_the_app_registered(app, client):
    from finder.web.core.security import allow
    allow(app, "script-src", "'sha256-abc='")
    allow(app, "img-src", "https://tiles.example.org")
    csp = client.get("/").headers["Content-Security-Policy"]
    assert "script-src 'self' 'sha256-abc='" in csp
    assert "https://tiles.example.org" in csp.split("img-src")[1].split(";")[0]
    assert "unsafe-inline" not in csp


@pytest.mark.parametrize("https, secure", [(False, False), (True, True)])
def test_session_cookie_is_httponly_lax_and_secure_over_https(app_factory, https, secure):
    from finder.db import open_session
    app = app_factory(https=https)
    with app.app_context():
        limiter.reset()
    with open_session(app.extensions["finder.engine"]) as session:
        make_account(session, "admin@example.org", admin=True)
    client = app.test_client()
    response = login(client, "admin@example.org")
    cookie = next(v for k, v in response.headers.items() if k == "Set-Cookie"
                  and v.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert ("Secure" in cookie) is secure



@pytest.mark.parametrize("version", ["²", "٣", "1e3", ""])
def test_a_version_that_is_not_ascii_digits_is_a_400_not_a_500(client, session, make_center, version):
    center = make_center()
    make_account(session, "editor@example.org", center_id=center.id)
    login(client, "editor@example.org")
    form = edit_form(client, center.id)
    form["version"] = version
    assert client.post(f"/manage/centers/{center.id}/edit", data=form).status_code == 400
    token = csrf_token(client, f"/manage/centers/{center.id}/edit")
    response = client.post(f"/manage/centers/{center.id}/verify",
                           data={"csrf_token": token, "version": version})
    assert response.status_code == 400
