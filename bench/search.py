"""Patient search benchmark: `python bench/search.py` (part of `make bench`).

1. HTTP, side by side in one run (each route's rounds between rounds of the bare route, its
   ratio taken against those): gunicorn with 2 sync workers on 127.0.0.1 over a temporary
   SQLite copy seeded with the demonstration listings, the search response cache off
   (FINDER_SEARCH_CACHE_SECONDS=0). A bare route renders a template as large as the search
   page; each route is reported as a ratio of its throughput, with p50/p99 latency, every
   request a new place (random points in Australia; for /api/geocode, random Australian
   place names and postcodes; for the center page, random listings).
   Targets: /api/search >= 0.5, /search >= 0.35, FHIR location.near >= 0.4,
   center page >= 0.6, /api/geocode >= 0.6 of bare.
2. find_centers alone at 100, 10,000 and 100,000 centers (rows bulk-inserted), from the
   worker's snapshot: p50/p99 over random Australian places and filters, and the time to
   build the snapshot. Targets at 100,000: p99 < 5 ms, rebuild < 2 s.
3. Peak memory of a worker (a fresh process, started as deployed after `finder init-db`: the
   app, the gazetteer, a 100,000-listing snapshot and a few hundred searches through every
   route). Target < 150 MB.
Load: wrk when installed, else a bounded loop of keep-alive http.client threads.
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
TARGETS = {"/api/search": 0.5, "/search": 0.35, "FHIR location.near": 0.4, "center page": 0.6,
           "/api/geocode": 0.6}
PATHS_PER_ROUTE = 20_000
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
               FINDER_GAZETTEER_PATH=str(gazetteer(workdir)), FINDER_SEARCH_CACHE_SECONDS="0",
               # every request comes as another visitor through one trusted proxy hop, so the
               # per-client rate limits run on the path (as in production) without tripping
               FINDER_PROXY_HOPS="1",
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


PATHS_LUA = """
local paths = {%s}
local n = 0
init = function(args)
  n = math.random(#paths)
end
request = function()
  n = n %% #paths + 1
  local client = "10." .. math.random(0, 255) .. "." .. math.random(0, 255) .. "." .. math.random(1, 254)
  return wrk.format(nil, paths[n], {["X-Forwarded-For"] = client})
end
"""


def load_wrk(base: str, paths: list[str], seconds: int, connections: int) -> dict:
    """wrk's figures over `paths`, taken in turn (each thread from its own random start)."""
    lua = Path(tempfile.mkdtemp(prefix="bench-wrk-")) / "paths.lua"
    lua.write_text(PATHS_LUA % ",".join(json.dumps(p) for p in paths))
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency",
                          "-s", str(lua), base + paths[0]],
                         capture_output=True, text=True, check=True).stdout
    shutil.rmtree(lua.parent, ignore_errors=True)
    if "Non-2xx" in out:
        raise SystemExit(f"errors while loading {paths[0]}:\n{out}")
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p50": _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)),
            "p99": _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))}


