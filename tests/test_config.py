"""Settings: safe defaults, and every malformed value stops start-up naming its variable."""
import stat

import pytest

from finder.config import SettingsError, load_settings


def test_defaults_are_embedded_sqlite_offline_gazetteer_and_local_assets(tmp_path):
    settings = load_settings({"FINDER_INSTANCE_PATH": str(tmp_path)})
    assert settings.database_url == f"sqlite:///{tmp_path / 'finder.sqlite'}"
    assert (settings.geocoder, settings.map_assets, settings.port) == ("gazetteer", "local", 5000)
    assert settings.tile_url.startswith("https://tile.openstreetmap.org/")


def test_secret_key_is_generated_once_kept_private_and_reused(tmp_path):
    first = load_settings({"FINDER_INSTANCE_PATH": str(tmp_path)}).secret_key
    second = load_settings({"FINDER_INSTANCE_PATH": str(tmp_path)}).secret_key
    assert first == second and len(first) >= 40
    mode = stat.S_IMODE((tmp_path / "secret_key").stat().st_mode)
    assert mode == 0o600


def test_a_different_instance_gets_a_different_key(tmp_path):
    a = load_settings({"FINDER_INSTANCE_PATH": str(tmp_path / "a")}).secret_key
    b = load_settings({"FINDER_INSTANCE_PATH": str(tmp_path / "b")}).secret_key
    assert a != b


@pytest.mark.parametrize("name,value", [
    ("FINDER_DATABASE_URL", "mysql://root@localhost/x"),
    ("FINDER_SECRET_KEY", "short"),
    ("FINDER_GEOCODER", "google-maybe"),
    ("FINDER_MAP_ASSETS", "somewhere"),
    ("FINDER_TILE_URL", "ftp://tiles/{z}/{x}/{y}.png"),
    ("FINDER_TILE_URL", "https://tiles.example.org/tile.png"),
    ("FINDER_PORT", "eighty"),
    ("FINDER_PORT", "70000"),
    ("FINDER_STALE_MONTHS", "0"),
    ("FINDER_HTTPS", "maybe"),
    ("FINDER_DEFAULT_COUNTRY", "AUS"),
    ("FINDER_RATELIMIT_STORAGE_URI", "memcached://x"),
    ("FINDER_DATABSE_URL", "sqlite://"),  # a typo is an unknown setting, not silently ignored
    ("FINDER_PUBLIC_URL", "finder.example.org"),
    ("FINDER_PUBLIC_URL", "https://finder.example.org/?x=1"),
    ("FINDER_CORS_ORIGINS", "https://ehr.example/path"),
    ("FINDER_CORS_ORIGINS", "ehr.example"),
])
def test_malformed_values_fail_naming_the_variable(tmp_path, name, value):
    with pytest.raises(SettingsError) as error:
        load_settings({"FINDER_INSTANCE_PATH": str(tmp_path), name: value})
    assert name in str(error.value)


def test_postgres_urls_use_psycopg_3(tmp_path):
    settings = load_settings({"FINDER_INSTANCE_PATH": str(tmp_path),
                              "FINDER_DATABASE_URL": "postgresql://u@db:5432/finder"})
    assert settings.database_url == "postgresql+psycopg://u@db:5432/finder"


def test_tiles_can_be_switched_off(tmp_path):
    assert load_settings({"FINDER_INSTANCE_PATH": str(tmp_path), "FINDER_TILE_URL": "none"}).tile_url == ""


def test_search_cache_can_be_turned_off_and_is_bounded(tmp_path):
    assert load_settings({"FINDER_INSTANCE_PATH": str(tmp_path)}).search_cache_seconds == 60
    off = load_settings({"FINDER_INSTANCE_PATH": str(tmp_path), "FINDER_SEARCH_CACHE_SECONDS": "0"})
    assert off.search_cache_seconds == 0
    with pytest.raises(SettingsError, match="FINDER_SEARCH_CACHE_SECONDS"):
        load_settings({"FINDER_INSTANCE_PATH": str(tmp_path), "FINDER_SEARCH_CACHE_SECONDS": "-1"})


def test_behind_a_proxy_the_visitor_address_is_trusted_only_when_configured(app_factory):
    from flask import request

    for hops, expected in ((0, "10.0.0.1"), (1, "203.0.113.9")):
        app = app_factory(proxy_hops=hops)
        client = app.test_client()

        @app.get("/whoami")
        def whoami():
            return request.remote_addr

        got = client.get("/whoami", environ_base={"REMOTE_ADDR": "10.0.0.1"},
                         headers={"X-Forwarded-For": "203.0.113.9"}).get_data(as_text=True)
        assert got == expected


def test_workers_starting_together_on_a_fresh_instance_share_one_key(tmp_path):
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=6) as pool:
        keys = set(pool.map(_key_for, [str(tmp_path)] * 24))
    assert len(keys) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]  # no temporary files left


def _key_for(instance: str) -> str:
    return load_settings({"FINDER_INSTANCE_PATH": instance}).secret_key


def test_mail_and_session_settings():
    import pytest as _pytest

    from finder.config import SettingsError, load_settings
    base = {"FINDER_SECRET_KEY": "k" * 40, "FINDER_INSTANCE_PATH": "/tmp/finder-config-test"}
    settings = load_settings(base | {"FINDER_SMTP_URL": "smtp+starttls://user:pw@mail.example.org:587",
                                     "FINDER_IDLE_MINUTES": "15", "FINDER_SESSION_HOURS": "8"})
    assert (settings.idle_minutes, settings.session_hours) == (15, 8)
    defaults = load_settings(base)
    assert (defaults.smtp_url, defaults.idle_minutes, defaults.session_hours) == ("", 30, 12)
    for name, value in (("FINDER_SMTP_URL", "mail.example.org"), ("FINDER_SMTP_URL", "smtp://h:x"),
                        ("FINDER_IDLE_MINUTES", "0"), ("FINDER_SESSION_HOURS", "often"),
                        ("FINDER_PUBLIC_URL", "ftp://x")):
        with _pytest.raises(SettingsError, match=name):
            load_settings(base | {name: value})
def test_public_url_defaults_locally_and_is_required_in_production(tmp_path):
    base = {"FINDER_INSTANCE_PATH": str(tmp_path)}
    assert load_settings(base).public_url == "http://127.0.0.1:5000"
    with pytest.raises(SettingsError, match="FINDER_PUBLIC_URL must be set in production"):
        load_settings({**base, "FINDER_HTTPS": "1"})
    settings = load_settings({**base, "FINDER_HTTPS": "1",
                              "FINDER_PUBLIC_URL": "https://finder.example.org/"})
    assert settings.public_url == "https://finder.example.org"


def test_cors_origins_and_trusted_hosts_are_lists(tmp_path):
    base = {"FINDER_INSTANCE_PATH": str(tmp_path)}
    assert load_settings(base).cors_origins == ("*",)
    assert load_settings(base).trusted_hosts == ()
    settings = load_settings({**base, "FINDER_CORS_ORIGINS": "https://a.example, https://b.example/",
                              "FINDER_TRUSTED_HOSTS": "finder.example.org, .example.org"})
    assert settings.cors_origins == ("https://a.example", "https://b.example")
    assert settings.trusted_hosts == ("finder.example.org", ".example.org")
