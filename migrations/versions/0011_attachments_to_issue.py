"""Outbox attachments may name a document still to issue (issued by the sender, not the request).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 23:55:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_attachments", schema=None) as batch_op:
        batch_op.alter_column("document_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column("issue_kind", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("issue_subject", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("issue_language", sa.String(length=5), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_outbox_attachments_issued_or_to_issue"), "document_id IS NOT NULL OR issue_kind IS NOT NULL"
        )


def downgrade() -> None:
    # Attachments still to issue cannot be expressed by the older schema: they are dropped
    # (their messages are sent without them).
    op.execute("DELETE FROM outbox_attachments WHERE document_id IS NULL")
    with op.batch_alter_table("outbox_attachments", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_outbox_attachments_issued_or_to_issue"), type_="check")
        batch_op.drop_column("issue_language")
        batch_op.drop_column("issue_subject")
        batch_op.drop_column("issue_kind")
        batch_op.alter_column("document_id", existing_type=sa.Integer(), nullable=False)
