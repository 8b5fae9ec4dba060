"""What the deployment tests need from the machine: nginx, redis-server and PostgreSQL's
initdb (or TEST_DATABASE_URL), installed from Debian's packages when missing and possible."""
import pytest

from bench.cluster import missing_packages


@pytest.fixture(scope="session")
def system_programs():
    """Skips (naming the packages) when a program is missing and cannot be installed here."""
    missing = missing_packages()
    if missing:
        pytest.skip(f"needs Debian packages {', '.join(missing)} (apt-get install them as root)")
