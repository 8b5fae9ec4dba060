"""Every distribution the code imports is declared in pyproject.toml, and requirements.lock was
made from exactly what pyproject.toml declares (make install refuses it otherwise)."""
import ast
import importlib.metadata
import re
import sys
import tomllib

from finder.config import PROJECT_ROOT
from scripts import lock_digest

PROJECT = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
FIRST_PARTY = {"finder", "tests", "bench", "scripts", "wsgi"}
# bench/ scripts import each other by their own names (they run from that folder)
FIRST_PARTY |= {p.stem for p in (PROJECT_ROOT / "bench").glob("*.py")}


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared(*extras: str) -> set[str]:
    requirements = PROJECT["dependencies"] + [r for e in extras for r in PROJECT["optional-dependencies"][e]]
    return {normalise(re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", r)[0]) for r in requirements}


def imported_distributions(*paths: str) -> dict[str, set[str]]:
    """{distribution: files importing it} for the third-party imports under `paths`."""
    owners = importlib.metadata.packages_distributions()
    found: dict[str, set[str]] = {}
    for path in paths:
        root = PROJECT_ROOT / path
        for file in [root] if root.is_file() else root.rglob("*.py"):
            for node in ast.walk(ast.parse(file.read_text())):
                if isinstance(node, ast.Import):
                    modules = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0:
                    modules = [node.module]
                else:
                    continue
                for module in modules:
                    top = module.split(".")[0]
                    if top in sys.stdlib_module_names or top in FIRST_PARTY:
                        continue
                    for distribution in owners.get(top, [f"<unknown: {top}>"]):
                        found.setdefault(normalise(distribution), set()).add(str(file.relative_to(PROJECT_ROOT)))
    return found


def test_the_app_imports_only_what_it_declares():
    missing = {d: f for d, f in imported_distributions("finder", "migrations", "wsgi.py").items()
               if d not in declared()}
    assert missing == {}


def test_tests_and_tools_import_only_what_they_declare():
    missing = {d: f for d, f in imported_distributions("tests", "bench", "scripts").items()
               if d not in declared("test", "check")}
    assert missing == {}


def test_the_lock_was_made_from_pyproject_as_it_is():
    assert lock_digest.check() is None


def test_a_dependency_added_without_relocking_is_refused(tmp_path):
    pyproject, lock = tmp_path / "pyproject.toml", tmp_path / "requirements.lock"
    pyproject.write_text('[project]\nname = "x"\ndependencies = ["flask"]\n')
    lock.write_text("flask==3.1.3\n")
    assert "make lock" in lock_digest.check(lock, pyproject)  # never stamped
    lock_digest.stamp(lock, pyproject)
    assert lock_digest.check(lock, pyproject) is None
    pyproject.write_text('[project]\nname = "x"\ndependencies = ["flask", "zxcvbn"]\n')
    assert "changed since" in lock_digest.check(lock, pyproject)


def test_the_licence_is_an_spdx_expression():
    assert PROJECT["license"] == "MIT"
