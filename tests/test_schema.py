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


def test_upgrading_a_filled_database_keeps_every_row(tmp_path):
    """Batch migrations rebuild tables on SQLite; the child rows must survive (they did not once)."""
    from datetime import datetime

    from sqlalchemy import MetaData, func, insert, select, text

    from safkat.db import make_engine
    from safkat.migrate import upgrade

    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade(engine, "0002")
    tables = MetaData()
    tables.reflect(engine)
    t = tables.tables
    moment = datetime(2026, 1, 1)
    stamp = {"created_at": moment}
    with engine.begin() as connection:
        connection.execute(
            insert(t["authorities"]).values(
                id=1, code="AT-ORN", name_fr="A", name_ar="ا", wilaya_code="31", is_active=True, **stamp
            )
        )
        connection.execute(
            insert(t["users"]).values(
                id=1,
                email="o@x.dz",
                password_hash="h",
                full_name="O",
                role="officer",
                is_active=True,
                session_version=1,
                is_enterprise_owner=False,
                authority_id=1,
                **stamp,
            )
        )
        connection.execute(
            insert(t["tenders"]).values(
                id=1,
                authority_id=1,
                reference="AT-ORN/2026/0001",
                status="published",
                title_fr="T",
                description_fr="",
                category="works",
                procedure="open",
                is_budget_public=False,
                opening_place="",
                bid_validity_days=90,
                award_method="lowest_price",
                technical_weight=0,
                financial_weight=100,
                national_preference=False,
                requires_technical_offer=True,
                required_documents="",
                has_reserved_lot=False,
                created_by_id=1,
                changed_at=moment,
                **stamp,
            )
        )
        connection.execute(
            insert(t["lots"]),
            [
                {"id": n, "tender_id": 1, "number": n, "title_fr": f"L{n}", "description": "", "is_reserved": False}
                for n in (1, 2, 3)
            ],
        )
        connection.execute(insert(t["tender_wilayas"]).values(tender_id=1, wilaya_code="31"))
    upgrade(engine, "0024")
    with engine.begin() as connection:  # a search row made before its copies existed
        connection.execute(text("UPDATE tenders SET submission_deadline_at = '2026-02-01 10:00:00.000000'"))
        connection.execute(text("INSERT INTO tender_search (tender_id, body) VALUES (1, 't')"))
    upgrade(engine)
    with engine.connect() as connection:
        counts = [
            connection.scalar(select(func.count()).select_from(t[name]))
            for name in ("tenders", "lots", "tender_wilayas")
        ]
    assert counts == [1, 3, 1]
    # Migration 0024 gave the wilaya row a copy of its tender's status and category.
    with engine.connect() as connection:
        copied = connection.execute(text("SELECT status, category FROM tender_wilayas")).one()
    assert tuple(copied) == ("published", "works")
    # Migration 0025 gave the search row a copy of its tender's status and deadline.
    with engine.connect() as connection:
        copied = connection.execute(text("SELECT status, submission_deadline_at FROM tender_search")).one()
    assert tuple(copied) == ("published", "2026-02-01 10:00:00.000000")
    # Migration 0026 counted its lots and listed its wilayas on the tender's row.
    with engine.connect() as connection:
        listed = connection.execute(text("SELECT listed_lots, listed_wilayas FROM tenders")).one()
    assert tuple(listed) == (3, "31")
    engine.dispose()


def _schema(engine) -> dict:
    """Tables, columns (type, nullability), indexes and constraints, as the database reports them."""
    from sqlalchemy import inspect

    inspector = inspect(engine)
    return {
        table: (
            sorted((c["name"], str(c["type"]), c["nullable"]) for c in inspector.get_columns(table)),
            sorted(i["name"] for i in inspector.get_indexes(table)),
            sorted(str(c["name"]) for c in inspector.get_check_constraints(table)),
            sorted(str(c["name"]) for c in inspector.get_unique_constraints(table)),
            sorted(str(fk["name"]) for fk in inspector.get_foreign_keys(table)),
        )
        for table in inspector.get_table_names()
        if table != "alembic_version"
    }


def test_every_migration_goes_down_to_the_schema_it_came_from(tmp_path, app):
    """A release can be rolled back: each downgrade leaves exactly the schema its revision found."""
    from alembic.script import ScriptDirectory

    from safkat.migrate import alembic_config, current_revision, downgrade, upgrade
    from tests.instances import Instances

    revisions = [script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()]
    made = Instances(tmp_path, app.extensions["safkat.keys"])
    try:
        engine = made.new(migrate=False).engine
        schemas = {None: _schema(engine)}
        for revision in reversed(revisions):  # up the stairs, noting each schema
            upgrade(engine, revision)
            schemas[revision] = _schema(engine)
        test_migrations_match_the_models(engine)
        for below in [*revisions[1:], None]:  # and down again, one revision at a time
            downgrade(engine, below or "base")
            assert current_revision(engine) == below
            assert _schema(engine) == schemas[below], f"the downgrade to {below} left a different schema"
    finally:
        made.close()
