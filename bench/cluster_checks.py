"""The cluster's scenario: a mixed load through nginx with one replica killed and restarted, then
the checks the topology must pass. The request loop, the edit (read the version, then PATCH it)
and the check that every acknowledged edit is stored are bench/loadtest.py's.
"""
import http.client
import json
import re
import ssl
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from functools import partial
from urllib.parse import urlencode

from bench.loadtest import DRUGS, PLACES, REFERRAL, Client, check_edits, drive, pct

IDEMPOTENT = ("search_page", "api_search", "center_page", "fhir", "edit_read")  # all GETs
NOT_IDEMPOTENT = ("referral", "edit")  # POST and PATCH: nginx never retries them
FAILED_SIGN_INS_ALLOWED = 5  # finder.web.manage.signin.FAILED_LOGINS, per minute
SUBMISSIONS_ALLOWED = 10  # the public "list your center" form, per address and hour


def random_point(rng) -> dict:
    """Anywhere in mainland Australia's bounding box, so every search is a new place."""
    return {"lat": f"{rng.uniform(-38.5, -12.5):.4f}", "lon": f"{rng.uniform(114.5, 153.5):.4f}"}


class ClusterClient(Client):
    """loadtest's client over verified TLS to nginx, with the cluster's wider mix. A request that
    fails on the wire is counted as status 599 of its own kind rather than raised."""

    def __init__(self, port, token, ids, seed, context):
        super().__init__(port, token, ids, seed)
        self.context = context
        self.conn = self._connect()

    def _connect(self):
        return http.client.HTTPSConnection("127.0.0.1", self.port, timeout=40, context=self.context)

    def request(self, method, path, body=None, headers=None):
        # A kept-alive connection the server closed in the meantime fails on reuse before the
        # request is read; like a browser, send an idempotent request again once, on a new one.
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=headers or {})
                response = self.conn.getresponse()
                return response.status, response.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.conn.close()
                self.conn = self._connect()
                if method != "GET" or attempt == 2:
                    return 599, b""
            except (OSError, http.client.HTTPException):
                self.conn.close()
                self.conn = self._connect()
                return 599, b""
        return 599, b""

    def one(self):
        r, rng = self.random.random(), self.random
        drug = {"drug": rng.choice(DRUGS)}
        if r < 0.30:
            where = {"location": rng.choice(PLACES)} if rng.random() < 0.4 else random_point(rng)
            return "search_page", self.request("GET", "/search?" + urlencode({**where, **drug})), None
        if r < 0.50:
            query = urlencode({**random_point(rng), **drug, "radius_km": 2000})
            return "api_search", self.request("GET", "/api/search?" + query), None
        if r < 0.65:
            return "center_page", self.request("GET", f"/centers/{rng.choice(self.ids)}"), None
        if r < 0.80:
            point = random_point(rng)
            near = f"{point['lat']}|{point['lon']}|1000|km"
            query = urlencode({"location.near": near, "_count": 10})
            return "fhir", self.request("GET", "/fhir/HealthcareService?" + query), None
        if r < 0.90:
            return "referral", self.request("POST", "/api/referral/assess", json.dumps(REFERRAL),
                                            {"Content-Type": "application/json"}), None
        return self.edit()


@dataclass
class Result:
    seconds: float = 0.0
    counts: Counter = field(default_factory=Counter)
    latencies: dict = field(default_factory=dict)
    errors: Counter = field(default_factory=Counter)
    acknowledged: int = 0
    missing: int = -1
    lost_updates: int = -1
    retried: int = 0
    served_by: Counter = field(default_factory=Counter)
    per_address: list = field(default_factory=list)
    other_address: int = 0
    per_account: list = field(default_factory=list)
    submissions: list = field(default_factory=list)
    sign_in_replicas: int = 0
    visible_after: float | None = None
    leaks: list = field(default_factory=list)

    def failed(self, kinds) -> int:
        return sum(n for key, n in self.errors.items()
                   if key.split(":")[0] in kinds and int(key.split(":")[1][:3]) >= 500)

    @property
    def throttled_once(self) -> bool:
        limit = FAILED_SIGN_INS_ALLOWED
        expected = [401] * limit + [429]
        submitted = [status == 429 for status in self.submissions]
        return (self.per_address == expected and self.per_account == expected
                and self.other_address == 401 and self.sign_in_replicas == 2
                and submitted == [False] * SUBMISSIONS_ALLOWED + [True])

    @property
    def passed(self) -> bool:
        return (self.failed(IDEMPOTENT) == 0 and self.missing == 0 and self.lost_updates == 0
                and self.acknowledged > 0 and self.throttled_once and not self.leaks
                and self.visible_after is not None and self.visible_after <= 2.0
                and len(self.served_by) == 2)


