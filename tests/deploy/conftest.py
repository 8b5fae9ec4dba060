"""What the deployment tests need from the machine: nginx, redis-server and PostgreSQL's
initdb (or TEST_DATABASE_URL), installed from Debian's packages when missing and possible."""
import os
import shutil
from pathlib import Path

import pytest

from bench.cluster import PG_BIN
from scripts.system_packages import apt_install, can_install

PROGRAMS = {"nginx": "nginx", "redis-server": "redis-server", "openssl": "openssl"}


def _missing() -> list[str]:
    missing = [package for program, package in PROGRAMS.items()
               if not shutil.which(program) and not Path("/usr/sbin", program).exists()]
    if not os.environ.get("TEST_DATABASE_URL") and not (PG_BIN / "initdb").exists():
        missing.append("postgresql-15")
    return missing


@pytest.fixture(scope="session")
def system_programs():
    """Skips (naming the packages) when a program is missing and cannot be installed here."""
    missing = _missing()
    if missing and can_install():
        apt_install(*missing)
        missing = _missing()
    if missing:
        pytest.skip(f"needs Debian packages {', '.join(missing)} (apt-get install them as root)")
