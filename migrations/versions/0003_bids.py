"""Sealed bids: tender keys, bids, envelopes, receipts, openings, chunked uploads; key checks;
tenders gain the opened and unsuccessful states.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 11:29:40.538654
"""

from alembic import op
import sqlalchemy as sa


revision = "0003"
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('key_checks',
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('value', sa.String(length=128), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_key_checks'))
    )
    op.create_table('bids',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tender_id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('idempotency_key', sa.String(length=64), nullable=True),
    sa.Column('digest', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('replaces_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status = 'draft' OR status = 'discarded' OR digest IS NOT NULL", name=op.f('ck_bids_sealed_has_digest')),
    sa.CheckConstraint("status IN ('draft', 'submitted', 'superseded', 'withdrawn', 'discarded')", name=op.f('ck_bids_status')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_bids_created_by_id_users')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'], name=op.f('fk_bids_enterprise_id_enterprises')),
    sa.ForeignKeyConstraint(['replaces_id'], ['bids.id'], name=op.f('fk_bids_replaces_id_bids')),
    sa.ForeignKeyConstraint(['tender_id'], ['tenders.id'], name=op.f('fk_bids_tender_id_tenders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bids')),
    sa.UniqueConstraint('enterprise_id', 'idempotency_key', name='uq_bids_enterprise_idempotency_key')
    )
    with op.batch_alter_table('bids', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bids_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bids_tender_id'), ['tender_id'], unique=False)
        batch_op.create_index('uq_bids_one_active', ['tender_id', 'enterprise_id'], unique=True, sqlite_where=sa.text("status = 'submitted'"), postgresql_where=sa.text("status = 'submitted'"))
        batch_op.create_index('uq_bids_one_draft', ['tender_id', 'enterprise_id'], unique=True, sqlite_where=sa.text("status = 'draft'"), postgresql_where=sa.text("status = 'draft'"))

    op.create_table('openings',
    sa.Column('tender_id', sa.Integer(), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('opened_by_id', sa.Integer(), nullable=True),
    sa.Column('commission', sa.Text(), nullable=False),
    sa.Column('superseded_count', sa.Integer(), nullable=False),
    sa.Column('withdrawn_count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['opened_by_id'], ['users.id'], name=op.f('fk_openings_opened_by_id_users')),
    sa.ForeignKeyConstraint(['tender_id'], ['tenders.id'], name=op.f('fk_openings_tender_id_tenders')),
    sa.PrimaryKeyConstraint('tender_id', name=op.f('pk_openings'))
    )
    op.create_table('tender_keys',
    sa.Column('tender_id', sa.Integer(), nullable=False),
    sa.Column('public_key', sa.LargeBinary(length=32), nullable=False),
    sa.Column('wrapped_private_key', sa.LargeBinary(), nullable=False),
    sa.Column('fingerprint', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tender_id'], ['tenders.id'], name=op.f('fk_tender_keys_tender_id_tenders')),
    sa.PrimaryKeyConstraint('tender_id', name=op.f('pk_tender_keys'))
    )
    op.create_table('bid_lots',
    sa.Column('bid_id', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['bid_id'], ['bids.id'], name=op.f('fk_bid_lots_bid_id_bids'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['lot_id'], ['lots.id'], name=op.f('fk_bid_lots_lot_id_lots')),
    sa.PrimaryKeyConstraint('bid_id', 'lot_id', name=op.f('pk_bid_lots'))
    )
    op.create_table('envelopes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bid_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('is_offer_data', sa.Boolean(), nullable=False),
    sa.Column('sealed_key', sa.LargeBinary(), nullable=True),
    sa.Column('draft_key', sa.LargeBinary(), nullable=True),
    sa.Column('storage_key', sa.String(length=80), nullable=False),
    sa.Column('ciphertext_size', sa.Integer(), nullable=False),
    sa.Column('ciphertext_sha256', sa.String(length=64), nullable=False),
    sa.CheckConstraint("kind IN ('application', 'technical', 'financial')", name=op.f('ck_envelopes_kind')),
    sa.CheckConstraint('sealed_key IS NOT NULL OR draft_key IS NOT NULL', name=op.f('ck_envelopes_has_a_key')),
    sa.ForeignKeyConstraint(['bid_id'], ['bids.id'], name=op.f('fk_envelopes_bid_id_bids'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_envelopes')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_envelopes_storage_key'))
    )
    with op.batch_alter_table('envelopes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_envelopes_bid_id'), ['bid_id'], unique=False)

    op.create_table('opened_bids',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tender_id', sa.Integer(), nullable=False),
    sa.Column('bid_id', sa.Integer(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('is_intact', sa.Boolean(), nullable=False),
    sa.Column('problem', sa.Text(), nullable=True),
    sa.Column('envelopes', sa.Text(), nullable=False),
    sa.Column('amounts', sa.Text(), nullable=False),
    sa.Column('statement', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['bid_id'], ['bids.id'], name=op.f('fk_opened_bids_bid_id_bids')),
    sa.ForeignKeyConstraint(['tender_id'], ['openings.tender_id'], name=op.f('fk_opened_bids_tender_id_openings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_opened_bids')),
    sa.UniqueConstraint('bid_id', name=op.f('uq_opened_bids_bid_id'))
    )
    with op.batch_alter_table('opened_bids', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_opened_bids_tender_id'), ['tender_id'], unique=False)

    op.create_table('receipts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bid_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('signature', sa.String(length=128), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['bid_id'], ['bids.id'], name=op.f('fk_receipts_bid_id_bids')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_receipts'))
    )
    with op.batch_alter_table('receipts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_receipts_bid_id'), ['bid_id'], unique=False)

    op.create_table('opened_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('opened_bid_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('storage_key', sa.String(length=80), nullable=False),
    sa.ForeignKeyConstraint(['opened_bid_id'], ['opened_bids.id'], name=op.f('fk_opened_documents_opened_bid_id_opened_bids')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_opened_documents')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_opened_documents_storage_key'))
    )
    with op.batch_alter_table('opened_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_opened_documents_opened_bid_id'), ['opened_bid_id'], unique=False)

    op.create_table('bid_uploads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('tender_id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('sealed_meta', sa.LargeBinary(), nullable=False),
    sa.Column('data_key', sa.LargeBinary(), nullable=False),
    sa.Column('declared_size', sa.Integer(), nullable=False),
    sa.Column('received_size', sa.Integer(), nullable=False),
    sa.Column('next_index', sa.Integer(), nullable=False),
    sa.Column('stored_bytes', sa.Integer(), nullable=False),
    sa.Column('storage_key', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'], name=op.f('fk_bid_uploads_enterprise_id_enterprises')),
    sa.ForeignKeyConstraint(['tender_id'], ['tenders.id'], name=op.f('fk_bid_uploads_tender_id_tenders')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_bid_uploads_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bid_uploads')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_bid_uploads_storage_key')),
    sa.UniqueConstraint('token', name=op.f('uq_bid_uploads_token'))
    )
    with op.batch_alter_table('bid_uploads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bid_uploads_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bid_uploads_tender_id'), ['tender_id'], unique=False)

    with op.batch_alter_table("tenders", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_tenders_status"), type_="check")
        batch_op.create_check_constraint(op.f("ck_tenders_status"), "status IN ('draft', 'published', 'opened', 'unsuccessful', 'cancelled', 'deleted')")


def downgrade() -> None:
    op.drop_table("bid_uploads")
    with op.batch_alter_table("tenders", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_tenders_status"), type_="check")
        batch_op.create_check_constraint(op.f("ck_tenders_status"), "status IN ('draft', 'published', 'cancelled', 'deleted')")
    with op.batch_alter_table('opened_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_opened_documents_opened_bid_id'))

    op.drop_table('opened_documents')
    with op.batch_alter_table('receipts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_receipts_bid_id'))

    op.drop_table('receipts')
    with op.batch_alter_table('opened_bids', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_opened_bids_tender_id'))

    op.drop_table('opened_bids')
    with op.batch_alter_table('envelopes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_envelopes_bid_id'))

    op.drop_table('envelopes')
    op.drop_table('bid_lots')
    op.drop_table('tender_keys')
    op.drop_table('openings')
    with op.batch_alter_table('bids', schema=None) as batch_op:
        batch_op.drop_index('uq_bids_one_draft', sqlite_where=sa.text("status = 'draft'"), postgresql_where=sa.text("status = 'draft'"))
        batch_op.drop_index('uq_bids_one_active', sqlite_where=sa.text("status = 'submitted'"), postgresql_where=sa.text("status = 'submitted'"))
        batch_op.drop_index(batch_op.f('ix_bids_tender_id'))
        batch_op.drop_index(batch_op.f('ix_bids_enterprise_id'))

    op.drop_table('bids')
    op.drop_table('key_checks')