def run_scenario(cluster, seconds: int, clients: int) -> Result:
    """Load for `seconds`; replica 0 is SIGKILLed at a third and restarted at two thirds."""
    context = ssl.create_default_context(cafile=str(cluster.cert))
    make = partial(ClusterClient, context=context)
    kill = threading.Timer(seconds / 3, cluster.kill_replica, args=(0,))
    restart = threading.Timer(2 * seconds / 3, cluster.start_replica, args=(0,))
    kill.start()
    restart.start()
    try:
        latencies, errors, acknowledged, counts, elapsed = drive(
            cluster.https_port, cluster.token, cluster.center_ids, clients, seconds, make)
    finally:  # after an early failure neither fires; after a full run both already have
        kill.cancel()
        restart.cancel()
        restart.join()
    result = Result(seconds=elapsed, counts=counts, latencies=latencies, errors=errors,
                    acknowledged=len(acknowledged))
    result.missing, result.lost_updates = check_edits(cluster.replica_env(0), acknowledged)
    check_sign_in_throttle(cluster, context, result)
    result.visible_after = seconds_until_visible(cluster)
    read_proxy_log(cluster, result)
    result.leaks = patient_input_in_logs(cluster.logs())
    return result


def sign_in_form(port, context) -> dict:
    """The session cookie and CSRF token of the sign-in page, as a browser holds them."""
    conn = http.client.HTTPSConnection("127.0.0.1", port, timeout=30, context=context)
    try:
        conn.request("GET", "/manage/login")
        response = conn.getresponse()
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.read().decode())
        return {"cookie": response.getheader("Set-Cookie", "").split(";")[0],
                "csrf_token": token[1] if token else ""}
    finally:
        conn.close()


def post_form(port, context, form, source: str, path: str, fields: dict) -> int:
    """A form POSTed through nginx from `source` (a loopback address) as a browser would: its
    status."""
    conn = http.client.HTTPSConnection("127.0.0.1", port, timeout=30, context=context,
                                       source_address=(source, 0))
    body = urlencode({"csrf_token": form["csrf_token"], **fields})
    headers = {"Cookie": form["cookie"], "Content-Type": "application/x-www-form-urlencoded",
               "Referer": f"https://127.0.0.1:{port}{path}"}  # checked by CSRF over TLS
    try:
        conn.request("POST", path, body, headers)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def check_sign_in_throttle(cluster, context, result: Result) -> None:
    """Failed sign-ins alternate between the replicas (round robin): the sixth is refused only
    if both count in the one Redis. Per address (X-Forwarded-For, FINDER_PROXY_HOPS=1), per
    account from many addresses, and the public form's own limit."""
    port, attempts = cluster.https_port, FAILED_SIGN_INS_ALLOWED + 1
    form = sign_in_form(port, context)

    def sign_in(source, email):
        return post_form(port, context, form, source, "/manage/login",
                         {"email": email, "password": "not-the-password-123"})

    result.per_address = [sign_in("127.0.0.77", f"nobody{n}@example.org") for n in range(attempts)]
    result.other_address = sign_in("127.0.0.78", "someone@example.org")
    result.per_account = [sign_in(f"127.0.1.{n + 1}", "target@example.org") for n in range(attempts)]
    # The public listing form's limit counts every POST (an incomplete one here, stored nowhere).
    result.submissions = [post_form(port, context, form, "127.0.0.90", "/list-your-center",
                                    {"name": ""}) for _ in range(SUBMISSIONS_ALLOWED + 1)]


# The visibility check is another visitor than the load (whose address has used up its search
# limit): the replicas trust one proxy hop, so it says so in X-Forwarded-For.
OTHER_VISITOR = {"X-Forwarded-For": "198.51.100.7"}


def _get(port, path):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers=OTHER_VISITOR)
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"null")
    finally:
        conn.close()


