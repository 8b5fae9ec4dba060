"""Every documented limit is applied (429 with Retry-After), and counts are shared by all the
worker processes: with 2 gunicorn workers, 20 parallel wrong passwords let exactly 5 through."""
import multiprocessing
import os
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from finder.config import SettingsError, load_settings
from finder.web.core.ratelimit_store import SharedFileStorage
from finder.web.core.ratelimit_table import CounterFileStorage
from finder.web.manage.signin import FAILED_LOGINS
from finder.web.search.api import LIMITS
from tests.test_faults import free_port, start_server


@pytest.fixture(params=["counters", "sqlite"])
def limited_app(app_factory, tmp_path, request):
    from finder.web.core.extensions import limiter

    app = app_factory(ratelimit_storage_uri=f"{request.param}://{tmp_path / 'limits'}")
    with app.app_context():
        limiter.reset()
    return app


@pytest.mark.parametrize("name, url", [("drugs", "/api/drugs?q=amox"),
                                       ("places", "/api/places?q=bris"),
                                       ("geocode", "/api/geocode?q=4000"),
                                       ("search", "/api/search?lat=-27.4&lon=153")])
def test_each_public_api_limit_is_applied_with_retry_after(limited_app, name, url):
    allowed = int(LIMITS[name].split()[0])
    client = limited_app.test_client()
    codes = [client.get(url).status_code for _ in range(allowed)]
    assert 429 not in codes
    refused = client.get(url)
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert refused.get_json()["error"]["code"] == "rate_limited"
    other = limited_app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.9.9.9"  # per client: another address still gets in
    assert other.get(url).status_code != 429


def test_the_openapi_document_states_each_limit(client):
    paths = client.get("/api/openapi.json").get_json()["paths"]
    for name, limit in LIMITS.items():
        operation = paths[f"/api/{name}"]["get"]
        assert limit in operation["description"] and "429" in operation["responses"]


def test_the_shared_store_counts_atomically_across_threads(tmp_path):
    stores = [SharedFileStorage(f"sqlite://{tmp_path / 'c.sqlite'}") for _ in range(4)]
    with ThreadPoolExecutor(8) as pool:
        counts = list(pool.map(lambda i: stores[i % 4].incr("k", 60), range(200)))
    assert sorted(counts) == list(range(1, 201))
    assert stores[0].get("k") == 200
    stores[1].clear("k")
    assert stores[2].get("k") == 0


def _count_in_a_process(path: str, key: str, times: int, queue) -> None:
    store = CounterFileStorage(f"counters://{path}")
    queue.put([store.incr(key, 60) for _ in range(times)])


def test_the_counter_file_counts_exactly_across_processes_and_threads(tmp_path):
    path = tmp_path / "c.counters"
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    workers = [context.Process(target=_count_in_a_process, args=(str(path), "k", 100, queue))
               for _ in range(4)]
    for worker in workers:
        worker.start()
    counts = [n for _ in workers for n in queue.get(timeout=60)]
    for worker in workers:
        worker.join(timeout=60)
    stores = [CounterFileStorage(f"counters://{path}") for _ in range(4)]
    with ThreadPoolExecutor(8) as pool:
        counts += pool.map(lambda i: stores[i % 4].incr("k", 60), range(200))
    assert sorted(counts) == list(range(1, 601))
    assert stores[0].get("k") == 600 and stores[1].get("other") == 0
    assert time.time() < stores[2].get_expiry("k") <= time.time() + 60
    stores[3].clear("k")
    assert stores[0].get("k") == 0 and stores[0].incr("k", 60) == 1
    assert oct(path.stat().st_mode & 0o777) == "0o600" and stores[0].check()


def test_the_counter_file_forgets_ended_windows_and_keeps_keys_apart(tmp_path, monkeypatch):
    from finder.web.core import ratelimit_table

    store = CounterFileStorage(f"counters://{tmp_path / 'c.counters'}")
    store.incr("short", 1)
    assert store.incr("short", 1) == 2
    time.sleep(1.1)
    assert store.get("short") == 0 and store.incr("short", 1) == 1  # a new window
    # every key in one slot's neighbourhood: each still counted on its own
    monkeypatch.setattr(ratelimit_table, "_key_hash", lambda key: 7 if key == "a" else 8 + len(key))
    assert [store.incr(key, 60) for key in ("a", "bb", "a", "ccc", "bb", "a")] == [1, 1, 2, 1, 2, 3]
    store.clear("bb")
    assert store.get("bb") == 0 and store.get("a") == 3 and store.get("ccc") == 1


def test_a_full_neighbourhood_gives_up_the_window_that_ends_soonest(tmp_path, monkeypatch):
    from finder.web.core import ratelimit_table

    probes, slots = ratelimit_table.PROBES, ratelimit_table.SLOTS
    # distinct keys whose hashes all start at slot 5
    monkeypatch.setattr(ratelimit_table, "_key_hash", lambda key: 5 + slots * (int(key) + 1))
    store = CounterFileStorage(f"counters://{tmp_path / 'c.counters'}")
    for n in range(probes):
        assert store.incr(str(n), 60 + n) == 1  # key n's window ends in 60 + n s
    assert store.incr(str(probes), 600) == 1  # no slot left near its own: key 0's is taken
    assert store.get("0") == 0 and store.get(str(probes)) == 1
    assert all(store.get(str(n)) == 1 for n in range(1, probes))
    assert store.incr("0", 600) == 1  # and now key 1's (the next to end)
    assert store.get("1") == 0 and store.get("2") == 1


