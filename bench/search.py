"""Patient search benchmark: `python bench/search.py` (part of `make bench`).

1. HTTP, side by side in one run: gunicorn with 2 sync workers on 127.0.0.1 over a temporary
   SQLite copy seeded with the demonstration listings. A bare route renders a template as
   large as the search page; /api/search and /search (with its map) are reported as a ratio
   of its throughput, with p50/p99 latency: once repeating one query (answers reused for up
   to a minute, finder/web/search_cache.py) and once with every query new ("uncached").
   Load: wrk when installed, else a bounded loop of keep-alive http.client threads.
   Targets: /api/search >= 0.5, /search >= 0.25 of bare.
2. find_centers alone at 100, 10,000 and 100,000 centers (rows bulk-inserted): p50/p99 over
   random Australian places and filters. Target: p99 < 20 ms at 100,000.
Talks only to 127.0.0.1; every server it starts is stopped when it ends.
"""
import argparse
import http.client
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
QUERY = "location=Brisbane&drug=carboplatin"
TARGETS = {"/api/search": 0.5, "/search": 0.25}
CITIES = [(-33.87, 151.21), (-37.81, 144.96), (-27.47, 153.02), (-31.95, 115.86),
          (-34.93, 138.60), (-42.88, 147.33), (-12.46, 130.84), (-35.28, 149.13),
          (-19.26, 146.82), (-16.92, 145.77)]
BENCH_WSGI = '''
from pathlib import Path
from finder import create_app

app = create_app()
_bare = app.jinja_env.from_string(Path(__file__).with_name("bare.html").read_text())


@app.get("/bench/bare")
def bench_bare():
    return _bare.render(title="A bare page")
'''


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(workdir: Path, db_url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FINDER_")}
    env.update(FINDER_DATABASE_URL=db_url, FINDER_INSTANCE_PATH=str(workdir),
               FINDER_SECRET_KEY="bench-secret-key-" + "x" * 32,
               FINDER_GAZETTEER_PATH=str(gazetteer(workdir)),
               PYTHONPATH=os.pathsep.join([str(workdir), str(ROOT)]))
    return env


def gazetteer(workdir: Path) -> Path:
    from finder.geocoding import build_gazetteer, gazetteer_is_current

    built = ROOT / "instance" / "gazetteer.sqlite"
    if gazetteer_is_current(built):
        return built
    path = workdir / "gazetteer.sqlite"
    if not path.exists():
        print("building the gazetteer (once)…", flush=True)
        build_gazetteer(path)
    return path


def seeded_database(workdir: Path) -> str:
    from finder.cli import DEMO_FILE
    from finder.db import build_engine, open_session
    from finder.directory.exchange import seed_demo
    from finder.migrate import upgrade

    url = f"sqlite:///{workdir / 'bench.sqlite'}"
    upgrade(url)
    engine = build_engine(url)
    with open_session(engine) as session:
        seed_demo(session, json.loads(DEMO_FILE.read_text())["centers"], actor="bench")
    engine.dispose()
    return url


def write_bare_page(workdir: Path, env: dict) -> int:
    """A static template as large as the search page, so the ratio measures our work only."""
    from finder import create_app
    from finder.config import load_settings

    app = create_app({"settings": load_settings(env)})
    size = len(app.test_client().get(f"/search?{QUERY}").data)
    app.extensions["finder.engine"].dispose()
    filler = "<p>Drug desensitization is done only in hospitals, by specialist teams.</p>\n"
    body = filler * (size // len(filler))
    (workdir / "bare.html").write_text(
        f"<!doctype html><html lang=\"en\"><head><title>{{{{ title }}}}</title></head><body>\n"
        f"{body}</body></html>\n")
    (workdir / "bench_wsgi.py").write_text(BENCH_WSGI)
    return size


def start_gunicorn(workdir: Path, env: dict, port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", "--chdir", str(workdir),
         "--log-level", "warning", "bench_wsgi:app"], env=env, cwd=str(workdir))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("gunicorn did not start within 30 s")


def _ms(text: str) -> float:
    found = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if found is None:
        raise SystemExit(f"unexpected wrk latency figure {text!r}")
    value, unit = found.groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


UNIQUE_LUA = """
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, wrk.path .. "&n=" .. n .. "-" .. math.random(1e9))
end
"""


def load_wrk(url: str, seconds: int, connections: int, unique: bool = False) -> dict:
    """wrk's figures; `unique` adds a never-repeated parameter, so no answer is reused."""
    script = []
    if unique:
        lua = Path(tempfile.mkdtemp(prefix="bench-wrk-")) / "unique.lua"
        lua.write_text(UNIQUE_LUA)
        script = ["-s", str(lua)]
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency",
                          *script, url], capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in out:
        raise SystemExit(f"errors while loading {url}:\n{out}")
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p50": _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)),
            "p99": _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))}


def load_python(url: str, seconds: int, connections: int, unique: bool = False) -> dict:
    """A bounded keep-alive loop, for machines without wrk (slower: ratios are understated)."""
    port, path = int(url.split(":")[2].split("/")[0]), "/" + url.split("/", 3)[3]
    latencies: list[float] = []
    deadline = time.monotonic() + seconds

    def worker():
        conn, mine = http.client.HTTPConnection("127.0.0.1", port, timeout=10), []
        while time.monotonic() < deadline:
            start = time.perf_counter()
            conn.request("GET", f"{path}&n={random.random()}" if unique else path)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                raise SystemExit(f"{path} answered {response.status}")
            mine.append((time.perf_counter() - start) * 1000)
        latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    cuts = statistics.quantiles(latencies, n=100)
    return {"rps": len(latencies) / seconds, "p50": cuts[49], "p99": cuts[98]}


