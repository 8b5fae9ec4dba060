"""The dashboard keeps listings fresh, and "list your center" reaches its submitter."""
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from finder.directory import links
from finder.directory.models import Center, Submitter
from finder.directory.reminders import confirmed_words, going_stale
from finder.web.manage import listings
from tests.conftest import center_data
from tests.web.staff_kit import TOOWOOMBA, FakeGeocoder, csrf_token, login, make_account

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
SUBMITTER = {"submitter_name": "Dr Ana Lee", "submitter_role": "Allergist",
             "submitter_email": "Ana.Lee@newtown.example.org", "submitter_phone": "+61 2 9000 0000"}


@pytest.mark.parametrize("verified, words", [
    (None, "never confirmed by the center"),
    (NOW - timedelta(days=3), "last confirmed on 28 November 2026"),
    (NOW - timedelta(days=40), "last confirmed 1 month ago (October 2026)"),
    (NOW - timedelta(days=200), "last confirmed 6 months ago (May 2026)"),
])
def test_confirmed_words(verified, words):
    assert confirmed_words(verified, NOW.date()) == words


def test_going_stale_lists_only_the_next_30_days():
    class Listing:
        def __init__(self, name, days_ago):
            self.name = name
            self.verified_at = None if days_ago is None else NOW - timedelta(days=days_ago)
    rows = [Listing("soon", 350), Listing("sooner", 360), Listing("later", 300),
            Listing("already", 400), Listing("never", None)]
    found = going_stale(rows, NOW.date(), 12)
    assert [c.name for c, _ in found] == ["sooner", "soon"]


def test_editor_confirms_from_the_dashboard_in_one_click(client, session, make_center):
    center = make_center()
    make_account(session, "editor@example.org", center_id=center.id)
    login(client, "editor@example.org")
    page = client.get("/manage/").get_data(as_text=True)
    assert "was never confirmed by the center" in page
    response = client.post(f"/manage/centers/{center.id}/verify", data={
        "csrf_token": csrf_token(client, "/manage/"), "version": center.version,
        "back": "dashboard"}, follow_redirects=True)
    assert "last confirmed on" in response.get_data(as_text=True)
    session.refresh(center)
    assert center.verified_at is not None


def test_admin_dashboard_shows_what_needs_doing(client, session, make_center):
    soon = make_center(name="Soon Stale Clinic")
    session.get(Center, soon.id).verified_at = datetime.now(UTC) - timedelta(days=355)
    session.commit()
    links.invite(session, "waiting@example.org", center_id=soon.id, actor="t")
    make_account(session, "admin@example.org", admin=True)
    login(client, "admin@example.org")
    page = client.get("/manage/").get_data(as_text=True)
    stale = page[page.index("Going stale in the next 30 days"):page.index("Invitations not yet")]
    assert "Soon Stale Clinic" in stale
    assert "waiting@example.org" in page[page.index("Invitations not yet"):]


def _submit(client, monkeypatch, **overrides):
    monkeypatch.setattr(listings, "address_geocoder", lambda: FakeGeocoder(TOOWOOMBA))
    form = {k: v for k, v in center_data(name="Newtown Allergy Clinic").items()
            if k not in ("lat", "lon")} | SUBMITTER | overrides
    return client.post("/list-your-center",
                       data=form | {"csrf_token": csrf_token(client, "/list-your-center")})


def test_submitter_details_are_kept_for_admins_only(client, session, monkeypatch):
    assert _submit(client, monkeypatch).status_code == 201
    center = session.exec(select(Center).where(Center.name == "Newtown Allergy Clinic")).one()
    who = session.exec(select(Submitter)).one()
    assert (who.center_id, who.email, who.role) == (center.id, "ana.lee@newtown.example.org",
                                                   "Allergist")
    make_account(session, "admin@example.org", admin=True)
    login(client, "admin@example.org")
    session.get(Center, center.id).status = "active"
    session.commit()
    assert "Dr Ana Lee" in client.get("/manage/").get_data(as_text=True)
    for public in (f"/centers/{center.id}", f"/api/centers/{center.id}", "/api/centers"):
        assert "ana.lee" not in client.get(public).get_data(as_text=True).lower(), public


@pytest.mark.parametrize("field, value, message", [
    ("submitter_name", "", "is required"),
    ("submitter_role", " ", "is required"),
    ("submitter_email", "ana at hospital", "must be an email address"),
    ("submitter_phone", "call me", "must be a phone number"),
])
def test_submitter_fields_are_checked(client, session, monkeypatch, field, value, message):
    response = _submit(client, monkeypatch, **{field: value})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and f'id="{field}-error"' in page and message in page
    assert session.exec(select(Center)).all() == []


def test_admin_approves_straight_into_an_invitation(client, session, monkeypatch):
    _submit(client, monkeypatch)
    center = session.exec(select(Center)).one()
    make_account(session, "admin@example.org", admin=True)
    login(client, "admin@example.org")
    response = client.post(f"/manage/centers/{center.id}/approve-and-invite", data={
        "csrf_token": csrf_token(client, "/manage/"), "version": center.version})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "ana.lee@newtown.example.org" in page
    session.refresh(center)
    assert center.status == "active"
    link = re.search(r"http://127.0.0.1:5000(/manage/link/[A-Za-z0-9_-]+)", page).group(1)
    invitee = client.application.test_client()
    done = invitee.post(link, data={"csrf_token": csrf_token(invitee, link),
                                    "password": "amber kettle sings at dawn"})
    assert done.headers["Location"] == f"/manage/centers/{center.id}/edit"
