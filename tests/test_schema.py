"""Migrations: ``upgrade head`` on an empty database gives exactly the models' schema."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import safkat.models  # noqa: F401
from safkat.db import Base
from safkat.migrate import include_name


def test_migrations_match_the_models(engine):
    # The session engine was built by `alembic upgrade head` on an empty database.
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "include_name": include_name})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_reference_data_is_installed(db_session):
    from sqlalchemy import func, select

    from safkat.accounts.models import Sector
    from safkat.audit import AuditHead

    assert db_session.scalar(select(func.count()).select_from(Sector)) >= 10
    assert db_session.get(AuditHead, 1) is not None
