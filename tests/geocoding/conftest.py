"""One gazetteer per test session: the current instance/ index if there is one, else built."""
from pathlib import Path

import pytest

from finder.geocoding.gazetteer import build_gazetteer, gazetteer_is_current, open_gazetteer

INSTANCE_INDEX = Path(__file__).resolve().parents[2] / "instance" / "gazetteer.sqlite"


@pytest.fixture(scope="session")
def gazetteer_path(tmp_path_factory) -> Path:
    if gazetteer_is_current(INSTANCE_INDEX):
        return INSTANCE_INDEX
    path = tmp_path_factory.mktemp("gazetteer") / "gazetteer.sqlite"
    build_gazetteer(path)
    return path


@pytest.fixture(scope="session")
def gazetteer(gazetteer_path):
    return open_gazetteer(gazetteer_path)
