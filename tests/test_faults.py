"""Faults: the server killed with SIGKILL in the middle of a stream of edits loses no
acknowledged edit and leaves SQLite intact; a hanging online geocoder still gets an answer."""
import http.client
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlmodel import select

from finder import create_app
from finder.config import PROJECT_ROOT
from finder.db import open_session
from finder.directory import accounts
from finder.directory.models import AuditEntry, Center
from finder.directory.service import create_center
from tests.conftest import center_data, make_settings

pytestmark = pytest.mark.slow
GUNICORN = Path(sys.executable).parent / "gunicorn"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(env: dict, port: int) -> subprocess.Popen:
    server = subprocess.Popen([str(GUNICORN), "--workers", "2", "--bind", f"127.0.0.1:{port}",
                               "--log-level", "error", "wsgi:app"], cwd=PROJECT_ROOT, env=env,
                              start_new_session=True)
    for _ in range(150):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("server did not start")


@pytest.fixture
def edit_target(tmp_path, sqlite_url, gazetteer_path):
    settings = make_settings(tmp_path, sqlite_url, gazetteer_path)
    app = create_app({"settings": settings})
    with open_session(app.extensions["finder.engine"]) as session:
        center = create_center(session, center_data(), actor="test")
        admin = accounts.create_account(session, "fault-admin@example.org", "fault-password-12345",
                                        role="admin", center_id=None, actor="test")
        token, _ = accounts.create_token(session, admin, "faults")
    app.extensions["finder.engine"].dispose()
    env = {k: v for k, v in os.environ.items() if not k.startswith("FINDER_")}
    env.update(FINDER_DATABASE_URL=sqlite_url, FINDER_INSTANCE_PATH=str(tmp_path),
               FINDER_GAZETTEER_PATH=str(gazetteer_path))
    return env, center.id, token, sqlite_url.removeprefix("sqlite:///")


def stream_edits(port, center_id, token, stop, acknowledged):
    """PATCH the phone number again and again, remembering each edit the server confirmed."""
    n = 0
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    while not stop.is_set():
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", f"/api/centers/{center_id}")
            version = json.loads(conn.getresponse().read())["version"]
            n += 1
            phone = f"+61 7 3000 {n:04d}"
            conn.request("PATCH", f"/api/centers/{center_id}",
                         json.dumps({"version": version, "phone": phone}), headers)
            response = conn.getresponse()
            response.read()
            if response.status == 200:
                acknowledged.append(phone)
        except (OSError, http.client.HTTPException, ValueError):
            time.sleep(0.05)  # the server is down: keep trying until told to stop


def test_kill_9_mid_stream_loses_no_acknowledged_edit(edit_target):
    env, center_id, token, db_path = edit_target
    port = free_port()
    server = start_server(env, port)
    stop, acknowledged = threading.Event(), []
    writer = threading.Thread(target=stream_edits, args=(port, center_id, token, stop, acknowledged))
    writer.start()
    try:
        deadline = time.monotonic() + 20
        while len(acknowledged) < 40 and time.monotonic() < deadline:
            time.sleep(0.05)
        os.killpg(server.pid, signal.SIGKILL)  # master and workers, mid-stream, no clean-up
        server.wait()
        before_restart = len(acknowledged)
        server = start_server(env, port)
        deadline = time.monotonic() + 20
        while len(acknowledged) < before_restart + 10 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        writer.join()
        os.killpg(server.pid, signal.SIGTERM)
        server.wait()

    assert before_restart >= 40 and len(acknowledged) >= before_restart + 10
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    app = create_app({"settings": make_settings(Path(env["FINDER_INSTANCE_PATH"]),
                                                env["FINDER_DATABASE_URL"], None)})
    with open_session(app.extensions["finder.engine"]) as session:
        audited = [e.changes["phone"][1] for e in session.exec(
            select(AuditEntry).where(AuditEntry.center_id == center_id, AuditEntry.action == "update")
            .order_by(AuditEntry.id)).all()]
        final = session.get(Center, center_id)
    app.extensions["finder.engine"].dispose()
    assert set(acknowledged) <= set(audited)
    assert final.phone == audited[-1] and final.version == 1 + len(audited)


class HangingGeocoder:
    def geocode(self, query, exactly_one=True, **kwargs):
        time.sleep(10)


class FailingGeocoder:
    def geocode(self, query, exactly_one=True, **kwargs):
        raise ConnectionError("service down")


@pytest.mark.parametrize("online", [HangingGeocoder(), FailingGeocoder()], ids=["hangs", "fails"])
def test_online_geocoder_trouble_still_answers_from_the_gazetteer_in_time(app, online):
    from finder.geocoding import GeocodingService, open_gazetteer

    settings = app.config["FINDER"]
    app.extensions["finder.geocoder"] = GeocodingService(
        open_gazetteer(settings.gazetteer_path), online=online, min_interval=0)
    started = time.monotonic()
    response = app.test_client().get("/api/geocode?q=Toowoomba")
    elapsed = time.monotonic() - started
    assert response.status_code == 200
    assert response.get_json()["match"]["region"] == "QLD"
    assert elapsed < 3.0  # the 2 s timeout plus the gazetteer's answer, with room for a slow CI
