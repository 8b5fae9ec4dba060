"""Writes through the JSON API: bearer tokens only, field errors, version conflicts."""
import threading

import pytest
from sqlmodel import select

from finder.db import open_session
from finder.directory import accounts
from finder.directory.models import AuditEntry, Center
from finder.directory.service import create_center
from tests.conftest import center_data
from tests.web.staff_kit import login, make_account


@pytest.fixture
def centers(make_center):
    return make_center(name="Ours"), make_center(name="Theirs", locality="Sydney", region="NSW")


@pytest.fixture
def tokens(session, centers):
    """Bearer headers for an admin and for the editor of the first center."""
    admin = make_account(session, "admin@example.org", admin=True)
    editor = make_account(session, "editor@example.org", center_id=centers[0].id)
    return {name: {"Authorization": f"Bearer {accounts.create_token(session, who, name)[0]}"}
            for name, who in (("admin", admin), ("editor", editor))}


def test_version_written_as_a_whole_float_is_read(client, centers, tokens):
    """The schema's integer admits 1.0, as JSON does: the server reads it as 1."""
    response = client.patch(f"/api/centers/{centers[0].id}", headers=tokens["editor"],
                            data='{"version": 1.0, "wait_weeks": 4}',
                            content_type="application/json")
    assert response.status_code == 200 and response.json["version"] == 2


def test_editor_token_changes_its_own_center(client, session, centers, tokens):
    ours = centers[0]
    response = client.patch(f"/api/centers/{ours.id}", headers=tokens["editor"],
                            json={"version": 1, "phone": "+61 7 3111 2222", "wait_weeks": 4})
    assert response.status_code == 200
    assert (response.json["phone"], response.json["version"]) == ("+61 7 3111 2222", 2)
    entry = session.exec(select(AuditEntry).where(AuditEntry.action == "update")).one()
    assert entry.actor == "editor@example.org" and entry.changes["wait_weeks"] == [None, 4]


def test_editor_token_gets_403_on_another_center(client, session, centers, tokens):
    theirs = centers[1]
    response = client.patch(f"/api/centers/{theirs.id}", headers=tokens["editor"],
                            json={"version": 1, "phone": "+61 2 9000 0000"})
    assert response.status_code == 403 and response.json["error"]["code"] == "forbidden"
    session.refresh(theirs)
    assert theirs.version == 1


def test_admin_token_changes_any_center(client, centers, tokens):
    response = client.patch(f"/api/centers/{centers[1].id}", headers=tokens["admin"],
                            json={"version": 1, "cost": "public"})
    assert response.status_code == 200 and response.json["cost"] == "public"


def test_admin_token_creates_a_center(client, session, tokens):
    response = client.post("/api/centers", headers=tokens["admin"],
                           json=center_data(name="Created Through The API"))
    assert response.status_code == 201
    assert response.headers["Location"] == f"/api/centers/{response.json['id']}"
    created = session.get(Center, response.json["id"])
    assert created.name == "Created Through The API"
    entry = session.exec(select(AuditEntry).where(AuditEntry.center_id == created.id)).one()
    assert (entry.action, entry.actor) == ("create", "admin@example.org")


def test_editor_token_cannot_create_a_center(client, tokens):
    response = client.post("/api/centers", headers=tokens["editor"], json=center_data())
    assert response.status_code == 403


@pytest.mark.parametrize("body, field, words", [
    ({"version": 1, "phone": "ring us"}, "phone", "phone number"),
    ({"version": 1, "email": "nobody"}, "email", "email address"),
    ({"version": 1, "website": "http://example.org"}, "website", "https://"),
    ({"version": 1, "procedures_per_year": -1}, "procedures_per_year", "must be 0 or more"),
    ({"version": 1, "drug_classes": []}, "drug_classes", "at least one drug class"),
    ({"version": 1, "routes": ["nasal"]}, "routes", "unknown route"),
    ({"version": 1, "status": "active"}, "status", "not a listing field"),
    ({"phone": "+61 7 3000 1111"}, "version", "version"),
    ({"version": "1"}, "version", "whole number"),
    ({"version": 10**30}, "version", "whole number"),
    ({"version": 1, "name": "nul\x00byte"}, "name", "control characters"),
    ({"version": 1, "hours": [{"day": "mon", "opens": "\x01", "closes": "09:00"}]}, "hours",
     "control characters"),
])
def test_bad_patch_answers_400_naming_the_field(client, centers, tokens, body, field, words):
    response = client.patch(f"/api/centers/{centers[0].id}", headers=tokens["editor"], json=body)
    assert response.status_code == 400
    error = response.json["error"]
    assert error["code"] == "invalid" and words in error["fields"][field]


