"""The test kit: an app on a fresh database per test, a client, a session and row factories.

SQLite is the default. Tests that take `storage_url` also run against PostgreSQL when
TEST_DATABASE_URL is set (CI sets it when a server answers on 127.0.0.1:5432).
"""
import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy import text

from finder import create_app
from finder.config import PROJECT_ROOT, Settings
from finder.db import build_engine, open_session
from finder.directory.service import create_center
from finder.migrate import upgrade

PG_URL = os.environ.get("TEST_DATABASE_URL")
SECRET = "test-secret-key-that-is-long-enough-0123456789"


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory) -> Path:
    """A migrated empty SQLite file, copied for each test (migrating once is much faster)."""
    path = tmp_path_factory.mktemp("template") / "finder.sqlite"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def gazetteer_path(tmp_path_factory) -> Path:
    """The offline gazetteer, reused from instance/ when `make test` has built it."""
    from finder.geocoding.gazetteer import build_gazetteer, gazetteer_is_current

    built = PROJECT_ROOT / "instance" / "gazetteer.sqlite"
    if gazetteer_is_current(built):
        return built
    path = tmp_path_factory.mktemp("gazetteer") / "gazetteer.sqlite"
    build_gazetteer(path)
    return path


def _reset_postgres(url: str) -> None:
    engine = build_engine(url)
    upgrade(url)
    with engine.begin() as conn:
        conn.execute(text("TRUNCATE apitoken, auditentry, account, geocodecacheentry, center "
                          "RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def storage_url(request, tmp_path, migrated_sqlite) -> str:
    """A migrated, empty database: SQLite, and PostgreSQL when TEST_DATABASE_URL is set."""
    if request.param == "postgresql":
        if not PG_URL:
            pytest.skip("TEST_DATABASE_URL not set")
        _reset_postgres(PG_URL)
        return PG_URL
    path = tmp_path / "storage.sqlite"
    shutil.copy(migrated_sqlite, path)
    return f"sqlite:///{path}"


@pytest.fixture
def db(storage_url):
    """A session on `storage_url`: SQLite, and PostgreSQL when TEST_DATABASE_URL is set."""
    engine = build_engine(storage_url)
    with open_session(engine) as session:
        yield session
    engine.dispose()


@pytest.fixture
def sqlite_url(tmp_path, migrated_sqlite) -> str:
    path = tmp_path / "finder.sqlite"
    shutil.copy(migrated_sqlite, path)
    return f"sqlite:///{path}"


def make_settings(tmp_path: Path, database_url: str, gazetteer: Path | None = None, **extra) -> Settings:
    return Settings(database_url=database_url, secret_key=SECRET, instance_path=tmp_path,
                    gazetteer_path=gazetteer, testing=True, **extra)


@pytest.fixture
def app_factory(tmp_path, sqlite_url, gazetteer_path):
    """Build an app on this test's database with some settings changed."""
    apps = []

    def build(database_url: str | None = None, **extra):
        settings = make_settings(tmp_path, database_url or sqlite_url, gazetteer_path, **extra)
        app = create_app({"settings": settings})
        apps.append(app)
        return app

    yield build
    for app in apps:
        app.extensions["finder.engine"].dispose()


@pytest.fixture
def app(app_factory):
    from finder.web.core.extensions import limiter

    app = app_factory()
    with app.app_context():
        limiter.reset()
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def session(app):
    with open_session(app.extensions["finder.engine"]) as session:
        yield session


def center_data(**overrides) -> dict:
    """A valid listing; override any field."""
    data = {
        "name": "Drug Allergy Service", "organisation": "Example Hospital",
        "street": "1 Hospital Road", "locality": "Brisbane", "region": "QLD", "postcode": "4000",
        "country": "AU", "lat": -27.47, "lon": 153.02, "phone": "+61 7 3000 0000",
        "website": "https://example.org", "drug_classes": ["penicillins"], "routes": ["iv"],
        "timezone": "Australia/Brisbane",
    }
    data.update(overrides)
    return data


@pytest.fixture
def make_center(session):
    def make(**overrides):
        return create_center(session, center_data(**overrides), actor="test")
    return make
