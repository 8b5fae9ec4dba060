"""The SQLite file and its WAL/SHM are private (0600); writes are synchronous=FULL."""
import stat

from sqlalchemy import text

from finder.db import build_engine


def mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_sqlite_database_and_its_wal_and_shm_are_0600(tmp_path):
    path = tmp_path / "sub" / "finder.sqlite"
    engine = build_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(text("create table t (x integer)"))
        conn.execute(text("insert into t values (1)"))
        files = [path, path.with_name("finder.sqlite-wal"), path.with_name("finder.sqlite-shm")]
        assert all(f.exists() for f in files)
        assert [mode(f) for f in files] == [0o600, 0o600, 0o600]
    engine.dispose()


def test_an_existing_world_readable_database_is_narrowed(tmp_path):
    path = tmp_path / "finder.sqlite"
    path.touch(mode=0o644)
    path.chmod(0o644)
    build_engine(f"sqlite:///{path}").dispose()
    assert mode(path) == 0o600


def test_sqlite_runs_wal_with_synchronous_full(tmp_path):
    engine = build_engine(f"sqlite:///{tmp_path / 'f.sqlite'}")
    with engine.connect() as conn:
        assert conn.execute(text("pragma journal_mode")).scalar() == "wal"
        assert conn.execute(text("pragma synchronous")).scalar() == 2  # FULL
    engine.dispose()
