"""The opening commission: members per tender, presences at the opening, missing documents.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 17:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)
OLD_KINDS = "kind IN ('documents', 'clarification', 'deadline_extension')"
NEW_KINDS = "kind IN ('documents', 'clarification', 'deadline_extension', 'commission')"


def _index(table: str, column: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=False)


def upgrade() -> None:
    with op.batch_alter_table("authorities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("commission_quorum", sa.Integer(), server_default="2", nullable=False))
    with op.batch_alter_table("amendments", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_amendments_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_amendments_kind"), NEW_KINDS)
    op.create_table(
        "commissions",
        sa.Column("tender_id", sa.Integer(), nullable=False),
        sa.Column("quorum", sa.Integer(), nullable=False),
        sa.Column("changed_at", WHEN, nullable=False),
        sa.Column("ready_notified_at", WHEN, nullable=True),
        sa.CheckConstraint("quorum >= 2", name=op.f("ck_commissions_quorum_at_least_two")),
        sa.ForeignKeyConstraint(
            ["tender_id"], ["tenders.id"], name=op.f("fk_commissions_tender_id_tenders"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("tender_id", name=op.f("pk_commissions")),
    )
    op.create_table(
        "commission_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tender_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("is_chair", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tender_id"],
            ["commissions.tender_id"],
            name=op.f("fk_commission_members_tender_id_commissions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_commission_members_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commission_members")),
        sa.UniqueConstraint("tender_id", "user_id", name="uq_commission_members_tender_user"),
    )
    _index("commission_members", "tender_id")
    _index("commission_members", "user_id")
    op.create_table(
        "opening_presences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tender_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("confirmed_at", WHEN, nullable=False),
        sa.Column("declared_no_conflict", sa.Boolean(), nullable=False),
        sa.CheckConstraint("declared_no_conflict", name=op.f("ck_opening_presences_declared_no_conflict")),
        sa.ForeignKeyConstraint(["tender_id"], ["tenders.id"], name=op.f("fk_opening_presences_tender_id_tenders")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_opening_presences_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opening_presences")),
        sa.UniqueConstraint("tender_id", "user_id", name="uq_opening_presences_tender_user"),
    )
    _index("opening_presences", "tender_id")
    op.create_table(
        "document_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tender_id", sa.Integer(), nullable=False),
        sa.Column("bid_id", sa.Integer(), nullable=False),
        sa.Column("document", sa.String(length=40), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=False),
        sa.Column("requested_at", WHEN, nullable=False),
        sa.Column("due_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(["bid_id"], ["bids.id"], name=op.f("fk_document_requests_bid_id_bids")),
        sa.ForeignKeyConstraint(
            ["requested_by_id"], ["users.id"], name=op.f("fk_document_requests_requested_by_id_users")
        ),
        sa.ForeignKeyConstraint(["tender_id"], ["tenders.id"], name=op.f("fk_document_requests_tender_id_tenders")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_requests")),
    )
    _index("document_requests", "bid_id")
    _index("document_requests", "tender_id")
    op.create_table(
        "supplied_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("original_name", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("storage_key", sa.String(length=80), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=False),
        sa.Column("uploaded_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"], ["document_requests.id"], name=op.f("fk_supplied_documents_request_id_document_requests")
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["users.id"], name=op.f("fk_supplied_documents_uploaded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supplied_documents")),
        sa.UniqueConstraint("storage_key", name=op.f("uq_supplied_documents_storage_key")),
    )
    _index("supplied_documents", "request_id")


def downgrade() -> None:
    for table in ("supplied_documents", "document_requests", "opening_presences", "commission_members"):
        op.drop_table(table)
    op.drop_table("commissions")
    # Amendments that changed a commission cannot be expressed by the older schema: they
    # become clarifications (their reason says what changed).
    op.execute("UPDATE amendments SET kind = 'clarification' WHERE kind = 'commission'")
    with op.batch_alter_table("amendments", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_amendments_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_amendments_kind"), OLD_KINDS)
    with op.batch_alter_table("authorities", schema=None) as batch_op:
        batch_op.drop_column("commission_quorum")
