"""Readiness compares the database with finder.migrate.HEAD instead of loading Alembic: HEAD
must be Alembic's one head, and the one-query reading must agree with Alembic's own."""
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine

from finder.migrate import HEAD, applied_revisions, downgrade, script_heads


def test_head_is_the_newest_migration(sqlite_url):
    assert script_heads(sqlite_url) == {HEAD}


def test_applied_revisions_read_as_alembic_reads_them(sqlite_url, tmp_path):
    engine = create_engine(sqlite_url)
    with engine.connect() as connection:
        assert applied_revisions(connection) == set(MigrationContext.configure(connection).get_current_heads()) == {HEAD}
    downgrade(sqlite_url, "-1")
    with engine.connect() as connection:
        behind = applied_revisions(connection)
        assert behind == set(MigrationContext.configure(connection).get_current_heads()) != {HEAD}
    empty = create_engine(f"sqlite:///{tmp_path / 'empty.sqlite'}")
    with empty.connect() as connection:
        assert applied_revisions(connection) == set()
    engine.dispose()
    empty.dispose()
