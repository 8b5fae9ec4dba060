"""`make loadtest`: 60 s of mixed load from 32 clients against gunicorn on 127.0.0.1.

PostgreSQL and Redis are used when they answer on 127.0.0.1 (as on CI's machine), else SQLite
and in-memory rate limits. Mix: 70% search pages, 20% /api/search, 5% referral assessments,
5% center edits through an API token (each reads the listing's version, then PATCHes it; the
two requests are timed separately, as every figure here is per request). Afterwards every
acknowledged edit must be in the database and in the audit log. Prints throughput,
p50/p95/p99 latency and errors by kind. Bounded: it stops by itself after the duration; it
talks only to 127.0.0.1.
"""
import argparse
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PLACES = ["Broken Hill", "Mount Isa", "Dubbo NSW", "2880", "4825", "Toowoomba", "Cairns",
          "Alice Springs", "Launceston", "Geelong", "Bunbury WA", "Port Augusta", "Wagga Wagga",
          "Tamworth NSW", "Mildura", "Bendigo", "Rockhampton", "Kalgoorlie", "Hobart", "Darwin"]
DRUGS = ["carboplatin", "amoxicillin", "penicillin", "paclitaxel", "rituximab", "aspirin",
         "lidocaine", "ceftriaxone", "meropenem", "", "infliximab"]
REFERRAL = {"drug": "carboplatin", "urgency": "soon", "patient": {"age_years": 58, "asthma": True},
            "reactions": [{"drug": "carboplatin", "years_ago": 1, "symptoms": ["urticaria", "hypotension"],
                           "treatment_required": True, "treatments": ["adrenaline"]}]}


def answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare_database(workdir: Path, sqlite: bool = False) -> str:
    if not sqlite and answers("127.0.0.1", 5432):
        import psycopg
        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS finder_load")
            conn.execute("CREATE DATABASE finder_load")
        return "postgresql+psycopg://postgres@127.0.0.1:5432/finder_load"
    return f"sqlite:///{workdir / 'load.sqlite'}"


