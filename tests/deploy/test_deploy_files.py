"""The container and service files cannot be built or started here (no image registry, no
systemd), so they are read and checked against the topology that tests/deploy/test_cluster.py
runs for real: the same entry points, config files and settings names."""
import configparser
import json
import re
import runpy
import shlex

import pytest
import yaml

from bench.cluster import MIGRATE, Cluster, gunicorn_command
from finder.config import PROJECT_ROOT, load_settings

DEPLOY = PROJECT_ROOT / "deploy"


def dockerfile_stages() -> dict[str, list[tuple[str, str]]]:
    """{stage name: [(INSTRUCTION, arguments)]}, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n", " ", (DEPLOY / "Dockerfile").read_text())
    stages, current = {}, None
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        instruction, _, arguments = line.partition(" ")
        if instruction == "FROM":
            current = stages.setdefault(arguments.split(" AS ")[-1].strip(), [])
        current.append((instruction, arguments.strip()))
    return stages


def instructions(stage, name):
    return [arguments for instruction, arguments in dockerfile_stages()[stage] if instruction == name]


def env_of(stage) -> dict[str, str]:
    pairs = {}
    for arguments in instructions(stage, "ENV"):
        pairs.update(dict(item.split("=", 1) for item in shlex.split(arguments)))
    return pairs


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


@pytest.fixture(scope="module")
def cluster_env(tmp_path_factory):
    """The settings each replica of the tested topology gets (nothing is started)."""
    cluster = Cluster(tmp_path_factory.mktemp("cluster-env"))
    cluster.database_url = "postgresql+psycopg://postgres@127.0.0.1:5432/x"
    return cluster, cluster.replica_env(0)


def finder_names(env) -> set[str]:
    return {name for name in env if name.startswith("FINDER_")}


def test_the_image_is_multi_stage_and_runs_as_a_user_without_privileges():
    stages = dockerfile_stages()
    assert {"assets", "build", "app", "proxy"} <= set(stages)
    users = instructions("app", "USER")
    assert users and users[-1] not in ("root", "0")


def test_assets_and_gazetteer_are_built_at_image_build_with_the_makefiles_commands():
    makefile = (PROJECT_ROOT / "Makefile").read_text()
    assert "make assets" in instructions("assets", "RUN")
    assert "assets:" in makefile
    gazetteer = [run for run in instructions("build", "RUN") if "finder build-gazetteer" in run]
    assert gazetteer and "$(FLASK) finder build-gazetteer" in makefile
    assert "FINDER_SECRET_KEY=" in gazetteer[0]  # a placeholder, so no generated key lands in the image


def test_the_image_installs_exactly_the_lock_like_make_install():
    runs = " ".join(instructions("build", "RUN"))
    assert "lock_digest.py check" in runs and "--require-hashes -r requirements.lock" in runs
    assert "--require-hashes -r $(LOCK)" in (PROJECT_ROOT / "Makefile").read_text()


def test_every_file_the_image_copies_exists():
    for stage in dockerfile_stages():
        for arguments in instructions(stage, "COPY"):
            if arguments.startswith("--from"):
                continue
            for source in arguments.split()[:-1]:
                assert (PROJECT_ROOT / source).exists(), source


def test_the_image_runs_gunicorn_like_the_tested_replicas_and_checks_healthz():
    command = json.loads(instructions("app", "CMD")[-1])
    tested = gunicorn_command(8000)
    assert command[:-1] == tested[:-1] and command[-2] == "--bind"
    healthcheck = instructions("app", "HEALTHCHECK")[-1]
    assert "/healthz" in healthcheck


def test_compose_has_the_proxy_two_replicas_postgres_redis_and_a_one_shot_migration(compose):
    services = compose["services"]
    assert {"proxy", "app1", "app2", "db", "redis", "migrate"} <= set(services)
    assert services["db"]["image"].startswith("postgres:") and services["redis"]["image"].startswith("redis:")
    migrate = services["migrate"]
    assert migrate["command"] == MIGRATE and migrate["restart"] == "no"
    for replica in ("app1", "app2"):
        app = services[replica]
        assert app["build"]["target"] == "app" and "command" not in app  # the image's gunicorn CMD
        assert app["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert "/readyz" in " ".join(app["healthcheck"]["test"])
    assert services["proxy"]["depends_on"]["app1"]["condition"] == "service_healthy"


def test_compose_gives_the_replicas_the_settings_the_tested_topology_uses(compose, cluster_env):
    _, tested = cluster_env
    app = compose["services"]["app1"]["environment"]
    shipped = finder_names(app) | finder_names(env_of("app"))
    assert shipped == finder_names(tested)
    # and they are valid settings, placeholders filled the way compose fills them
    filled = {name: re.sub(r"\$\{[^}]+\}", "x" * 40, str(value)) for name, value in app.items()
              if name.startswith("FINDER_")}
    settings = load_settings({**filled, **{k: v for k, v in env_of("app").items() if k.startswith("FINDER_")}})
    assert settings.proxy_hops == 1 and settings.ratelimit_storage_uri.startswith("redis://")


def test_the_proxy_fills_every_value_the_nginx_template_needs_as_the_cluster_does(compose, cluster_env):
    cluster, _ = cluster_env
    needed = set(re.findall(r"\$\{(NGINX_[A-Z_]+)\}", (DEPLOY / "nginx.conf").read_text()))
    shipped = set(compose["services"]["proxy"]["environment"]) | {
        name for name in env_of("proxy") if name.startswith("NGINX_") and name != "NGINX_ENVSUBST_OUTPUT_DIR"}
    assert shipped == needed == set(cluster.nginx_values())
    assert "deploy/nginx.conf /etc/nginx/templates/nginx.conf.template" in instructions("proxy", "COPY")
    assert env_of("proxy")["NGINX_ENVSUBST_OUTPUT_DIR"] == "/etc/nginx"


def unit(name) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(DEPLOY / "systemd" / name)
    return parser


def test_systemd_runs_the_migration_first_then_gunicorn_with_the_tested_config():
    migrate, app = unit("finder-migrate.service"), unit("finder.service")
    assert migrate["Service"]["Type"] == "oneshot"
    assert shlex.split(migrate["Service"]["ExecStart"])[1:] == MIGRATE[1:]
    assert "finder-migrate.service" in app["Unit"]["Requires"]
    assert "finder-migrate.service" in app["Unit"]["After"]
    command = shlex.split(app["Service"]["ExecStart"])
    assert command[0].endswith("/gunicorn") and command[1:-1] == gunicorn_command(8000)[1:-1]
    assert app["Service"]["ExecReload"] == "/bin/kill -s HUP $MAINPID"  # graceful reload
    assert "/readyz" in app["Service"]["ExecStartPost"]


def test_gunicorn_workers_follow_the_cores_and_the_access_log_has_no_query_string(monkeypatch):
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.setattr("multiprocessing.cpu_count", lambda: 3)
    config = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    assert config["workers"] == 7
    monkeypatch.setenv("WEB_CONCURRENCY", "2")
    assert runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))["workers"] == 2
    for atom in ("%(r)s", "%(q)s", "%(f)s", "%({"):
        assert atom not in config["access_log_format"]
    assert config["timeout"] < 35 and config["graceful_timeout"] > 0  # nginx waits 35 s