def test_bad_create_answers_400_naming_each_field(client, tokens):
    body = center_data(phone="x", routes=[]) | {"colour": "blue"}
    response = client.post("/api/centers", headers=tokens["admin"], json=body)
    assert response.status_code == 400 and "colour" in response.json["error"]["fields"]
    body.pop("colour")
    response = client.post("/api/centers", headers=tokens["admin"], json=body)
    assert set(response.json["error"]["fields"]) == {"phone", "routes"}


def test_body_must_be_a_json_object(client, centers, tokens):
    response = client.patch(f"/api/centers/{centers[0].id}", headers=tokens["editor"],
                            data="[1, 2]", content_type="application/json")
    assert response.status_code == 400


def test_stale_version_answers_409_with_the_current_version(client, session, centers, tokens):
    ours = centers[0]
    url, headers = f"/api/centers/{ours.id}", tokens["editor"]
    first = client.patch(url, headers=headers, json={"version": 1, "wait_weeks": 2})
    assert first.status_code == 200
    response = client.patch(url, headers=headers, json={"version": 1, "wait_weeks": 9})
    assert response.status_code == 409
    error = response.json["error"]
    assert error["code"] == "conflict" and error["current_version"] == 2
    assert error["current"]["wait_weeks"] == 2
    session.refresh(ours)
    assert ours.wait_weeks == 2


def test_unknown_center_answers_404(client, tokens):
    assert client.patch("/api/centers/999", headers=tokens["admin"],
                        json={"version": 1}).status_code == 404


@pytest.mark.parametrize("header", [
    None, "Bearer", "Bearer dsf_not-a-real-token", "Basic YWRtaW46cGFzc3dvcmQ=", "dsf_abc",
])
def test_missing_or_bad_token_answers_401(client, centers, header):
    headers = {"Authorization": header} if header else {}
    response = client.patch(f"/api/centers/{centers[0].id}", headers=headers, json={"version": 1})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.post("/api/centers", headers=headers, json=center_data()).status_code == 401


def test_revoked_token_answers_401(client, session, centers):
    editor = make_account(session, "editor@example.org", center_id=centers[0].id)
    plain, token = accounts.create_token(session, editor, "cms")
    headers = {"Authorization": f"Bearer {plain}"}
    url = f"/api/centers/{centers[0].id}"
    assert client.patch(url, headers=headers, json={"version": 1}).status_code == 200
    accounts.revoke_token(session, editor, token.id)
    assert client.patch(url, headers=headers, json={"version": 1}).status_code == 401


def test_signed_in_session_cookie_is_not_accepted(client, session, centers):
    make_account(session, "admin@example.org", admin=True)
    assert login(client, "admin@example.org").status_code == 302
    assert client.get("/manage/").status_code == 200  # the cookie works for pages
    response = client.patch(f"/api/centers/{centers[0].id}", json={"version": 1, "wait_weeks": 1})
    assert response.status_code == 401
    assert client.post("/api/centers", json=center_data()).status_code == 401


def test_two_concurrent_patches_from_one_version_leave_exactly_one_change(app_factory,
                                                                           storage_url):
    app = app_factory(database_url=storage_url)
    with open_session(app.extensions["finder.engine"]) as session:
        center = create_center(session, center_data(), actor="test")
        admin = make_account(session, "admin@example.org", admin=True)
        headers = {"Authorization": f"Bearer {accounts.create_token(session, admin, 'x')[0]}"}
    barrier, results = threading.Barrier(2), {}

    def patch(weeks):
        client = app.test_client()
        barrier.wait()
        response = client.patch(f"/api/centers/{center.id}", headers=headers,
                                json={"version": 1, "wait_weeks": weeks})
        results[weeks] = (response.status_code, response.get_json())

    threads = [threading.Thread(target=patch, args=(w,)) for w in (3, 8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(code for code, _ in results.values()) == [200, 409]
    winner = next(w for w, (code, _) in results.items() if code == 200)
    loser_body = next(body for code, body in results.values() if code == 409)
    assert loser_body["error"]["current_version"] == 2
    with open_session(app.extensions["finder.engine"]) as session:
        row = session.get(Center, center.id)
        updates = session.exec(select(AuditEntry).where(AuditEntry.center_id == center.id,
                                                        AuditEntry.action == "update")).all()
    assert (row.version, row.wait_weeks) == (2, winner)
    assert [u.changes["wait_weeks"] for u in updates] == [[None, winner]]
