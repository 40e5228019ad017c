"""Alembic environment: Safkat's models, the configured database, SQLite batch mode."""

from alembic import context

import safkat.models  # noqa: F401  (registers every table on the metadata)
from safkat.config import load_settings
from safkat.db import Base, make_engine
from safkat.migrate import check_foreign_keys, foreign_keys_deferred, include_name

config = context.config
target_metadata = Base.metadata


def run_with(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        run_with(connection)
        return
    url = config.get_main_option("sqlalchemy.url") or load_settings().database_url
    engine = make_engine(url)
    with engine.connect() as connection, foreign_keys_deferred(connection):
        with connection.begin():
            run_with(connection)
            check_foreign_keys(connection)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Safkat's migrations run online only: use `safkat db upgrade`.")
run_migrations_online()
