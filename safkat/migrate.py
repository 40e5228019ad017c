"""Running Alembic from the application (``safkat db upgrade``) and from tests."""

from __future__ import annotations

from contextlib import contextmanager

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection, Engine

from safkat.config import PROJECT_ROOT

MIGRATIONS = PROJECT_ROOT / "migrations"

# Engine-specific search structures that the models do not describe (see tenders/search.py).
UNMODELLED = ("tender_search_fts", "ix_tender_search_body_fts", "body_tsv", "ix_tender_search_body_tsv")


def include_name(name: str | None, type_: str, _parent_names) -> bool:
    """Alembic's filter: leave the engine-specific search structures out of comparisons."""
    return not (name or "").startswith(UNMODELLED)


def alembic_config(connection: Connection | None = None, url: str | None = None) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS))
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, revision: str = "heads") -> None:
    with engine.connect() as connection, foreign_keys_deferred(connection):
        with connection.begin():
            command.upgrade(alembic_config(connection), revision)
            check_foreign_keys(connection)


@contextmanager
def foreign_keys_deferred(connection: Connection):
    """On SQLite, switch foreign keys off while migrating.

    Alembic's batch mode rebuilds a table by copying it and dropping the old one; with
    foreign keys on, that drop fires ON DELETE CASCADE and empties the child tables (lots,
    wilayas…). The pragma only works outside a transaction, so it goes to the driver
    connection directly; :func:`check_foreign_keys` verifies the result before COMMIT.
    """
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
    finally:
        if sqlite:
            connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=ON")


def check_foreign_keys(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"migration left broken foreign keys: {broken[:5]}")


def downgrade(engine: Engine, revision: str) -> None:
    with engine.connect() as connection, foreign_keys_deferred(connection):
        with connection.begin():
            command.downgrade(alembic_config(connection), revision)
            check_foreign_keys(connection)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
