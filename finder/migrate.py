"""Run Alembic from code: `init-db`, the tests and set-up all migrate the same way.

Alembic (with Mako and Pygments, ~10 MB a process) is imported only when migrating; a serving
worker checks readiness against HEAD with one query (tests/test_migrate.py keeps HEAD equal to
Alembic's own head)."""
from pathlib import Path

from sqlalchemy import column, inspect, select, table

ROOT = Path(__file__).resolve().parent.parent
HEAD = "0005_rate_limit_counters"  # the newest revision in migrations/versions
VERSION_TABLE = table("alembic_version", column("version_num"))


def alembic_config(url: str):
    from alembic.config import Config

    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.attributes["url"] = url
    return config


def upgrade(url: str, revision: str = "head") -> None:
    from alembic import command

    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str) -> None:
    from alembic import command

    command.downgrade(alembic_config(url), revision)


def check(url: str) -> None:
    """Raises if the models and the migrations disagree (`alembic check`)."""
    from alembic import command

    command.check(alembic_config(url))


def script_heads(url: str) -> set[str]:
    """The head revisions of the scripts, as Alembic reads them."""
    from alembic.script import ScriptDirectory

    return set(ScriptDirectory.from_config(alembic_config(url)).get_heads())


def applied_revisions(connection) -> set[str]:
    """The revisions the database is at (none before the first migration), read as Alembic's
    MigrationContext.get_current_heads reads them."""
    if not inspect(connection).has_table(VERSION_TABLE.name):
        return set()
    return set(connection.execute(select(VERSION_TABLE.c.version_num)).scalars())
