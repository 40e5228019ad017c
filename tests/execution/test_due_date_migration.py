"""Migration 0019 gives the invoices received before it the due date of the rule they were
received under: calendar days from the Algiers date of receipt, past a Friday or Saturday."""

from datetime import date, datetime

from alembic import command
from sqlalchemy import MetaData, create_engine, insert, select

from safkat.db import make_engine
from safkat.migrate import alembic_config, upgrade


def test_invoices_received_before_get_their_due_date(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade(engine, "0017")
    tables = MetaData()
    tables.reflect(engine)
    invoices = tables.tables["contract_invoices"]
    # 23:30 UTC on Tuesday 3 March 2026 is Wednesday 4 March in Algiers; + 30 days is
    # Friday 3 April, a rest day, then Saturday: due on Sunday 5 April (the UTC date would give 2 April).
    received = datetime(2026, 3, 3, 23, 30)
    plain = create_engine(f"sqlite:///{tmp_path / 'old.db'}")  # no foreign keys: the invoice alone
    with plain.connect() as connection:
        connection.execute(
            insert(invoices).values(
                id=1, contract_id=1, number="F-1", amount=100, status="submitted", document_name="f.pdf",
                document_key="k", document_sha256="0" * 64, submitted_by_id=1, first_received_at=received,
                received_at=received, payment_days=30, interest_rate_bp=800, receipt_payload="{}",
                receipt_signature="s",
            )
        )  # fmt: skip
        connection.commit()
        with connection.begin():  # alembic itself: the check of foreign keys would refuse the lone invoice
            command.upgrade(alembic_config(connection), "0019")
    plain.dispose()
    tables = MetaData()
    tables.reflect(engine)
    with engine.connect() as connection:
        due_on = connection.scalar(select(tables.tables["contract_invoices"].c.due_on))
    engine.dispose()
    assert due_on in (date(2026, 4, 5), "2026-04-05")
