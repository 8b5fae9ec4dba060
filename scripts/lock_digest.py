"""Keep requirements.lock honest about pyproject.toml: `stamp` records a digest of the declared
dependencies in the lock's header (after `make lock`); `check` (before every `make install`)
fails loudly when pyproject.toml declares something the lock was not made from.

Standard library only: it runs before the virtual environment exists.
"""
import hashlib
import json
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT, LOCK = ROOT / "pyproject.toml", ROOT / "requirements.lock"
MARK = "# pyproject-dependencies-sha256: "


def declared_digest(pyproject: Path = PYPROJECT) -> str:
    """A digest of what pip-compile reads: requires-python, dependencies and every extra."""
    project = tomllib.loads(pyproject.read_text())["project"]
    declared = {key: project.get(key) for key in ("requires-python", "dependencies",
                                                  "optional-dependencies")}
    return hashlib.sha256(json.dumps(declared, sort_keys=True).encode()).hexdigest()


def recorded_digest(lock: Path = LOCK) -> str | None:
    if not lock.exists():
        return None
    return next((line[len(MARK):].strip() for line in lock.read_text().splitlines()
                 if line.startswith(MARK)), None)


def stamp(lock: Path = LOCK, pyproject: Path = PYPROJECT) -> None:
    lines = [line for line in lock.read_text().splitlines() if not line.startswith(MARK)]
    lock.write_text("\n".join([MARK + declared_digest(pyproject), *lines]) + "\n")


def check(lock: Path = LOCK, pyproject: Path = PYPROJECT) -> str | None:
    """None when the lock was made from the current declarations, else what to do."""
    recorded = recorded_digest(lock)
    if recorded is None:
        return f"{lock.name} is missing or has no dependency digest: run `make lock`."
    if recorded != declared_digest(pyproject):
        return (f"pyproject.toml's dependencies changed since {lock.name} was made: run "
                f"`make lock` and commit {lock.name} (nothing was installed).")
    return None


if __name__ == "__main__":
    if sys.argv[1:] == ["stamp"]:
        stamp()
    elif sys.argv[1:] == ["check"]:
        problem = check()
        if problem:
            sys.exit(f"\n*** {problem}\n")
    else:
        sys.exit("usage: lock_digest.py stamp|check")
