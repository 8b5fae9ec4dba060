"""FHIR near-search throughput as a ratio to /api/search for the same point, in one run.

    python bench/fhir.py [--seconds 5] [--rounds 3] [--clients 8] [--workers 2]

Serves the app with gunicorn on 127.0.0.1 (a fresh SQLite file: 20 centers within 50 km of
Brisbane, 600 elsewhere in Australia) and alternates timed rounds of
  GET /fhir/HealthcareService?location.near=-27.47|153.02|50|km&_include=HealthcareService:location
  GET /api/search?lat=-27.47&lon=153.02&radius_km=50&limit=20
from keep-alive clients. Both return the same 20 centers. Target: FHIR >= 0.5 of /api/search.
"""
import argparse
import http.client
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

LAT, LON = -27.47, 153.02
URLS = {
    "api_search": f"/api/search?lat={LAT}&lon={LON}&radius_km=50&limit=20",
    "fhir_near": f"/fhir/HealthcareService?location.near={LAT}%7C{LON}%7C50%7Ckm"
                 "&_include=HealthcareService:location&_count=20",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def seed(database_url: str) -> None:
    from finder.db import build_engine, open_session
    from finder.directory import exchange
    from finder.migrate import upgrade

    upgrade(database_url)
    rng = random.Random(7)
    near = [(LAT + rng.uniform(-0.25, 0.25), LON + rng.uniform(-0.25, 0.25)) for _ in range(20)]
    far = [(rng.uniform(-38, -12), rng.uniform(115, 150)) for _ in range(600)]
    rows = [{"name": f"Allergy Service {i}", "organisation": f"Hospital {i}", "locality": "Town",
             "region": "QLD", "postcode": "4000", "country": "AU", "lat": lat, "lon": lon,
             "phone": "+61 7 3000 0000", "drug_classes": ["platinum", "penicillins"],
             "routes": ["iv", "oral"], "languages": ["en", "vi"], "referral_from": ["gp"],
             "hours": [{"day": "mon", "opens": "08:30", "closes": "16:00"}],
             "referral_process": "GP letter to the immunology clinic."}
            for i, (lat, lon) in enumerate(near + far)]
    engine = build_engine(database_url)
    with open_session(engine) as session:
        exchange.import_records(session, rows, actor="bench")
    engine.dispose()


def check(port: int) -> None:
    """Both endpoints answer 200 with the same 20 centers, in the same order."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", URLS["api_search"])
    api = json.loads(conn.getresponse().read())
    conn.request("GET", URLS["fhir_near"])
    bundle = json.loads(conn.getresponse().read())
    api_ids = [r["center"]["id"] for r in api["results"]]
    fhir_ids = [int(e["resource"]["id"]) for e in bundle["entry"]
                if e["search"]["mode"] == "match"]
    if len(api_ids) != 20 or api_ids != fhir_ids:
        raise SystemExit(f"endpoints disagree: api {api_ids} fhir {fhir_ids}")


def drive(port: int, path: str, clients: int, seconds: float) -> tuple[int, float, int]:
    done, errors, stop = [0] * clients, [0] * clients, time.perf_counter() + seconds

    def worker(n: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.perf_counter() < stop:
            # each request as another visitor through one trusted proxy hop: the per-client
            # limits run on the path, as in production, without refusing the benchmark
            i = done[n]
            conn.request("GET", path, headers={
                "X-Forwarded-For": f"10.{n}.{i // 250 % 250}.{i % 250 + 1}"})
            response = conn.getresponse()
            response.read()
            done[n] += 1
            errors[n] += response.status != 200

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done), time.perf_counter() - started, sum(errors)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        database_url = f"sqlite:///{Path(tmp) / 'bench.sqlite'}"
        seed(database_url)
        env = {k: v for k, v in os.environ.items() if not k.startswith("FINDER_")}
        # Both sides do their full work: /api/search's response cache would otherwise answer
        # the repeated query from memory while the FHIR search computes every time.
        env.update(FINDER_DATABASE_URL=database_url, FINDER_INSTANCE_PATH=tmp,
                   FINDER_SEARCH_CACHE_SECONDS="0", FINDER_PROXY_HOPS="1",
                   FINDER_GAZETTEER_PATH=str(ROOT / "instance" / "gazetteer.sqlite"))
        port = free_port()
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "--workers", str(args.workers), "--bind", f"127.0.0.1:{port}",
             "--worker-class", "gthread", "--threads", "4", "--log-level", "warning", "wsgi:app"],
            cwd=ROOT, env=env)
        try:
            for _ in range(200):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.1)
            check(port)
            drive(port, URLS["api_search"], args.clients, 1)  # warm up both
            drive(port, URLS["fhir_near"], args.clients, 1)
            totals = {kind: [0, 0.0, 0] for kind in URLS}
            for _ in range(args.rounds):
                for kind, path in URLS.items():
                    count, elapsed, errors = drive(port, path, args.clients, args.seconds)
                    totals[kind][0] += count
                    totals[kind][1] += elapsed
                    totals[kind][2] += errors
        finally:
            server.terminate()
            server.wait(timeout=30)
    rates = {kind: count / elapsed for kind, (count, elapsed, _) in totals.items()}
    print(f"gunicorn {args.workers} workers x 4 threads, SQLite, {args.clients} clients, "
          f"{args.rounds} alternating rounds of {args.seconds:g} s each")
    for kind, (count, _, errors) in totals.items():
        print(f"{kind:<11} {rates[kind]:8.0f} req/s  ({count} requests, {errors} errors)")
    ratio = rates["fhir_near"] / rates["api_search"]
    print(f"FHIR near search (20 services + 20 Locations) / /api/search: {ratio:.2f} "
          f"(target >= 0.5) {'OK' if ratio >= 0.5 else 'BELOW TARGET'}")
    if any(errors for _, _, errors in totals.values()):
        sys.exit(1)


if __name__ == "__main__":
    main()
