"""Accounts, contracting authorities, sectors, audit log and outbox.

Also inserts the reference sectors and the audit chain's head row.

Revision ID: 0001
Revises:
Create Date: 2026-11-28 10:57:57.631926
"""

from alembic import op
import sqlalchemy as sa


revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

SECTORS = [
    ("building", "Bâtiment", "البناء", "Building"),
    ("carpentry", "Menuiserie", "النجارة", "Carpentry"),
    ("civil_works", "Génie civil et travaux publics", "الهندسة المدنية والأشغال العمومية", "Civil works"),
    ("cleaning", "Nettoyage et entretien", "التنظيف والصيانة", "Cleaning and upkeep"),
    ("electricity", "Électricité", "الكهرباء", "Electrical works"),
    ("it_equipment", "Équipements informatiques", "التجهيزات الإعلامية", "IT equipment"),
    ("it_maintenance", "Maintenance informatique", "صيانة الإعلام الآلي", "IT maintenance"),
    ("office_supplies", "Fournitures de bureau", "اللوازم المكتبية", "Office supplies"),
    ("security", "Gardiennage et sécurité", "الحراسة والأمن", "Security guarding"),
    ("studies", "Études et ingénierie", "الدراسات والهندسة", "Studies and engineering"),
    ("telecom_networks", "Réseaux de télécommunications et fibre optique", "شبكات الاتصالات والألياف البصرية", "Telecom networks and fibre optics"),
    ("transport", "Transport et logistique", "النقل والإمداد", "Transport and logistics"),
]