def http_figures(seconds: int, connections: int) -> None:
    load = load_wrk if shutil.which("wrk") else load_python
    with tempfile.TemporaryDirectory(prefix="bench-search-") as tmp:
        workdir = Path(tmp)
        env = server_env(workdir, seeded_database(workdir))
        size = write_bare_page(workdir, env)
        port = free_port()
        server = start_gunicorn(workdir, env, port)
        try:
            base = f"http://127.0.0.1:{port}"
            urls = {"bare": f"{base}/bench/bare", "/api/search": f"{base}/api/search?{QUERY}",
                    "/search": f"{base}/search?{QUERY}"}
            for url in urls.values():  # warm both workers: templates, gazetteer, base map
                load(url, 1, connections)
            figures = {name: load(url, seconds, connections) for name, url in urls.items()}
            for name in ("/api/search", "/search"):  # every request a new query: no reuse
                figures[f"{name} uncached"] = load(urls[name], seconds, connections, unique=True)
        finally:
            server.terminate()
            server.wait(timeout=10)
    print(f"HTTP: gunicorn 2 workers, {connections} connections, {seconds} s each, "
          f"{load.__name__.removeprefix('load_')}; page size {size:,} bytes; query ?{QUERY}")
    bare = figures["bare"]["rps"]
    for name, f in figures.items():
        ratio = f["rps"] / bare
        target = TARGETS.get(name.split()[0])
        verdict = "" if target is None else (
            f"  target >= {target}: {'met' if ratio >= target else 'MISSED'}")
        print(f"  {name:21} {f['rps']:8.0f} req/s  ratio {ratio:4.2f}  "
              f"p50 {f['p50']:6.2f} ms  p99 {f['p99']:6.2f} ms{verdict}")


def random_centers(count: int, rng: random.Random) -> list[dict]:
    from finder.vocabulary import DRUG_CLASSES

    rows, classes = [], list(DRUG_CLASSES)
    for i in range(count):
        if rng.random() < 0.7:
            lat, lon = rng.choice(CITIES)
            lat, lon = lat + rng.gauss(0, 0.7), lon + rng.gauss(0, 0.7)
        else:
            lat, lon = rng.uniform(-43, -11), rng.uniform(114, 153)
        rows.append({
            "name": f"Center {i}", "organisation": "Bench hospital", "locality": "Town",
            "country": "AU", "lat": lat, "lon": lon, "status": "active",
            "drug_classes": rng.sample(classes, rng.randint(1, 5)),
            "routes": rng.sample(["iv", "oral", "subcutaneous"], rng.randint(1, 3)),
            "age_min_years": rng.choice([None, 0, 18]), "telehealth_preassessment": rng.random() < .3,
            "accepting_referrals": rng.choice(["yes", "paused", "unknown"]),
            "cost": rng.choice(["public", "private", "both", "unknown"]), "languages": [],
            "referral_from": [], "hours": [], "version": 1})
    return rows


def find_centers_figures(sizes: list[int], queries: int) -> None:
    from sqlalchemy import insert, text

    from finder.db import build_engine, open_session
    from finder.directory.models import Center, utcnow
    from finder.geocoding.place import Place
    from finder.migrate import upgrade
    from finder.search.nearest import find_centers

    print(f"find_centers: SQLite, {queries} random Australian places and filters per size")
    for size in sizes:
        rng = random.Random(size)
        with tempfile.TemporaryDirectory(prefix="bench-find-") as tmp:
            url = f"sqlite:///{Path(tmp) / 'centers.sqlite'}"
            upgrade(url)
            engine = build_engine(url)
            now = utcnow()
            rows = [{**r, "created_at": now, "updated_at": now} for r in random_centers(size, rng)]
            with engine.begin() as conn:
                for start in range(0, len(rows), 10_000):
                    conn.execute(insert(Center), rows[start:start + 10_000])
                plan = conn.execute(text(
                    "EXPLAIN QUERY PLAN SELECT id FROM center WHERE lat >= -28 AND lat <= -27 "
                    "AND lon >= 152 AND lon <= 153")).fetchall()
            timings = []
            with open_session(engine) as session:
                for n in range(queries + 20):
                    lat, lon = rng.choice(CITIES) if rng.random() < 0.5 else (
                        rng.uniform(-40, -12), rng.uniform(115, 152))
                    place = Place("Somewhere", lat + rng.gauss(0, 0.3), lon + rng.gauss(0, 0.3),
                                  "AU", remoteness=rng.choice([1, 1, 2, 3, 5, 7]))
                    criteria = {"drug_class": rng.choice([None, "penicillins", "platinum", "taxanes"]),
                                "child": rng.random() < 0.2, "limit": 10,
                                "accepting": rng.choice([None, None, True])}
                    start = time.perf_counter()
                    find_centers(place, session=session, **criteria)
                    if n >= 20:  # the first ones warm the caches
                        timings.append((time.perf_counter() - start) * 1000)
                    session.expunge_all()
            engine.dispose()
        cuts = statistics.quantiles(timings, n=100)
        verdict = f"  target p99 < 20 ms: {'met' if cuts[98] < 20 else 'MISSED'}" if (
            size >= 100_000) else ""
        index = "uses ix_center_lat_lon" if "ix_center_lat_lon" in str(plan) else f"plan {plan}"
        print(f"  {size:>7,} centers  p50 {cuts[49]:6.2f} ms  p99 {cuts[98]:6.2f} ms  "
              f"({index}){verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5, help="load per route (default 5)")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--queries", type=int, default=500, help="find_centers calls per size")
    parser.add_argument("--sizes", default="100,10000,100000")
    args = parser.parse_args()
    http_figures(args.seconds, args.connections)
    find_centers_figures([int(s) for s in args.sizes.split(",")], args.queries)


if __name__ == "__main__":
    main()
