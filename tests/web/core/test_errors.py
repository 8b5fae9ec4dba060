"""Errors never leak: no stack trace, secret or SQL on any error page; a lost database is a 503."""
import pytest

from tests.conftest import SECRET

LEAKS = ("Traceback", "File \"", "sqlalchemy", "SELECT ", "psycopg", "sqlite3", SECRET, "werkzeug")


def assert_no_leak(text: str):
    for leak in LEAKS:
        assert leak not in text, leak


@pytest.fixture
def broken_app(app_factory):
    app = app_factory()

    @app.get("/boom")
    def boom():
        raise RuntimeError(f"secret is {SECRET} in SELECT * FROM account")

    @app.get("/api/boom")
    def api_boom():
        raise RuntimeError(f"secret is {SECRET}")

    return app


def test_an_unexpected_error_is_a_plain_500_page(broken_app, caplog):
    response = broken_app.test_client().get("/boom")
    assert response.status_code == 500
    assert "Something went wrong" in response.get_data(as_text=True)
    assert_no_leak(response.get_data(as_text=True))


def test_an_unexpected_api_error_is_the_json_error_object(broken_app):
    response = broken_app.test_client().get("/api/boom")
    assert response.status_code == 500
    assert response.get_json()["error"]["code"] == "internal_error"
    assert_no_leak(response.get_data(as_text=True))


@pytest.mark.parametrize("url", ["/nope", "/api/nope", "/centers/0", "/api/centers?limit=x",
                                 "/directory?drug_class=<script>"])
def test_client_errors_do_not_leak(client, url):
    response = client.get(url)
    assert 400 <= response.status_code < 500
    assert_no_leak(response.get_data(as_text=True))
    assert "<script>" not in response.get_data(as_text=True)


@pytest.fixture
def unreachable_app(app_factory):
    # A port nothing listens on: every database call fails to connect.
    return app_factory(database_url="postgresql+psycopg://postgres@127.0.0.1:9/none")


@pytest.mark.parametrize("url", ["/directory", "/centers/1", "/api/centers", "/api/centers/1"])
def test_database_unreachable_is_503_temporarily_unavailable(unreachable_app, url):
    response = unreachable_app.test_client().get(url)
    assert response.status_code == 503
    text = response.get_data(as_text=True)
    assert "temporarily unavailable" in text
    assert_no_leak(text)


def test_home_page_still_works_without_the_database(unreachable_app):
    assert unreachable_app.test_client().get("/").status_code == 200
