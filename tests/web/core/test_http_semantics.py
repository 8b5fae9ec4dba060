"""HTTP semantics: 405 with Allow and 404 before any CSRF check, 409 for a duplicate,
400 for JSON nested too deeply and for text that is not UTF-8."""
import pytest

from finder.directory.models import Account
from finder.web.core.context import db
from finder.web.core.guards import MAX_JSON_DEPTH, is_utf8_urlencoded, json_depth


@pytest.fixture
def csrf_app(app_factory):
    app = app_factory()
    app.config["WTF_CSRF_ENABLED"] = True  # as in production: a missing token is a 400
    return app


@pytest.mark.parametrize("method, url, allowed", [
    ("DELETE", "/api/centers/1", {"GET", "HEAD", "OPTIONS", "PATCH"}),
    ("PUT", "/api/search", {"GET", "HEAD", "OPTIONS"}),
    ("POST", "/fhir/metadata", {"GET", "HEAD", "OPTIONS"}),
    ("DELETE", "/", {"GET", "HEAD", "OPTIONS"}),
])
def test_a_wrong_method_is_405_with_allow_before_csrf(csrf_app, method, url, allowed):
    response = csrf_app.test_client().open(url, method=method)
    assert response.status_code == 405
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= allowed - {"OPTIONS"}
    assert "CSRF" not in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/api/nothing-here", "/api/centers/1/extra", "/no-such-page"])
def test_an_unknown_path_is_404_before_csrf(csrf_app, url):
    response = csrf_app.test_client().post(url, data={"a": "b"})
    assert response.status_code == 404
    if url.startswith("/api/"):
        assert response.get_json()["error"]["code"] == "not_found"


def test_a_duplicate_is_409_not_503(app_factory):
    app = app_factory()

    @app.post("/api/test-duplicate")
    def duplicate():  # two writers racing: both passed the "does it exist" check
        for _ in range(2):
            db().add(Account(email="same@example.org", role="admin", password_hash="x"))
            db().flush()
        return {}

    app.extensions["csrf"].exempt(duplicate)
    response = app.test_client().post("/api/test-duplicate")
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "duplicate"
    assert "sqlalchemy" not in response.get_data(as_text=True).lower()


@pytest.mark.parametrize("text, depth", [
    (b"{}", 1), (b"[[[]]]", 3), (b'{"a": "[[[[{{{"}', 1), (b'["\\"[[["]', 1), (b"1", 0),
    (b'{"a": [{"b": [1]}]}', 4)])
def test_json_depth_is_counted_without_parsing(text, depth):
    assert json_depth(text) == depth


@pytest.mark.parametrize("url, method", [("/api/centers", "POST"), ("/api/centers/1", "PATCH"),
                                         ("/api/referral/assess", "POST")])
def test_deeply_nested_json_is_a_400_never_a_500(client, url, method):
    for depth in (MAX_JSON_DEPTH + 1, 100_000):
        body = "[" * depth + "]" * depth
        response = client.open(url, method=method, data=body, content_type="application/json",
                               headers={"Authorization": "Bearer dsf_x"})
        assert response.status_code == 400, (url, depth)
        assert "nested too deeply" in response.get_json()["error"]["message"]


def test_json_within_the_limit_still_reaches_the_view(client):
    body = '{"name": ' + "[" * (MAX_JSON_DEPTH - 1) + "]" * (MAX_JSON_DEPTH - 1) + "}"
    response = client.post("/api/centers", data=body, content_type="application/json")
    assert response.status_code == 401  # the view ran: it wants a token


@pytest.mark.parametrize("raw, ok", [(b"a=b&c=d", True), (b"name=%C3%A9", True),
                                     (b"name=%E9", False), (b"na%FFme=x", False), (b"", True)])
def test_utf8_check(raw, ok):
    assert is_utf8_urlencoded(raw) is ok


def test_invalid_utf8_in_a_form_or_query_is_a_400_with_a_message(client):
    form = client.post("/list-your-center", data=b"name=Clinic%E9&email=a%40b.org",
                       content_type="application/x-www-form-urlencoded")
    assert form.status_code == 400
    assert "not valid UTF-8" in form.get_data(as_text=True)
    query = client.get("/api/drugs?q=pen%FF")
    assert query.status_code == 400
    assert "UTF-8" in query.get_json()["error"]["message"]
    assert client.get("/api/drugs?q=p%C3%A9n").status_code == 200


def test_hsts_only_under_https(app_factory):
    plain = app_factory().test_client().get("/healthz")
    assert "Strict-Transport-Security" not in plain.headers
    secure = app_factory(https=True).test_client().get("/healthz")
    max_age = int(secure.headers["Strict-Transport-Security"].split("max-age=")[1].split(";")[0])
    assert max_age >= 365 * 24 * 3600