def server_env(workdir: Path, database_url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FINDER_")}
    env.update(FINDER_DATABASE_URL=database_url, FINDER_INSTANCE_PATH=str(workdir),
               FINDER_GAZETTEER_PATH=str(ROOT / "instance" / "gazetteer.sqlite"))
    if answers("127.0.0.1", 6379):
        env["FINDER_RATELIMIT_STORAGE_URI"] = "redis://127.0.0.1:6379/14"
    return env


def admin_token(env: dict) -> tuple[str, list[int]]:
    """Seed the database, create an admin account and an API token (in a child process)."""
    script = (
        "from finder import create_app; from finder.db import open_session; "
        "from finder.directory import accounts; from finder.directory.models import Center; "
        "from sqlmodel import select; "
        "app = create_app(); s = open_session(app.extensions['finder.engine']); "
        "a = accounts.create_account(s, 'load-admin@example.org', 'load-test-password-123', "
        "role='admin', center_id=None, actor='loadtest'); "
        "t, _ = accounts.create_token(s, a, 'load'); "
        "ids = [c.id for c in s.exec(select(Center).where(Center.status == 'active')).all()]; "
        "import json; print(json.dumps({'token': t, 'ids': ids}))"
    )
    for command in (["finder", "init-db"], ["finder", "seed-demo"]):
        subprocess.run([str(BIN / "flask"), "--app", "wsgi", *command], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL)
    out = subprocess.run([str(BIN / "python"), "-c", script], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True).stdout
    data = json.loads(out.strip().splitlines()[-1])
    return data["token"], data["ids"]


class Client:
    def __init__(self, port: int, token: str, center_ids: list[int], seed: int):
        self.port, self.token, self.ids = port, token, center_ids
        self.random = random.Random(seed)
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.edits = 0
        self.read_ms = None  # an edit's first request (reading the version), timed apart

    def request(self, method, path, body=None, headers=None):
        try:
            self.conn.request(method, path, body=body, headers=headers or {})
            response = self.conn.getresponse()
            data = response.read()
            return response.status, data
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            raise

    def one(self):
        r = self.random.random()
        query = {"location": self.random.choice(PLACES), "drug": self.random.choice(DRUGS)}
        if r < 0.70:
            return "search_page", self.request("GET", "/search?" + urlencode(query)), None
        if r < 0.90:
            return "api_search", self.request("GET", "/api/search?" + urlencode(query)), None
        if r < 0.95:
            return "referral", self.request("POST", "/api/referral/assess", json.dumps(REFERRAL),
                                            {"Content-Type": "application/json"}), None
        return self.edit()

    def edit(self):
        """Read the listing's version, then PATCH it: two requests, timed one by one."""
        center = self.random.choice(self.ids)
        started = time.perf_counter()
        status, body = self.request("GET", f"/api/centers/{center}")
        self.read_ms = (time.perf_counter() - started) * 1000
        if status != 200:
            self.read_ms = None  # the whole operation is this one request
            return "edit_read", (status, body), None
        self.edits += 1
        phone = f"+61 2 {self.random.randrange(1000, 9999)} {self.edits:04d}"
        version = json.loads(body)["version"]
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        status, body = self.request("PATCH", f"/api/centers/{center}",
                                    json.dumps({"version": version, "phone": phone}), headers)
        return "edit", (status, body), (center, phone) if status == 200 else None


def drive(port, token, ids, clients, seconds, make_client=Client):
    latencies, errors, acknowledged, counts = defaultdict(list), Counter(), [], Counter()
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker(n):
        client = make_client(port, token, ids, seed=n)
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                kind, (status, _), ack = client.one()
            except Exception as error:  # counted, never raised: the run goes on
                with lock:
                    errors[f"connection:{type(error).__name__}"] += 1
                continue
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                if client.read_ms is not None:  # an edit: the read and the write are two requests
                    counts["edit_read"] += 1
                    latencies["edit_read"].append(client.read_ms)
                    elapsed -= client.read_ms
                    client.read_ms = None
                counts[kind] += 1
                latencies[kind].append(elapsed)
                if status >= 400 and not (kind == "edit" and status == 409):
                    errors[f"{kind}:{status}"] += 1
                if status == 409:
                    errors["edit:409 (conflict, expected under contention)"] += 1
                if ack:
                    acknowledged.append(ack)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors, acknowledged, counts, time.monotonic() - began


def check_edits(env, acknowledged) -> tuple[int, int]:
    """(missing from the audit log, listings whose phone is not their last audited phone)."""
    script = (
        "import json, sys; from finder import create_app; from finder.db import open_session; "
        "from finder.directory.models import AuditEntry, Center; from sqlmodel import select; "
        "app = create_app(); s = open_session(app.extensions['finder.engine']); "
        "acks = json.load(sys.stdin); "
        "audited = {(e.center_id, e.changes['phone'][1]) for e in s.exec(select(AuditEntry).where("
        "AuditEntry.action == 'update')).all() if 'phone' in e.changes}; "
        "missing = sum(1 for c, p in acks if (c, p) not in audited); "
        "last = {}; "
        "[last.__setitem__(e.center_id, e.changes['phone'][1]) for e in s.exec(select(AuditEntry)"
        ".where(AuditEntry.action == 'update').order_by(AuditEntry.id)).all() if 'phone' in e.changes]; "
        "stale = sum(1 for cid, p in last.items() if s.get(Center, cid).phone != p); "
        "print(json.dumps([missing, stale]))"
    )
    out = subprocess.run([str(BIN / "python"), "-c", script], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True, input=json.dumps(acknowledged)).stdout
    return tuple(json.loads(out.strip().splitlines()[-1]))


def pct(values, q):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=3,
                        help="gunicorn workers; 3 suits 2 cores with PostgreSQL beside them")
    parser.add_argument("--worker-class", default="gthread", choices=["gthread", "sync"])
    parser.add_argument("--threads", type=int, default=2,
                        help="threads a worker (more only queue on the GIL: the work is CPU-bound)")
    parser.add_argument("--sqlite", action="store_true", help="use SQLite even when PostgreSQL answers")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        database_url = prepare_database(workdir, args.sqlite)
        env = server_env(workdir, database_url)
        token, ids = admin_token(env)
        port = free_port()
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "--workers", str(args.workers), "--worker-class", args.worker_class,
             "--threads", str(args.threads), "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
             "wsgi:app"],
            cwd=ROOT, env=env)
        try:
            for _ in range(100):
                if answers("127.0.0.1", port):
                    break
                time.sleep(0.1)
            storage = "PostgreSQL" if database_url.startswith("postgresql") else "SQLite"
            limits = "Redis" if "FINDER_RATELIMIT_STORAGE_URI" in env else "memory"
            print(f"gunicorn {args.workers} {args.worker_class} workers x {args.threads} threads on "
                  f"127.0.0.1:{port}; {storage}; "
                  f"rate limits in {limits}; {args.clients} clients for {args.seconds} s")
            latencies, errors, acknowledged, counts, elapsed = drive(port, token, ids, args.clients,
                                                                     args.seconds)
        finally:
            server.terminate()
            server.wait(timeout=30)
        missing, stale = check_edits(env, acknowledged)
    every = [v for values in latencies.values() for v in values]
    total = sum(counts.values())
    print(f"\nrequests: {total} in {elapsed:.1f} s = {total / elapsed:.0f} req/s")
    print(f"{'kind':<12}{'count':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for kind in ("search_page", "api_search", "referral", "edit_read", "edit"):
        values = latencies.get(kind, [])
        print(f"{kind:<12}{len(values):>8}"
              f"{pct(values, 50):>9.1f}{pct(values, 95):>9.1f}{pct(values, 99):>9.1f}")
    print(f"{'all':<12}{len(every):>8}{pct(every, 50):>9.1f}{pct(every, 95):>9.1f}{pct(every, 99):>9.1f}")
    print("errors by kind:", dict(errors) or "none")
    server_errors = sum(n for k, n in errors.items() if ":5" in k)
    print(f"acknowledged edits: {len(acknowledged)}; missing from audit/database: {missing}; "
          f"listings not at their last audited value: {stale}")
    ok = server_errors == 0 and missing == 0 and stale == 0 and pct(every, 95) < 300
    print("targets (zero 5xx, zero lost edits, p95 < 300 ms):", "met" if ok else "NOT met")
    if statistics.mean(every or [0]) and not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