def upgrade() -> None:
    op.create_table('audit_head',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('last_seq', sa.Integer(), nullable=False),
    sa.Column('last_hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_head'))
    )
    op.create_table('authorities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('name_fr', sa.String(length=200), nullable=False),
    sa.Column('name_ar', sa.String(length=200), nullable=False),
    sa.Column('wilaya_code', sa.String(length=2), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_authorities')),
    sa.UniqueConstraint('code', name=op.f('uq_authorities_code'))
    )
    op.create_table('enterprises',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('legal_form', sa.String(length=16), nullable=False),
    sa.Column('nif', sa.String(length=20), nullable=False),
    sa.Column('nis', sa.String(length=20), nullable=False),
    sa.Column('rc_number', sa.String(length=40), nullable=True),
    sa.Column('artisan_card', sa.String(length=40), nullable=True),
    sa.Column('support_scheme', sa.String(length=8), nullable=False),
    sa.Column('attestation_number', sa.String(length=60), nullable=True),
    sa.Column('wilaya_code', sa.String(length=2), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('phone', sa.String(length=30), nullable=False),
    sa.Column('contact_person', sa.String(length=120), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('status_reason', sa.Text(), nullable=True),
    sa.Column('status_changed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("legal_form IN ('individual', 'eurl', 'sarl', 'snc', 'spa', 'artisan')", name=op.f('ck_enterprises_legal_form')),
    sa.CheckConstraint("status IN ('registered', 'pending', 'verified', 'rejected', 'suspended')", name=op.f('ck_enterprises_status')),
    sa.CheckConstraint("support_scheme IN ('anade', 'angem', 'cnac', 'none')", name=op.f('ck_enterprises_support_scheme')),
    sa.CheckConstraint('rc_number IS NOT NULL OR artisan_card IS NOT NULL', name=op.f('ck_enterprises_has_register_number')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enterprises')),
    sa.UniqueConstraint('nif', name=op.f('uq_enterprises_nif'))
    )
    with op.batch_alter_table('enterprises', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enterprises_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_enterprises_wilaya_code'), ['wilaya_code'], unique=False)

    op.create_table('sectors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name_fr', sa.String(length=120), nullable=False),
    sa.Column('name_ar', sa.String(length=120), nullable=False),
    sa.Column('name_en', sa.String(length=120), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sectors')),
    sa.UniqueConstraint('code', name=op.f('uq_sectors_code'))
    )
    op.create_table('enterprise_sectors',
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('sector_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'], name=op.f('fk_enterprise_sectors_enterprise_id_enterprises'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sector_id'], ['sectors.id'], name=op.f('fk_enterprise_sectors_sector_id_sectors'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('enterprise_id', 'sector_id', name=op.f('pk_enterprise_sectors'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('full_name', sa.String(length=120), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('locale', sa.String(length=5), nullable=True),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('email_verified_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('session_version', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=True),
    sa.Column('is_enterprise_owner', sa.Boolean(), nullable=False),
    sa.Column('authority_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("role <> 'bidder' OR enterprise_id IS NOT NULL", name=op.f('ck_users_bidder_enterprise')),
    sa.CheckConstraint("role <> 'officer' OR authority_id IS NOT NULL", name=op.f('ck_users_officer_authority')),
    sa.CheckConstraint("role IN ('bidder', 'officer', 'admin')", name=op.f('ck_users_role')),
    sa.ForeignKeyConstraint(['authority_id'], ['authorities.id'], name=op.f('fk_users_authority_id_authorities')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'], name=op.f('fk_users_enterprise_id_enterprises')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_authority_id'), ['authority_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_users_enterprise_id'), ['enterprise_id'], unique=False)

    op.create_table('audit_events',
    sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_label', sa.String(length=254), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('object_type', sa.String(length=32), nullable=False),
    sa.Column('object_id', sa.String(length=64), nullable=False),
    sa.Column('details', sa.Text(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_events_actor_id_users')),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_audit_events')),
    sa.UniqueConstraint('hash', name=op.f('uq_audit_events_hash'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_occurred_at'), ['occurred_at'], unique=False)

    op.create_table('enterprise_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('storage_key', sa.String(length=80), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('support_attestation', 'trade_register', 'tax_card', 'other')", name=op.f('ck_enterprise_documents_kind')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'], name=op.f('fk_enterprise_documents_enterprise_id_enterprises')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_enterprise_documents_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enterprise_documents')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_enterprise_documents_storage_key'))
    )
    with op.batch_alter_table('enterprise_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enterprise_documents_enterprise_id'), ['enterprise_id'], unique=False)

    op.create_table('outbox_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('locale', sa.String(length=5), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'sent', 'dead')", name=op.f('ck_outbox_messages_status')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_outbox_messages_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_messages'))
    )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_messages_due', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_messages_user_id'), ['user_id'], unique=False)

    op.bulk_insert(
        sa.table("audit_head", sa.column("id"), sa.column("last_seq"), sa.column("last_hash")),
        [{"id": 1, "last_seq": 0, "last_hash": "0" * 64}],
    )
    op.bulk_insert(
        sa.table("sectors", sa.column("code"), sa.column("name_fr"), sa.column("name_ar"), sa.column("name_en")),
        [dict(zip(("code", "name_fr", "name_ar", "name_en"), row)) for row in SECTORS],
    )



def downgrade() -> None:
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_messages_user_id'))
        batch_op.drop_index('ix_outbox_messages_due')

    op.drop_table('outbox_messages')
    with op.batch_alter_table('enterprise_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enterprise_documents_enterprise_id'))

    op.drop_table('enterprise_documents')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_occurred_at'))
        batch_op.drop_index(batch_op.f('ix_audit_events_action'))

    op.drop_table('audit_events')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_enterprise_id'))
        batch_op.drop_index(batch_op.f('ix_users_authority_id'))

    op.drop_table('users')
    op.drop_table('enterprise_sectors')
    op.drop_table('sectors')
    with op.batch_alter_table('enterprises', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enterprises_wilaya_code'))
        batch_op.drop_index(batch_op.f('ix_enterprises_status'))

    op.drop_table('enterprises')
    op.drop_table('authorities')
    op.drop_table('audit_head')