def load_python(base: str, paths: list[str], seconds: int, connections: int) -> dict:
    """A bounded keep-alive loop, for machines without wrk (slower: ratios are understated)."""
    port = int(base.rsplit(":", 1)[1])
    latencies: list[float] = []
    deadline = time.monotonic() + seconds

    def worker(offset: int):
        conn, mine, n = http.client.HTTPConnection("127.0.0.1", port, timeout=10), [], offset
        while time.monotonic() < deadline:
            n += 1
            start = time.perf_counter()
            conn.request("GET", paths[n % len(paths)],
                         headers={"X-Forwarded-For": f"10.{n % 251}.{offset % 251}.{n % 199 + 1}"})
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                raise SystemExit(f"{paths[n % len(paths)]} answered {response.status}")
            mine.append((time.perf_counter() - start) * 1000)
        latencies.extend(mine)

    threads = [threading.Thread(target=worker, args=(i * 997,)) for i in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    cuts = statistics.quantiles(latencies, n=100)
    return {"rps": len(latencies) / seconds, "p50": cuts[49], "p99": cuts[98]}


def australian_points(rng: random.Random, count: int) -> list[tuple[float, float]]:
    """Random points in mainland Australia's and Tasmania's bounding box, 4 decimals."""
    return [(round(rng.uniform(-43.0, -11.0), 4), round(rng.uniform(114.0, 153.5), 4))
            for _ in range(count)]


def place_names(gazetteer_path: Path, rng: random.Random, count: int) -> list[str]:
    """Australian locality names and postcodes from the gazetteer, shuffled."""
    import sqlite3

    with sqlite3.connect(gazetteer_path) as conn:
        rows = conn.execute("SELECT label, postcode FROM place WHERE country = 'AU' "
                            "AND kind = 'locality'").fetchall()
    names = [label.split(",")[0] for label, _ in rows] + [p for _, p in rows if p]
    rng.shuffle(names)
    return (names * (count // max(1, len(names)) + 1))[:count]


def route_paths(env: dict, database_url: str) -> dict[str, list[str]]:
    """Every route's requests: a new place (or listing) each time."""
    from urllib.parse import quote

    from sqlalchemy import create_engine, text

    rng = random.Random(17)
    points = australian_points(rng, PATHS_PER_ROUTE)
    engine = create_engine(database_url)
    with engine.connect() as conn:
        ids = [r[0] for r in conn.execute(text("SELECT id FROM center WHERE status = 'active'"))]
    engine.dispose()
    names = place_names(Path(env["FINDER_GAZETTEER_PATH"]), rng, PATHS_PER_ROUTE)
    return {
        "bare": ["/bench/bare"],
        "/api/search": [f"/api/search?lat={a}&lon={o}&drug=carboplatin" for a, o in points],
        "/search": [f"/search?lat={a}&lon={o}&drug=carboplatin" for a, o in points],
        "FHIR location.near": [f"/fhir/HealthcareService?location.near={a}%7C{o}%7C300%7Ckm"
                               for a, o in points],
        "center page": [f"/centers/{rng.choice(ids)}" for _ in range(PATHS_PER_ROUTE)],
        "/api/geocode": [f"/api/geocode?q={quote(n)}" for n in names],
    }


def http_figures(seconds: int, connections: int, only: set[str] | None = None) -> None:
    load = load_wrk if shutil.which("wrk") else load_python
    with tempfile.TemporaryDirectory(prefix="bench-search-") as tmp:
        workdir = Path(tmp)
        database_url = seeded_database(workdir)
        env = server_env(workdir, database_url)
        size = write_bare_page(workdir, env)
        paths = route_paths(env, database_url)
        if only:
            paths = {name: route for name, route in paths.items() if name == "bare" or name in only}
        if "/api/geocode" in paths:
            paths["/api/geocode"] = answered(env, paths["/api/geocode"])
        port = free_port()
        server = start_gunicorn(workdir, env, port)
        try:
            base = f"http://127.0.0.1:{port}"
            for route in paths.values():  # warm both workers: templates, gazetteer, snapshot
                load(base, route, 1, connections)
            figures = side_by_side(load, base, paths, seconds, connections)
        finally:
            server.terminate()
            server.wait(timeout=10)
    print(f"HTTP: gunicorn 2 workers, {connections} connections, {ROUNDS} rounds of "
          f"{segment_s(seconds)} s per route, each between two rounds of the bare route; "
          f"{load.__name__.removeprefix('load_')}; search cache off; a new place each request; "
          f"bare page {size:,} bytes")
    for name, f in figures.items():
        target = TARGETS.get(name)
        verdict = "" if target is None else (
            f"  target >= {target}: {'met' if f['ratio'] >= target else 'MISSED'}")
        print(f"  {name:21} {f['rps']:8.0f} req/s  ratio {f['ratio']:4.2f}  "
              f"p50 {f['p50']:6.2f} ms  p99 {f['p99']:6.2f} ms{verdict}")


ROUNDS = 3


def segment_s(seconds: int) -> int:
    return max(1, round(seconds / ROUNDS))


def side_by_side(load, base: str, paths: dict, seconds: int, connections: int) -> dict:
    """Each route in ROUNDS short rounds, each round between two rounds of the bare route,
    and its ratio against those bare rounds only: a shared machine's speed drifts over a
    minute, so a ratio to one bare figure taken at the start would measure the drift."""
    segment = segment_s(seconds)
    figures = {"bare": {"rps": [], "p50": [], "p99": []}}
    bare_before = load(base, paths["bare"], segment, connections)
    for name, route in paths.items():
        if name == "bare":
            continue
        mine, bare_rps = {"rps": [], "p50": [], "p99": []}, []
        for _ in range(ROUNDS):
            measured = load(base, route, segment, connections)
            bare_after = load(base, paths["bare"], segment, connections)
            for key in mine:
                mine[key].append(measured[key])
            bare_rps += [bare_before["rps"], bare_after["rps"]]
            for key in figures["bare"]:
                figures["bare"][key].append(bare_after[key])
            bare_before = bare_after
        figures[name] = {"rps": statistics.fmean(mine["rps"]),
                         "ratio": statistics.fmean(mine["rps"]) / statistics.fmean(bare_rps),
                         "p50": statistics.median(mine["p50"]), "p99": max(mine["p99"])}
    bare = figures["bare"]
    figures["bare"] = {"rps": statistics.fmean(bare["rps"]), "ratio": 1.0,
                       "p50": statistics.median(bare["p50"]), "p99": max(bare["p99"])}
    return figures


def answered(env: dict, paths: list[str]) -> list[str]:
    """Only the names the gazetteer finds (wrk counts a 404 as an error)."""
    from finder import create_app
    from finder.config import load_settings

    app = create_app({"settings": load_settings(env)})
    client = app.test_client()
    kept = [p for p in paths[:3000] if client.get(p).status_code == 200]
    app.extensions["finder.engine"].dispose()
    return kept


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


def directory_of(size: int, rng: random.Random, folder: Path) -> str:
    """A migrated SQLite file holding `size` random active listings, bulk-inserted."""
    from sqlalchemy import insert
    from sqlmodel import Session

    from finder.db import build_engine
    from finder.directory.generation import bump_generation
    from finder.directory.models import Center, utcnow
    from finder.migrate import upgrade

    url = f"sqlite:///{folder / 'centers.sqlite'}"
    upgrade(url)
    engine = build_engine(url)
    now = utcnow()
    rows = [{**r, "created_at": now, "updated_at": now} for r in random_centers(size, rng)]
    with Session(engine) as session:
        for start in range(0, len(rows), 10_000):
            session.execute(insert(Center), rows[start:start + 10_000])
        bump_generation(session)
        session.commit()
    engine.dispose()
    return url


def find_centers_figures(sizes: list[int], queries: int) -> None:
    from finder.db import build_engine, open_session
    from finder.geocoding.place import Place
    from finder.search.holder import SnapshotHolder
    from finder.search.nearest import find_centers

    print(f"find_centers from the snapshot: {queries} random Australian places and filters "
          "per size")
    for size in sizes:
        rng = random.Random(size)
        with tempfile.TemporaryDirectory(prefix="bench-find-") as tmp:
            engine = build_engine(directory_of(size, rng, Path(tmp)))
            builds = []
            for _ in range(3):
                start = time.perf_counter()
                SnapshotHolder(engine).rebuild()
                builds.append(time.perf_counter() - start)
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
                    if n >= 20:  # the first ones build the snapshot and warm the caches
                        timings.append((time.perf_counter() - start) * 1000)
            engine.dispose()
        cuts = statistics.quantiles(timings, n=100)
        rebuild = min(builds)
        verdict = (f"  targets p99 < 5 ms: {'met' if cuts[98] < 5 else 'MISSED'}, rebuild < 2 s: "
                   f"{'met' if rebuild < 2 else 'MISSED'}") if size >= 100_000 else ""
        print(f"  {size:>7,} centers  p50 {cuts[49]:6.2f} ms  p99 {cuts[98]:6.2f} ms  "
              f"rebuild {rebuild:5.2f} s{verdict}")


WORKER_PROBE = """
import os, random
from finder import create_app
from finder.config import load_settings


def resident_mb(field="VmRSS"):
    # VmHWM, not getrusage's ru_maxrss: Linux carries ru_maxrss over exec, so a child would
    # report this benchmark's own 100,000 rows as its peak
    with open("/proc/self/status") as status:
        return int(status.read().split(f"{field}:")[1].split()[0]) / 1024


app = create_app({"settings": load_settings(os.environ)})
client = app.test_client()
assert client.get("/healthz").status_code == 200
figures = [resident_mb()]
rng = random.Random(5)
for n in range(300):
    lat, lon = rng.uniform(-43, -11), rng.uniform(114, 153)
    for path in (f"/api/search?lat={lat}&lon={lon}&drug=carboplatin", f"/search?lat={lat}&lon={lon}"):
        visitor = {"REMOTE_ADDR": f"10.0.{n // 250}.{n % 250 + 1}"}  # under the per-client limits
        assert client.get(path, environ_base=visitor).status_code == 200, path
figures.append(resident_mb())
for n in range(100):
    lat, lon = rng.uniform(-43, -11), rng.uniform(114, 153)
    path = f"/fhir/HealthcareService?location.near={lat}%7C{lon}%7C50%7Ckm"
    visitor = {"REMOTE_ADDR": f"10.1.{n // 250}.{n % 250 + 1}"}
    assert client.get(path, environ_base=visitor).status_code == 200, path
figures.append(resident_mb("VmHWM"))
print(*figures)
"""


def memory_figure(size: int) -> None:
    """Resident memory of one process serving searches over `size` listings: the app alone,
    after 300 searches through the API and the page, and the peak after 100 FHIR near-searches."""
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp:
        url = directory_of(size, random.Random(size), Path(tmp))
        env = {**server_env(Path(tmp), url), "FINDER_SEARCH_CACHE_SECONDS": "0"}
        # as deployed: `finder init-db` sets the instance up (migrations, the map's rendering)
        # before any worker starts
        subprocess.run([str(BIN / "flask"), "--app", "wsgi", "finder", "init-db"], env=env,
                       cwd=str(ROOT), check=True, capture_output=True)
        done = subprocess.run([sys.executable, "-c", WORKER_PROBE], env=env, cwd=str(ROOT),
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"the memory probe failed:\n{done.stderr[-3000:]}")
    alone, searched, peak = (float(x) for x in done.stdout.split()[-3:])
    print(f"Memory of a worker at {size:,} listings: the app alone {alone:.0f} MB; after 300 "
          f"searches on /api/search and /search {searched:.0f} MB; peak after 100 FHIR "
          f"near-searches {peak:.0f} MB  target < 150 MB: {'met' if peak < 150 else 'MISSED'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5, help="load per route (default 5)")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--queries", type=int, default=500, help="find_centers calls per size")
    parser.add_argument("--sizes", default="100,10000,100000")
    parser.add_argument("--skip", default="", help="comma-separated: http,find,memory")
    parser.add_argument("--routes", default="", help="comma-separated HTTP routes to load "
                        "(names as printed, e.g. /search); all when empty")
    args = parser.parse_args()
    skip = set(args.skip.split(","))
    if "http" not in skip:
        http_figures(args.seconds, args.connections,
                     {r.strip() for r in args.routes.split(",") if r.strip()} or None)
    if "find" not in skip:
        find_centers_figures([int(s) for s in args.sizes.split(",")], args.queries)
    if "memory" not in skip:
        memory_figure(max(int(s) for s in args.sizes.split(",")))


if __name__ == "__main__":
    main()
