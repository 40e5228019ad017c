"""Running Alembic from the application (``safkat db upgrade``) and from tests."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection, Engine

from safkat.config import PROJECT_ROOT

MIGRATIONS = PROJECT_ROOT / "migrations"

# Engine-specific search structures that the models do not describe (see tenders/search.py).
UNMODELLED = ("tender_search_fts", "ix_tender_search_body_fts")


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
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)


def downgrade(engine: Engine, revision: str) -> None:
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), revision)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
