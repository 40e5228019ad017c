"""Calls for tender, lots, criteria, documents, amendments, questions, search index.

The full-text index is engine-specific: an FTS5 table on SQLite, a GIN index on
PostgreSQL (see safkat/tenders/search.py).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 11:09:10.246518
"""

from alembic import op
import sqlalchemy as sa


revision = "0002"
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('tender_sequences',
    sa.Column('authority_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last_value', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['authority_id'], ['authorities.id'], name=op.f('fk_tender_sequences_authority_id_authorities')),
    sa.PrimaryKeyConstraint('authority_id', 'year', name=op.f('pk_tender_sequences'))
    )
    op.create_table('tenders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('authority_id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=40), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('title_fr', sa.String(length=300), nullable=False),
    sa.Column('title_ar', sa.String(length=300), nullable=True),
    sa.Column('description_fr', sa.Text(), nullable=False),
    sa.Column('description_ar', sa.Text(), nullable=True),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.Column('procedure', sa.String(length=20), nullable=False),
    sa.Column('estimated_budget', sa.BigInteger(), nullable=True),
    sa.Column('is_budget_public', sa.Boolean(), nullable=False),
    sa.Column('enquiry_deadline_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('submission_deadline_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('opening_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('opening_place', sa.String(length=300), nullable=False),
    sa.Column('bid_validity_days', sa.Integer(), nullable=False),
    sa.Column('award_method', sa.String(length=16), nullable=False),
    sa.Column('technical_weight', sa.Integer(), nullable=False),
    sa.Column('financial_weight', sa.Integer(), nullable=False),
    sa.Column('national_preference', sa.Boolean(), nullable=False),
    sa.Column('requires_technical_offer', sa.Boolean(), nullable=False),
    sa.Column('required_documents', sa.Text(), nullable=False),
    sa.Column('has_reserved_lot', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancel_reason', sa.Text(), nullable=True),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("award_method <> 'weighted' OR technical_weight + financial_weight = 100", name=op.f('ck_tenders_weights_sum_to_100')),
    sa.CheckConstraint("award_method IN ('lowest_price', 'weighted')", name=op.f('ck_tenders_award_method')),
    sa.CheckConstraint("category IN ('works', 'supplies', 'services', 'studies')", name=op.f('ck_tenders_category')),
    sa.CheckConstraint("procedure IN ('open', 'open_min_capacity', 'restricted', 'consultation')", name=op.f('ck_tenders_procedure')),
    sa.CheckConstraint("status = 'draft' OR status = 'deleted' OR reference IS NOT NULL", name=op.f('ck_tenders_published_has_ref')),
    sa.CheckConstraint("status IN ('draft', 'published', 'cancelled', 'deleted')", name=op.f('ck_tenders_status')),
    sa.CheckConstraint('estimated_budget IS NULL OR estimated_budget >= 0', name=op.f('ck_tenders_budget_positive')),
    sa.ForeignKeyConstraint(['authority_id'], ['authorities.id'], name=op.f('fk_tenders_authority_id_authorities')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_tenders_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tenders')),
    sa.UniqueConstraint('reference', name=op.f('uq_tenders_reference'))
    )
    with op.batch_alter_table('tenders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tenders_authority_id'), ['authority_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tenders_category'), ['category'], unique=False)
        batch_op.create_index(batch_op.f('ix_tenders_has_reserved_lot'), ['has_reserved_lot'], unique=False)
        batch_op.create_index(batch_op.f('ix_tenders_procedure'), ['procedure'], unique=False)
        batch_op.create_index('ix_tenders_public_listing', ['status', 'submission_deadline_at'], unique=False)
        batch_op.create_index('ix_tenders_published_at', ['published_at'], unique=False)

    op.create_table('amendments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tender_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('old_deadline_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('new_deadline_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind <> 'deadline_extension' OR new_deadline_at > old_deadline_at", name=op.f('ck_amendments_extension_only')),
    sa.CheckConstraint("kind IN ('documents', 'clarification', 'deadline_extension')", name=op.f('ck_amendments_kind')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_amendments_created_by_id_users')),
    sa.ForeignKeyConstraint(['tender_id'], ['tenders.id'], name=op.f('fk_amendments_tender_id_tenders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_amendments')),
    sa.UniqueConstraint('tender_id', 'number', name='uq_amendments_tender_number')
    )
    with op.batch_alter_table('amendments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_amendments_tender_id'), ['tender_id'], unique=False)

    op.create_table('lots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tender_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title_fr', sa.String(length=300), nullable=False),
    sa.Column('title_ar', sa.String(length=300), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('estimated_amount', sa.BigInteger(), nullable=True),
    sa.Column('is_reserved', sa.Boolean(), nullable=False),
    sa.CheckConstraint('estimated_amount IS NULL OR estimated_amount >= 0', name=op.f('ck_lots_amount_positive')),
    sa.ForeignKeyConstraint(['tender_id'], ['tenders.id'], name=op.f('fk_lots_tender_id_tenders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lots')),
    sa.UniqueConstraint('tender_id', 'number', name='uq_lots_tender_number')
    )
    with op.batch_alter_table('lots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lots_tender_id'), ['tender_id'], unique=False)

    op.create_table('questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tender_id', sa.Integer(), nullable=False),
    sa.Column('asked_by_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('asked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'], name=op.f('fk_questions_answered_by_id_users')),
    sa.ForeignKeyConstraint(['asked_by_id'], ['users.id'], name=op.f('fk_questions_asked_by_id_users')),
    sa.ForeignKeyConstraint(['tender_id'], ['tenders.id'], name=op.f('fk_questions_tender_id_tenders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questions'))
    )
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_questions_tender_id'), ['tender_id'], unique=False)

    op.create_table('technical_criteria',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tender_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=300), nullable=False),
    sa.Column('max_points', sa.Integer(), nullable=False),
    sa.CheckConstraint('max_points > 0', name=op.f('ck_technical_criteria_max_points_positive')),
    sa.ForeignKeyConstraint(['tender_id'], ['tenders.id'], name=op.f('fk_technical_criteria_tender_id_tenders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_technical_criteria'))
    )
    with op.batch_alter_table('technical_criteria', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_technical_criteria_tender_id'), ['tender_id'], unique=False)

    op.create_table('tender_search',
    sa.Column('tender_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['tender_id'], ['tenders.id'], name=op.f('fk_tender_search_tender_id_tenders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tender_id', name=op.f('pk_tender_search'))
    )
    op.create_table('tender_sectors',
    sa.Column('tender_id', sa.Integer(), nullable=False),
    sa.Column('sector_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['sector_id'], ['sectors.id'], name=op.f('fk_tender_sectors_sector_id_sectors'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['tender_id'], ['tenders.id'], name=op.f('fk_tender_sectors_tender_id_tenders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tender_id', 'sector_id', name=op.f('pk_tender_sectors'))
    )
    with op.batch_alter_table('tender_sectors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tender_sectors_sector_id'), ['sector_id'], unique=False)

    op.create_table('tender_wilayas',
    sa.Column('tender_id', sa.Integer(), nullable=False),
    sa.Column('wilaya_code', sa.String(length=2), nullable=False),
    sa.ForeignKeyConstraint(['tender_id'], ['tenders.id'], name=op.f('fk_tender_wilayas_tender_id_tenders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tender_id', 'wilaya_code', name=op.f('pk_tender_wilayas'))
    )
    with op.batch_alter_table('tender_wilayas', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tender_wilayas_wilaya_code'), ['wilaya_code'], unique=False)

    op.create_table('tender_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tender_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size_bytes', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('storage_key', sa.String(length=80), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('amendment_id', sa.Integer(), nullable=True),
    sa.Column('replaced_by_id', sa.Integer(), nullable=True),
    sa.Column('download_count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['amendment_id'], ['amendments.id'], name=op.f('fk_tender_documents_amendment_id_amendments')),
    sa.ForeignKeyConstraint(['replaced_by_id'], ['tender_documents.id'], name=op.f('fk_tender_documents_replaced_by_id_tender_documents')),
    sa.ForeignKeyConstraint(['tender_id'], ['tenders.id'], name=op.f('fk_tender_documents_tender_id_tenders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tender_documents')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_tender_documents_storage_key'))
    )
    with op.batch_alter_table('tender_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tender_documents_tender_id'), ['tender_id'], unique=False)

    op.create_table('document_downloads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('tender_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('first_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['tender_documents.id'], name=op.f('fk_document_downloads_document_id_tender_documents')),
    sa.ForeignKeyConstraint(['tender_id'], ['tenders.id'], name=op.f('fk_document_downloads_tender_id_tenders')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_document_downloads_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_downloads')),
    sa.UniqueConstraint('document_id', 'user_id', name='uq_document_downloads_document_user')
    )
    with op.batch_alter_table('document_downloads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_downloads_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_downloads_tender_id'), ['tender_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_downloads_user_id'), ['user_id'], unique=False)

    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE tender_search_fts USING fts5(body, tokenize='unicode61 remove_diacritics 2')"
        )
    else:
        op.execute("CREATE INDEX ix_tender_search_body_fts ON tender_search USING gin (to_tsvector('simple', body))")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE tender_search_fts")
    else:
        op.execute("DROP INDEX ix_tender_search_body_fts")
    with op.batch_alter_table('document_downloads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_downloads_user_id'))
        batch_op.drop_index(batch_op.f('ix_document_downloads_tender_id'))
        batch_op.drop_index(batch_op.f('ix_document_downloads_document_id'))

    op.drop_table('document_downloads')
    with op.batch_alter_table('tender_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tender_documents_tender_id'))

    op.drop_table('tender_documents')
    with op.batch_alter_table('tender_wilayas', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tender_wilayas_wilaya_code'))

    op.drop_table('tender_wilayas')
    with op.batch_alter_table('tender_sectors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tender_sectors_sector_id'))

    op.drop_table('tender_sectors')
    op.drop_table('tender_search')
    with op.batch_alter_table('technical_criteria', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_technical_criteria_tender_id'))

    op.drop_table('technical_criteria')
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_questions_tender_id'))

    op.drop_table('questions')
    with op.batch_alter_table('lots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lots_tender_id'))

    op.drop_table('lots')
    with op.batch_alter_table('amendments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_amendments_tender_id'))

    op.drop_table('amendments')
    with op.batch_alter_table('tenders', schema=None) as batch_op:
        batch_op.drop_index('ix_tenders_published_at')
        batch_op.drop_index('ix_tenders_public_listing')
        batch_op.drop_index(batch_op.f('ix_tenders_procedure'))
        batch_op.drop_index(batch_op.f('ix_tenders_has_reserved_lot'))
        batch_op.drop_index(batch_op.f('ix_tenders_category'))
        batch_op.drop_index(batch_op.f('ix_tenders_authority_id'))

    op.drop_table('tenders')
    op.drop_table('tender_sequences')
