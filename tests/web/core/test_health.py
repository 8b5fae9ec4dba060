"""/healthz answers while the process is up; /readyz only when the replica can serve."""
from finder.migrate import downgrade
from finder.web.core.openapi import openapi_document

UNREACHABLE_DB = "postgresql+psycopg://postgres@127.0.0.1:9/none"  # nothing listens on port 9


def test_healthz_says_ok_without_touching_the_database(app_factory):
    app = app_factory(database_url=UNREACHABLE_DB)
    response = app.test_client().get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}


def test_readyz_is_200_when_database_gazetteer_and_migrations_are_ready(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "checks": {
        "database": "ok", "migrations": "ok", "gazetteer": "ok"}}


def test_readyz_names_an_unreachable_database(app_factory):
    response = app_factory(database_url=UNREACHABLE_DB).test_client().get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "unreachable" and body["checks"]["gazetteer"] == "ok"


def test_readyz_says_migrations_are_behind(app_factory, sqlite_url):
    app = app_factory()
    downgrade(sqlite_url, "-1")
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["migrations"] == "behind"


def test_readyz_says_the_gazetteer_is_not_built(app_factory, tmp_path):
    app = app_factory()
    app.config["FINDER"] = app.config["FINDER"].with_overrides(gazetteer_path=tmp_path / "missing.sqlite")
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["gazetteer"] == "not built"


def test_readyz_checks_redis_only_when_rate_limits_live_there(app_factory):
    # Port 9 refuses connections: a configured but unreachable Redis makes the replica unready.
    app = app_factory(ratelimit_storage_uri="redis://127.0.0.1:9/0")
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["redis"] == "unreachable"


def test_health_endpoints_are_in_the_openapi_document():
    paths = openapi_document()["paths"]
    assert set(paths["/readyz"]["get"]["responses"]) == {"200", "503"}
    assert "200" in paths["/healthz"]["get"]["responses"]
