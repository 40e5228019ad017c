"""Redistribution of a tender's commission secret to a new commission: rounds and participants.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 20:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)
PENDING = sa.text("status IN ('collecting', 'combining')")


def upgrade() -> None:
    op.create_table(
        "reshare_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tender_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("old_epoch", sa.Integer(), nullable=False),
        sa.Column("new_epoch", sa.Integer(), nullable=False),
        sa.Column("old_threshold", sa.Integer(), nullable=False),
        sa.Column("new_threshold", sa.Integer(), nullable=False),
        sa.Column("started_at", WHEN, nullable=False),
        sa.Column("started_by_id", sa.Integer(), nullable=True),
        sa.Column("finished_at", WHEN, nullable=True),
        sa.CheckConstraint(
            "status IN ('collecting', 'combining', 'complete', 'abandoned')", name=op.f("ck_reshare_rounds_status")
        ),
        sa.ForeignKeyConstraint(["started_by_id"], ["users.id"], name=op.f("fk_reshare_rounds_started_by_id_users")),
        sa.ForeignKeyConstraint(["tender_id"], ["tenders.id"], name=op.f("fk_reshare_rounds_tender_id_tenders")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reshare_rounds")),
    )
    with op.batch_alter_table("reshare_rounds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reshare_rounds_tender_id"), ["tender_id"], unique=False)
        batch_op.create_index(
            "uq_reshare_rounds_one_pending", ["tender_id"], unique=True, sqlite_where=PENDING, postgresql_where=PENDING
        )
    op.create_table(
        "reshare_participants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("share_index", sa.Integer(), nullable=False),
        sa.Column("member_key_id", sa.Integer(), nullable=False),
        sa.Column("reply", sa.Text(), nullable=True),
        sa.Column("answered_at", WHEN, nullable=True),
        sa.CheckConstraint("role IN ('sender', 'recipient')", name=op.f("ck_reshare_participants_role")),
        sa.ForeignKeyConstraint(
            ["member_key_id"], ["member_keys.id"], name=op.f("fk_reshare_participants_member_key_id_member_keys")
        ),
        sa.ForeignKeyConstraint(
            ["round_id"], ["reshare_rounds.id"], name=op.f("fk_reshare_participants_round_id_reshare_rounds")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_reshare_participants_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reshare_participants")),
        sa.UniqueConstraint("round_id", "role", "user_id", name="uq_reshare_participants_member"),
    )
    with op.batch_alter_table("reshare_participants", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reshare_participants_round_id"), ["round_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("reshare_participants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reshare_participants_round_id"))
    op.drop_table("reshare_participants")
    with op.batch_alter_table("reshare_rounds", schema=None) as batch_op:
        batch_op.drop_index("uq_reshare_rounds_one_pending")
        batch_op.drop_index(batch_op.f("ix_reshare_rounds_tender_id"))
    op.drop_table("reshare_rounds")
