"""Identical searches come from memory only while the directory is unchanged."""
from finder.directory import service as directory


def names(client):
    body = client.get("/api/search?location=Brisbane&drug=amoxicillin").get_json()
    return [r["center"]["name"] for r in body["results"]]


def test_a_repeated_search_is_answered_without_searching_again(client, app, make_center, monkeypatch):
    make_center(name="Clinic A")
    assert names(client) == ["Clinic A"]
    calls = []
    import finder.search.service as search_query

    original = search_query.find_centers
    monkeypatch.setattr(search_query, "find_centers", lambda *a, **k: calls.append(1) or original(*a, **k))
    assert names(client) == ["Clinic A"]
    assert calls == []


def test_any_write_shows_at_once(client, session, make_center):
    center = make_center(name="Clinic A")
    assert names(client) == ["Clinic A"]
    directory.update_center(session, center.id, {"name": "Clinic Renamed"}, expected_version=1, actor="t")
    assert names(client) == ["Clinic Renamed"]
    directory.set_status(session, center.id, "archived", actor="t")
    assert names(client) == []


def test_the_cache_can_be_turned_off(app_factory, monkeypatch):
    app = app_factory(search_cache_seconds=0)
    client = app.test_client()
    from finder.db import open_session
    from finder.directory.service import create_center
    from tests.conftest import center_data

    with open_session(app.extensions["finder.engine"]) as session:
        create_center(session, center_data(name="Clinic A"), actor="t")
    import finder.search.service as search_query

    calls = []
    original = search_query.find_centers
    monkeypatch.setattr(search_query, "find_centers", lambda *a, **k: calls.append(1) or original(*a, **k))
    names(client)
    names(client)
    assert len(calls) == 2