def seconds_until_visible(cluster, center_id=None) -> float | None:
    """Edit a listing through replica 0, then search through replica 1 (its answer cached
    beforehand) until the new value shows: the seconds it took, None if not within 10 s."""
    a, b = cluster.replica_ports[0], cluster.replica_ports[1]
    center_id = center_id or cluster.center_ids[0]
    _, center = _get(a, f"/api/centers/{center_id}")
    search = "/api/search?" + urlencode({"lat": center["lat"], "lon": center["lon"], "radius_km": 5})
    _get(b, search)  # replica 1 now holds the old answer in its search cache
    phone = f"+61 2 5555 {int(time.time()) % 10000:04d}"
    conn = http.client.HTTPConnection("127.0.0.1", a, timeout=10)
    conn.request("PATCH", f"/api/centers/{center_id}",
                 json.dumps({"version": center["version"], "phone": phone}),
                 {"Authorization": f"Bearer {cluster.token}", "Content-Type": "application/json"})
    saved = conn.getresponse()
    saved.read()
    conn.close()
    if saved.status != 200:
        return None
    started = time.monotonic()
    while time.monotonic() - started < 10:
        _, body = _get(b, search)
        if any(r["center"]["id"] == center_id and r["center"]["phone"] == phone
               for r in (body or {}).get("results", [])):
            return time.monotonic() - started
        time.sleep(0.05)
    return None


def read_proxy_log(cluster, result: Result) -> None:
    """Which replica answered each request, and how many nginx passed on to the other one."""
    sign_ins = set()
    for line in (cluster.workdir / "nginx-access.log").read_text().splitlines():
        upstream = re.search(r"upstream=(\S+(?:, \S+)*) upstream_status", line)
        if not upstream:
            continue
        tried = upstream[1].split(", ")
        result.retried += len(tried) > 1
        result.served_by[tried[-1]] += 1
        if '"POST /manage/login ' in line or '"POST /list-your-center ' in line:
            sign_ins.add(tried[-1])
    result.sign_in_replicas = len(sign_ins)


def patient_input_in_logs(logs: str) -> list[str]:
    """Any drug, town or query string the load typed that reached a log line. (Postcodes are
    left to the query-string markers: as bare numbers they also occur as byte counts.)"""
    words = [w for w in [*DRUGS, *PLACES] if w and not w.isdigit()]
    typed = words + ["location=", "drug=", "lat=", "lon=", "location.near"]
    variants = {t for word in typed for t in (word, word.replace(" ", "+"), word.replace(" ", "%20"))}
    return sorted(t for t in variants if t.lower() in logs.lower())


def report(result: Result) -> str:
    every = [v for values in result.latencies.values() for v in values]
    total = sum(result.counts.values())
    lines = [f"requests: {total} in {result.seconds:.1f} s = {total / max(result.seconds, 1e-9):.0f} req/s",
             f"{'kind':<12}{'count':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"]
    for kind in (*IDEMPOTENT, *NOT_IDEMPOTENT):
        values = result.latencies.get(kind, [])
        lines.append(f"{kind:<12}{len(values):>8}{pct(values, 50):>9.1f}{pct(values, 95):>9.1f}"
                     f"{pct(values, 99):>9.1f}")
    lines += [
        f"{'all':<12}{len(every):>8}{pct(every, 50):>9.1f}{pct(every, 95):>9.1f}{pct(every, 99):>9.1f}",
        f"errors by kind: {dict(result.errors) or 'none'}",
        f"failed idempotent requests seen by clients: {result.failed(IDEMPOTENT)} "
        f"(nginx passed {result.retried} to the other replica); failed POST/PATCH (in flight at "
        f"the kill, never retried): {result.failed(NOT_IDEMPOTENT)}",
        f"answered by replica: {dict(result.served_by)}",
        f"acknowledged saves: {result.acknowledged}; missing afterwards: {result.missing}; "
        f"lost updates: {result.lost_updates}",
        f"failed sign-ins from one address, alternating replicas: {result.per_address}; "
        f"another address then: {result.other_address}; one account from many addresses: "
        f"{result.per_account} (replicas answering sign-ins: {result.sign_in_replicas}); "
        f"list-your-center posts from one address: {result.submissions}",
        "listing changed through replica A visible in searches through replica B after: "
        + (f"{result.visible_after:.2f} s" if result.visible_after is not None else "NOT within 10 s"),
        f"patient input found in logs: {result.leaks or 'none'}",
        "required (0 failed idempotent, 0 lost saves or updates, throttles shared, visible ≤ 2 s, "
        f"nothing typed logged): {'met' if result.passed else 'NOT met'}",
    ]
    return "\n".join(lines)
