"""Issued documents: every version of every signed PDF the platform issues, with its
verification code, its digest and who may read it.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 12:17:18.788863
"""

from alembic import op
import sqlalchemy as sa


revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('issued_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('subject', sa.String(length=64), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('tender_id', sa.Integer(), nullable=True),
    sa.Column('bid_id', sa.Integer(), nullable=True),
    sa.Column('recipient_enterprise_id', sa.Integer(), nullable=True),
    sa.Column('is_public', sa.Boolean(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('content_sha256', sa.String(length=64), nullable=False),
    sa.Column('storage_key', sa.String(length=80), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('supersedes_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("language IN ('fr', 'ar')", name=op.f('ck_issued_documents_language')),
    sa.CheckConstraint('NOT (is_public AND recipient_enterprise_id IS NOT NULL)', name=op.f('ck_issued_documents_public_or_addressed')),
    sa.CheckConstraint('version >= 1', name=op.f('ck_issued_documents_version_positive')),
    sa.ForeignKeyConstraint(['bid_id'], ['bids.id'], name=op.f('fk_issued_documents_bid_id_bids')),
    sa.ForeignKeyConstraint(['recipient_enterprise_id'], ['enterprises.id'], name=op.f('fk_issued_documents_recipient_enterprise_id_enterprises')),
    sa.ForeignKeyConstraint(['supersedes_id'], ['issued_documents.id'], name=op.f('fk_issued_documents_supersedes_id_issued_documents')),
    sa.ForeignKeyConstraint(['tender_id'], ['tenders.id'], name=op.f('fk_issued_documents_tender_id_tenders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_issued_documents')),
    sa.UniqueConstraint('code', name=op.f('uq_issued_documents_code')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_issued_documents_storage_key')),
    sa.UniqueConstraint('subject', 'kind', 'language', 'version', name='uq_issued_documents_version'),
    sa.UniqueConstraint('supersedes_id', name=op.f('uq_issued_documents_supersedes_id'))
    )
    with op.batch_alter_table('issued_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_issued_documents_bid_id'), ['bid_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_issued_documents_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_issued_documents_recipient_enterprise_id'), ['recipient_enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_issued_documents_sha256'), ['sha256'], unique=False)
        batch_op.create_index(batch_op.f('ix_issued_documents_tender_id'), ['tender_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('issued_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_issued_documents_tender_id'))
        batch_op.drop_index(batch_op.f('ix_issued_documents_sha256'))
        batch_op.drop_index(batch_op.f('ix_issued_documents_recipient_enterprise_id'))
        batch_op.drop_index(batch_op.f('ix_issued_documents_kind'))
        batch_op.drop_index(batch_op.f('ix_issued_documents_bid_id'))

    op.drop_table('issued_documents')
