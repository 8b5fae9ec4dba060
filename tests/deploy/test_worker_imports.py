"""A serving worker does not load what only some requests need: zxcvbn (a password being set),
Alembic (migrating; readiness compares one query with finder.migrate.HEAD) and geopy's online
geocoders (an opt-in setting). Together ~37 MB a worker: bench/search.py measures it."""
import json
import subprocess
import sys

from finder.config import PROJECT_ROOT

NOT_ON_THE_COMMON_PATH = ("zxcvbn", "alembic", "mako", "geopy", "aiohttp")
WORKER = """
import json, sys
from pathlib import Path
from finder import create_app
from finder.config import Settings

app = create_app({"settings": Settings(
    database_url=sys.argv[1], secret_key="worker-imports-" + "x" * 40, instance_path=Path(sys.argv[2]),
    gazetteer_path=Path(sys.argv[3]), testing=True)})
client = app.test_client()
answers = {path: client.get(path).status_code for path in (
    "/healthz", "/readyz", "/", "/directory", "/centers/1", "/search?location=Brisbane",
    "/api/search?location=Brisbane&drug=carboplatin", "/manage/login")}
print(json.dumps({"answers": answers, "modules": sorted(
    name for name in sys.modules if name.split(".")[0] in sys.argv[4].split(","))}))
"""


def test_a_worker_serving_the_common_pages_never_imports_the_optional_libraries(
        sqlite_url, tmp_path, gazetteer_path):
    done = subprocess.run(
        [sys.executable, "-c", WORKER, sqlite_url, str(tmp_path), str(gazetteer_path),
         ",".join(NOT_ON_THE_COMMON_PATH)],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120, check=True)
    seen = json.loads(done.stdout.splitlines()[-1])
    assert seen["answers"]["/readyz"] == 200 and seen["answers"]["/centers/1"] == 404
    assert all(status < 500 for status in seen["answers"].values()), seen["answers"]
    assert seen["modules"] == []
