"""Keys held by the commission: members' public keys, tender key schemes, sealed shares.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 20:15:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "member_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("public_key", sa.LargeBinary(length=32), nullable=False),
        sa.Column("fingerprint", sa.String(length=80), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("revoked_at", WHEN, nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_member_keys_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_keys")),
    )
    with op.batch_alter_table("member_keys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_member_keys_user_id"), ["user_id"], unique=False)
        batch_op.create_index(
            "uq_member_keys_one_active",
            ["user_id"],
            unique=True,
            sqlite_where=sa.text("revoked_at IS NULL"),
            postgresql_where=sa.text("revoked_at IS NULL"),
        )
    op.create_table(
        "tender_key_shares",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tender_id", sa.Integer(), nullable=False),
        sa.Column("epoch", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("share_index", sa.Integer(), nullable=False),
        sa.Column("member_key_id", sa.Integer(), nullable=False),
        sa.Column("sealed_share", sa.LargeBinary(), nullable=False),
        sa.Column("commitment", sa.String(length=64), nullable=False),
        sa.Column("kept_share", sa.LargeBinary(), nullable=True),
        sa.Column("received_at", WHEN, nullable=True),
        sa.Column("retired_at", WHEN, nullable=True),
        sa.ForeignKeyConstraint(
            ["member_key_id"], ["member_keys.id"], name=op.f("fk_tender_key_shares_member_key_id_member_keys")
        ),
        sa.ForeignKeyConstraint(["tender_id"], ["tenders.id"], name=op.f("fk_tender_key_shares_tender_id_tenders")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_tender_key_shares_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tender_key_shares")),
        sa.UniqueConstraint("tender_id", "epoch", "share_index", name="uq_tender_key_shares_index"),
        sa.UniqueConstraint("tender_id", "epoch", "user_id", name="uq_tender_key_shares_member"),
    )
    with op.batch_alter_table("tender_key_shares", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tender_key_shares_tender_id"), ["tender_id"], unique=False)
    with op.batch_alter_table("tender_keys", schema=None) as batch_op:
        batch_op.add_column(sa.Column("scheme", sa.String(length=20), server_default="kek", nullable=False))
        batch_op.add_column(sa.Column("wrapped_platform_part", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("check_value", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("threshold", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("epoch", sa.Integer(), server_default="1", nullable=False))
        batch_op.create_check_constraint(op.f("ck_tender_keys_scheme"), "scheme IN ('kek', 'commission-v1')")


def downgrade() -> None:
    with op.batch_alter_table("tender_keys", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_tender_keys_scheme"), type_="check")
        batch_op.drop_column("epoch")
        batch_op.drop_column("threshold")
        batch_op.drop_column("check_value")
        batch_op.drop_column("wrapped_platform_part")
        batch_op.drop_column("scheme")
    with op.batch_alter_table("tender_key_shares", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tender_key_shares_tender_id"))
    op.drop_table("tender_key_shares")
    with op.batch_alter_table("member_keys", schema=None) as batch_op:
        batch_op.drop_index("uq_member_keys_one_active")
        batch_op.drop_index(batch_op.f("ix_member_keys_user_id"))
    op.drop_table("member_keys")
