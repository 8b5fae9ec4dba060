"""`make cluster`: the production topology on one machine, under load, with a replica lost.

PostgreSQL (a throwaway cluster from the installed server's initdb/pg_ctl, or TEST_DATABASE_URL),
Redis on a free port, nginx with deploy/nginx.conf (TLS, a self-signed certificate made here), and
two gunicorn replicas with deploy/gunicorn.conf.py, each with its own instance folder: they share
nothing but PostgreSQL and Redis. Everything listens on 127.0.0.1 and is stopped on the way out.
The load and the checks are in bench/cluster_checks.py; tests/deploy/test_cluster.py runs both.
"""
import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.loadtest import BIN, ROOT, admin_token, answers, free_port, server_env  # noqa: E402

DEPLOY = ROOT / "deploy"
PG_BIN = Path("/usr/lib/postgresql/15/bin")
SECRET = "cluster-secret-key-0123456789-abcdefghijklmnop"
MIGRATE = ["flask", "--app", "wsgi", "finder", "init-db"]  # the migration service's command


def missing_packages() -> list[str]:
    """Debian packages this topology needs that are not installed, after installing them when
    this machine allows it (root with apt)."""
    from scripts.system_packages import apt_install, can_install

    def missing():
        programs = {"nginx": "nginx", "redis-server": "redis-server", "openssl": "openssl"}
        absent = [package for program, package in programs.items()
                  if not shutil.which(program) and not Path("/usr/sbin", program).exists()]
        if not os.environ.get("TEST_DATABASE_URL") and not (PG_BIN / "initdb").exists():
            absent.append("postgresql-15")
        return absent

    if missing() and can_install():
        apt_install(*missing())
    return missing()


def gunicorn_command(port: int) -> list[str]:
    """One replica: the same entry point and config file as systemd and the container image."""
    return ["gunicorn", "--config", "deploy/gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"]


def render_nginx(template: str, values: dict[str, str]) -> str:
    """Fill ${NGINX_*} exactly as envsubst does in the nginx image; nginx's own $vars stay."""
    missing = sorted(set(re.findall(r"\$\{(NGINX_[A-Z_]+)\}", template)) - set(values))
    if missing:
        raise KeyError(f"nginx template needs {', '.join(missing)}")
    return re.sub(r"\$\{(NGINX_[A-Z_]+)\}", lambda m: values[m[1]], template)


def make_certificate(cert: Path) -> None:
    """A self-signed certificate for 127.0.0.1 (key.pem beside it), for nginx's TLS here."""
    cert.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(cert.with_name("key.pem")), "-out", str(cert)],
                   check=True, capture_output=True)


def nginx_command(prefix: Path, values: dict[str, str]) -> list[str]:
    """Render deploy/nginx.conf into `prefix` and return the command that runs it there."""
    prefix.mkdir(parents=True, exist_ok=True)
    config = prefix / "nginx.conf"
    config.write_text(render_nginx((DEPLOY / "nginx.conf").read_text(), values))
    # As root nginx's workers would run as nobody, who cannot enter a private temporary folder.
    directives = "daemon off;" + (" user root;" if os.geteuid() == 0 else "")
    return [shutil.which("nginx") or "/usr/sbin/nginx", "-p", f"{prefix}/", "-c", str(config),
            "-g", directives]


