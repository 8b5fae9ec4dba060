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


def test_the_wrapper_keeps_the_view_s_name_and_doc():
    from finder.web.search.cache import cached

    def view():
        """The doc."""
    wrapped = cached(view)
    assert (wrapped.__name__, wrapped.__doc__, wrapped.__wrapped__) == ("view", "The doc.", view)


PAGE = "/search?location=Brisbane&drug=amoxicillin"


def test_a_page_carrying_a_flash_is_never_served_to_the_next_visitor(app, make_center):
    make_center(name="Clinic A")
    editor = app.test_client()
    with editor.session_transaction() as stored:
        stored["_flashes"] = [("success", "Token T1 is revoked: it no longer works.")]
    assert b"Token T1 is revoked" in editor.get(PAGE).data
    visitor = app.test_client()
    page = visitor.get(PAGE).data
    assert b"Clinic A" in page and b"Token T1" not in page


def test_a_signed_in_visitor_neither_fills_nor_reads_the_cache(app, make_center, monkeypatch):
    make_center(name="Clinic A")
    signed_in = app.test_client()
    with signed_in.session_transaction() as stored:
        stored["_user_id"] = "1"
    import finder.search.service as search_query

    calls = []
    original = search_query.find_centers
    monkeypatch.setattr(search_query, "find_centers", lambda *a, **k: calls.append(1) or original(*a, **k))
    signed_in.get(PAGE)
    signed_in.get(PAGE)
    assert len(calls) == 2
    assert "ETag" not in signed_in.get(PAGE).headers
    app.test_client().get(PAGE)
    assert len(calls) == 4  # the anonymous visitor found nothing the signed-in one left


def test_anonymous_pages_are_revalidated_by_etag(client, make_center):
    make_center(name="Clinic A")
    first = client.get(PAGE)
    assert "no-cache" in first.headers["Cache-Control"] and first.headers["ETag"]
    again = client.get(PAGE, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