def test_the_shared_store_forgets_an_expired_window(tmp_path):
    store = SharedFileStorage(f"sqlite://{tmp_path / 'c.sqlite'}")
    store.incr("k", 1)
    store.incr("k", 1)
    time.sleep(1.1)
    assert store.get("k") == 0
    assert store.incr("k", 1) == 1


def test_expired_counters_are_removed_now_and_then_not_on_every_hit(tmp_path, monkeypatch):
    from finder.web.core import ratelimit_store

    store = SharedFileStorage(f"sqlite://{tmp_path / 'c.sqlite'}")
    rows = lambda: {key for (key,) in store._db().execute("SELECT key FROM counter")}  # noqa: E731
    store.incr("old", 1)
    time.sleep(1.1)
    store.incr("new", 60)
    assert rows() == {"old", "new"}  # within PURGE_EVERY_S of the last removal: kept
    monkeypatch.setattr(ratelimit_store, "PURGE_EVERY_S", 0.0)
    store.incr("newer", 60)
    assert rows() == {"new", "newer"}


def test_without_redis_on_postgresql_the_counts_live_in_the_database(tmp_path):
    url = "postgresql+psycopg://finder@db.example.org:5432/finder"
    settings = load_settings({"FINDER_INSTANCE_PATH": str(tmp_path), "FINDER_DATABASE_URL": url})
    assert settings.ratelimit_storage_uri == url  # every replica on every host counts there
    redis = load_settings({"FINDER_INSTANCE_PATH": str(tmp_path), "FINDER_DATABASE_URL": url,
                           "FINDER_RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0"})
    assert redis.ratelimit_storage_uri == "redis://127.0.0.1:6379/0"


@pytest.mark.postgres
def test_the_database_store_counts_atomically_across_threads_and_connections():
    from limits.storage import storage_from_string

    from tests.conftest import PG_URL, _reset_postgres

    if not PG_URL:
        pytest.skip("TEST_DATABASE_URL not set")
    _reset_postgres(PG_URL)
    stores = [storage_from_string(PG_URL) for _ in range(4)]  # as four worker processes would
    stores[0].reset()
    with ThreadPoolExecutor(8) as pool:
        counts = list(pool.map(lambda i: stores[i % 4].incr("k", 60), range(200)))
    assert sorted(counts) == list(range(1, 201))
    assert stores[1].get("k") == 200 and stores[2].get_expiry("k") > time.time()
    stores[3].clear("k")
    assert stores[0].get("k") == 0 and stores[0].check()


def test_without_redis_the_default_store_is_a_file_every_worker_shares(tmp_path):
    settings = load_settings({"FINDER_INSTANCE_PATH": str(tmp_path)})
    assert settings.ratelimit_storage_uri == f"counters://{tmp_path.resolve()}/ratelimits.counters"
    with pytest.raises(SettingsError, match="per worker"):
        load_settings({"FINDER_INSTANCE_PATH": str(tmp_path),
                       "FINDER_RATELIMIT_STORAGE_URI": "memory://"})


@pytest.mark.slow
def test_two_gunicorn_workers_let_exactly_the_limit_of_parallel_wrong_passwords_through(
        tmp_path, sqlite_url, gazetteer_path):
    from finder import create_app
    from finder.db import open_session
    from finder.directory import accounts
    from tests.conftest import make_settings

    app = create_app({"settings": make_settings(tmp_path, sqlite_url, gazetteer_path)})
    with open_session(app.extensions["finder.engine"]) as session:
        accounts.create_account(session, "admin@example.org", "the-right-password-123",
                                role="admin", center_id=None, actor="test")
    app.extensions["finder.engine"].dispose()
    env = {k: v for k, v in os.environ.items() if not k.startswith("FINDER_")}
    env.update(FINDER_DATABASE_URL=sqlite_url, FINDER_INSTANCE_PATH=str(tmp_path),
               FINDER_GAZETTEER_PATH=str(gazetteer_path))
    port = free_port()
    server = start_server(env, port)
    try:
        base = f"http://127.0.0.1:{port}/manage/login"
        web = requests.Session()
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', web.get(base).text).group(1)
        start = threading.Barrier(20)

        def wrong(_):
            start.wait()
            return web.post(base, data={"email": "admin@example.org", "password": "wrong-12345678",
                                        "csrf_token": token}, timeout=30).status_code

        with ThreadPoolExecutor(20) as pool:
            codes = list(pool.map(wrong, range(20)))
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=10)
    allowed = int(FAILED_LOGINS.split()[0])
    assert sorted(codes) == [401] * allowed + [429] * (20 - allowed)
