"""Browser tests: the app served on 127.0.0.1 in a thread, driven by Playwright in headless
Chromium (see chromium.py for which one). Every request to anywhere but 127.0.0.1 is blocked,
so a page that needs the internet fails here."""
import shutil
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest
from werkzeug.serving import make_server

from finder import create_app
from finder.config import PROJECT_ROOT
from finder.db import open_session
from tests.browser.chromium import choose_chromium
from tests.conftest import make_settings

ARTIFACTS = PROJECT_ROOT / "test-artifacts"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-quic", "--no-first-run", "--disable-sync"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser(pytestconfig):
    try:
        chromium = choose_chromium()
    except RuntimeError as error:
        pytest.fail(str(error))
    capture = pytestconfig.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled():  # one line in the log, even under capture
        print(f"\nbrowser tests use {chromium.how}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium.executable, headless=True,
                                             args=LAUNCH_ARGS)
        yield browser
        browser.close()


class LiveServer:
    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def session(self):
        return open_session(self.app.extensions["finder.engine"])


@pytest.fixture
def live_server(tmp_path, migrated_sqlite, gazetteer_path):
    """The app on an ephemeral port with its own database; `live_server.session()` seeds it."""
    db_path = tmp_path / "live.sqlite"
    shutil.copy(migrated_sqlite, db_path)
    settings = make_settings(tmp_path, f"sqlite:///{db_path}", gazetteer_path, tile_url="")
    app = create_app({"settings": settings})
    server = LiveServer(app)
    server.thread.start()
    yield server
    server.server.shutdown()
    app.extensions["finder.engine"].dispose()


@pytest.fixture
def page(browser, live_server):
    """A fresh page that blocks every request not to 127.0.0.1 and records what it blocked."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.blocked = []
    page.dialogs = []

    def guard(route):
        host = urlparse(route.request.url).hostname
        if host in ("127.0.0.1",):
            route.continue_()
        else:
            page.blocked.append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    yield page
    context.close()


def run_axe(page) -> list[dict]:
    """axe-core (installed from npm at set-up) injected into the page; serious/critical only."""
    axe = PROJECT_ROOT / "static" / "vendor" / "axe-core" / "axe.min.js"
    assert axe.exists(), "axe-core missing: `make assets` copies it from node_modules"
    # Loaded from the app's own origin: the Content-Security-Policy blocks inline scripts.
    origin = "/".join(page.url.split("/")[:3])
    page.add_script_tag(url=f"{origin}/static/vendor/axe-core/axe.min.js")
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


def save_screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
