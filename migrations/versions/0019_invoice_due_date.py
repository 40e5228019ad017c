"""An invoice keeps its due date, fixed at receipt with the public holidays known then; a call
for tender states its execution period, which the service order starts (issue 17).

Invoices received before keep the rule they were received under: calendar days from the
receipt (Algiers date), the last day moved past a Friday or Saturday.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 20:30:00
"""

from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

ALGIERS = ZoneInfo("Africa/Algiers")
invoices = sa.table(
    "contract_invoices",
    sa.column("id", sa.Integer),
    sa.column("received_at", sa.DateTime(timezone=True)),
    sa.column("payment_days", sa.Integer),
    sa.column("due_on", sa.Date),
)


def _due_on(received_at, payment_days):
    if received_at.tzinfo is None:  # SQLite gives back the stored UTC instant without its zone
        received_at = received_at.replace(tzinfo=UTC)
    day = received_at.astimezone(ALGIERS).date() + timedelta(days=payment_days)
    while day.weekday() in (4, 5):
        day += timedelta(days=1)
    return day


def upgrade() -> None:
    with op.batch_alter_table("tenders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("execution_days", sa.Integer(), nullable=True))
    with op.batch_alter_table("contract_invoices", schema=None) as batch_op:
        batch_op.add_column(sa.Column("due_on", sa.Date(), nullable=True))
    bind = op.get_bind()
    rows = bind.execute(sa.select(invoices.c.id, invoices.c.received_at, invoices.c.payment_days)).all()
    for invoice_id, received_at, payment_days in rows:
        bind.execute(
            invoices.update().where(invoices.c.id == invoice_id).values(due_on=_due_on(received_at, payment_days))
        )
    with op.batch_alter_table("contract_invoices", schema=None) as batch_op:
        batch_op.alter_column("due_on", existing_type=sa.Date(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("contract_invoices", schema=None) as batch_op:
        batch_op.drop_column("due_on")
    with op.batch_alter_table("tenders", schema=None) as batch_op:
        batch_op.drop_column("execution_days")