def ready(port: int) -> bool:
    """True once the replica's /readyz answers 200 (workers booted, dependencies reachable)."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


def wait_until(check, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not come up within {seconds:.0f} s")


class Cluster:
    """Start with `with Cluster(workdir) as cluster:`; every process ends when the block does."""

    def __init__(self, workdir: Path, replicas: int = 2, workers: int = 2):
        self.workdir, self.workers = workdir, workers
        self.processes: dict[str, subprocess.Popen] = {}
        self.replica_ports = [free_port() for _ in range(replicas)]
        self.https_port, self.http_port, self.redis_port = free_port(), free_port(), free_port()
        self.pg_data = None
        self.cert = workdir / "tls" / "cert.pem"

    # -- the pieces ---------------------------------------------------------------------------
    def _spawn(self, name, command, env=None):
        """Start a process in its own group (so killing it takes its workers too), logging to
        WORKDIR/NAME.log, which the privacy check reads."""
        with open(self.workdir / f"{name}.log", "ab") as out:
            self.processes[name] = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out,
                                                    stderr=subprocess.STDOUT, start_new_session=True)

    def _postgres(self) -> str:
        given = os.environ.get("TEST_DATABASE_URL")
        if given:
            return given
        as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        # Its own folder, not under the work folder: the postgres user must be able to reach it.
        self.pg_data = Path(tempfile.mkdtemp(prefix="finder-cluster-pg-"))
        if as_postgres:  # initdb refuses to run as root
            shutil.chown(self.pg_data, "postgres")
        self._pg_stop = [*as_postgres, str(PG_BIN / "pg_ctl"), "-D", str(self.pg_data), "-m", "immediate",
                         "stop"]
        port = free_port()
        subprocess.run([*as_postgres, str(PG_BIN / "initdb"), "-D", str(self.pg_data), "-U", "postgres",
                        "--auth=trust", "-E", "UTF8"], check=True, capture_output=True)
        options = f"-p {port} -k {self.pg_data} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run([*as_postgres, str(PG_BIN / "pg_ctl"), "-D", str(self.pg_data), "-o", options,
                        "-l", str(self.pg_data / "server.log"), "-w", "start"], check=True,
                       capture_output=True)
        return f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"

    def _redis(self) -> None:
        self._spawn("redis", ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1",
                              "--save", "", "--appendonly", "no"])
        wait_until(lambda: answers("127.0.0.1", self.redis_port), 10, "redis-server")

    def replica_env(self, n: int) -> dict:
        """Each replica's settings: its own instance folder; PostgreSQL and Redis shared."""
        instance = self.workdir / f"replica{n}"
        instance.mkdir(exist_ok=True)
        env = server_env(instance, self.database_url)
        env.update(FINDER_SECRET_KEY=SECRET, FINDER_PROXY_HOPS="1", FINDER_HTTPS="1",
                   FINDER_PUBLIC_URL="https://finder.test",
                   FINDER_RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{self.redis_port}/0",
                   WEB_CONCURRENCY=str(self.workers))
        return env

    def start_replica(self, n: int) -> None:
        port = self.replica_ports[n]
        command = gunicorn_command(port)
        self._spawn(f"replica{n}", [str(BIN / command[0]), *command[1:]], self.replica_env(n))
        wait_until(lambda: ready(port), 60, f"replica {n}")

    def kill_replica(self, n: int) -> None:
        """SIGKILL to the replica's master and workers at once, as when its machine is lost."""
        process = self.processes.pop(f"replica{n}")
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def nginx_values(self) -> dict[str, str]:
        upstreams = " ".join(f"server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;"
                             for port in self.replica_ports)
        return {"NGINX_HTTP_LISTEN": f"127.0.0.1:{self.http_port}",
                "NGINX_HTTPS_LISTEN": f"127.0.0.1:{self.https_port}",
                "NGINX_SERVER_NAME": "127.0.0.1", "NGINX_UPSTREAMS": upstreams,
                "NGINX_TLS_CERT": str(self.cert), "NGINX_TLS_KEY": str(self.cert.with_name("key.pem")),
                "NGINX_STATIC_ROOT": str(ROOT / "static"), "NGINX_MIME_TYPES": "/etc/nginx/mime.types",
                "NGINX_ACCESS_LOG": str(self.workdir / "nginx-access.log"),
                "NGINX_ERROR_LOG": str(self.workdir / "nginx-error.log")}

    def _nginx(self) -> None:
        make_certificate(self.cert)
        self._spawn("nginx", nginx_command(self.workdir / "nginx", self.nginx_values()))
        wait_until(lambda: answers("127.0.0.1", self.https_port), 10, "nginx")

    # -- all together -------------------------------------------------------------------------
    def __enter__(self):
        try:
            self.database_url = self._postgres()
            self._redis()
            env = self.replica_env(0)
            if self.database_url == os.environ.get("TEST_DATABASE_URL"):
                _empty_postgres(self.database_url)
            self.token, self.center_ids = admin_token(env)  # runs MIGRATE, then the demo data
            for n in range(len(self.replica_ports)):
                self.start_replica(n)
            self._nginx()
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *_):
        for process in reversed(list(self.processes.values())):
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=20)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.processes.clear()
        if self.pg_data is not None:
            subprocess.run(self._pg_stop, check=False, capture_output=True)
            shutil.rmtree(self.pg_data, ignore_errors=True)
            self.pg_data = None

    def logs(self) -> str:
        """Everything the proxy and the replicas logged."""
        return "\n".join(path.read_text(errors="replace") for path in sorted(self.workdir.glob("*.log")))


def _empty_postgres(url: str) -> None:
    """A given TEST_DATABASE_URL is shared with other tests: start from an empty schema."""
    import psycopg

    with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")


def main() -> int:
    from bench.cluster_checks import report, run_scenario

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--clients", type=int, default=16)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the cluster on the way out
    missing = missing_packages()
    if missing:
        sys.exit(f"make cluster needs Debian packages {', '.join(missing)}: apt-get install them as root")
    with tempfile.TemporaryDirectory(prefix="finder-cluster-") as tmp, Cluster(Path(tmp)) as cluster:
        print(f"nginx https://127.0.0.1:{cluster.https_port} -> gunicorn replicas on ports "
              f"{cluster.replica_ports} (2 workers each); Redis :{cluster.redis_port}; "
              f"{'TEST_DATABASE_URL' if os.environ.get('TEST_DATABASE_URL') else 'own PostgreSQL'}; "
              f"{args.clients} clients for {args.seconds} s, replica 0 killed at "
              f"{args.seconds // 3} s and restarted at {2 * args.seconds // 3} s", flush=True)
        result = run_scenario(cluster, args.seconds, args.clients)
    print(report(result))
    return 0 if result.passed else 1


if __name__ == "__main__":
    sys.exit(main())
