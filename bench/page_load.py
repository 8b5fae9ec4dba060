"""The results page over a slow mobile link: `python bench/page_load.py` (part of `make bench`).

Serves the demonstration directory with gunicorn on 127.0.0.1 (map tiles off) and opens the
results page in Debian's headless Chromium with DevTools network emulation at 750 kbit/s down,
250 kbit/s up and 100 ms latency (Chrome's "Regular 3G"). Reports the time to the page's `load`
event (HTML, CSS and scripts) and the bytes transferred, for a first visit (empty browser
cache) and then a visit to another search in the same browser.
Targets: first visit < 2.5 s and <= 110 KB; repeat visit < 1.2 s and <= 40 KB.
Talks only to 127.0.0.1 (anything else is blocked); the server is stopped when it ends.
"""
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from search import free_port, seeded_database, server_env, start_gunicorn  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
REGULAR_3G = {"offline": False, "latency": 100, "downloadThroughput": 750_000 / 8,
              "uploadThroughput": 250_000 / 8}
VISITS = [("first visit", "/search?location=Brisbane&drug=carboplatin", 2.5, 110),
          ("repeat visit, another search", "/search?location=Townsville&drug=penicillin", 1.2, 40)]
# Every host but 127.0.0.1 fails to resolve. (Playwright's request routing would do it too,
# but routing turns the browser's HTTP cache off, and the repeat visit measures that cache.)
OFFLINE = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"
WSGI = "from finder import create_app\napp = create_app()\n"


def measure(base: str) -> list[tuple[str, float, float, float, float]]:
    from playwright.sync_api import sync_playwright

    figures = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=["--no-sandbox", "--disable-gpu", OFFLINE])
        context = browser.new_context()
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", REGULAR_3G)
        received = []
        cdp.on("Network.loadingFinished", lambda event: received.append(event["encodedDataLength"]))
        for name, path, seconds, kilobytes in VISITS:
            received.clear()
            page.goto(base + path, wait_until="load")
            load = page.evaluate("() => { const n = performance.getEntriesByType('navigation')[0];"
                                 " return (n.loadEventEnd - n.startTime) / 1000; }")
            figures.append((name, load, sum(received) / 1000, seconds, kilobytes))
        browser.close()
    return figures


def main() -> None:
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"Chromium not found at {CHROMIUM}")
    with tempfile.TemporaryDirectory(prefix="bench-page-") as tmp:
        workdir = Path(tmp)
        env = {**server_env(workdir, seeded_database(workdir)), "FINDER_TILE_URL": "none"}
        (workdir / "bench_wsgi.py").write_text(WSGI)
        port = free_port()
        server = start_gunicorn(workdir, env, port)
        try:
            figures = measure(f"http://127.0.0.1:{port}")
        finally:
            server.terminate()
            server.wait(timeout=10)
    print("Results page in Chromium, 750 kbit/s down, 250 kbit/s up, 100 ms latency, no tiles:")
    for name, load, kb, seconds, kilobytes in figures:
        met = load < seconds and kb <= kilobytes
        print(f"  {name:30} load {load:5.2f} s  {kb:6.1f} KB  "
              f"target < {seconds} s and <= {kilobytes} KB: {'met' if met else 'MISSED'}")


if __name__ == "__main__":
    main()
