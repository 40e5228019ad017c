"""Execution of contracts: service order, extensions and amendments, milestones, acceptance,
invoices with their signed receipt and payment clock (issue 17).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 17:07:40.262508
"""

from alembic import op
import sqlalchemy as sa


revision = "0014"
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('contract_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('amount_delta', sa.BigInteger(), nullable=False),
    sa.Column('days_delta', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind = 'amendment' OR amount_delta = 0", name=op.f('ck_contract_changes_extension_has_no_amount')),
    sa.CheckConstraint("kind IN ('extension', 'amendment')", name=op.f('ck_contract_changes_kind')),
    sa.CheckConstraint('amount_delta <> 0 OR days_delta <> 0', name=op.f('ck_contract_changes_changes_something')),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_contract_changes_contract_id_contracts')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_contract_changes_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_changes'))
    )
    with op.batch_alter_table('contract_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_changes_contract_id'), ['contract_id'], unique=False)

    op.create_table('contract_executions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('execution_days', sa.Integer(), nullable=False),
    sa.Column('ordered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ordered_by_id', sa.Integer(), nullable=False),
    sa.Column('provisional_acceptance_on', sa.Date(), nullable=True),
    sa.Column('final_acceptance_on', sa.Date(), nullable=True),
    sa.Column('acceptance_reserves', sa.Text(), nullable=True),
    sa.CheckConstraint("status IN ('in_progress', 'provisionally_accepted', 'finally_accepted')", name=op.f('ck_contract_executions_status')),
    sa.CheckConstraint('execution_days > 0', name=op.f('ck_contract_executions_positive_period')),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_contract_executions_contract_id_contracts')),
    sa.ForeignKeyConstraint(['ordered_by_id'], ['users.id'], name=op.f('fk_contract_executions_ordered_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_executions')),
    sa.UniqueConstraint('contract_id', name=op.f('uq_contract_executions_contract_id'))
    )
    op.create_table('contract_invoices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=60), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('document_name', sa.String(length=255), nullable=False),
    sa.Column('document_key', sa.String(length=80), nullable=False),
    sa.Column('document_sha256', sa.String(length=64), nullable=False),
    sa.Column('submitted_by_id', sa.Integer(), nullable=False),
    sa.Column('first_received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('payment_days', sa.Integer(), nullable=False),
    sa.Column('interest_rate_bp', sa.Integer(), nullable=False),
    sa.Column('receipt_payload', sa.Text(), nullable=False),
    sa.Column('receipt_signature', sa.String(length=128), nullable=False),
    sa.Column('dispute_reason', sa.Text(), nullable=True),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ordered_on', sa.Date(), nullable=True),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.CheckConstraint("status <> 'disputed' OR dispute_reason IS NOT NULL", name=op.f('ck_contract_invoices_dispute_has_reason')),
    sa.CheckConstraint("status IN ('submitted', 'disputed', 'approved', 'ordered', 'paid')", name=op.f('ck_contract_invoices_status')),
    sa.CheckConstraint('amount > 0', name=op.f('ck_contract_invoices_positive_amount')),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_contract_invoices_contract_id_contracts')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_contract_invoices_submitted_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_invoices'))
    )
    with op.batch_alter_table('contract_invoices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_invoices_contract_id'), ['contract_id'], unique=False)

    op.create_table('contract_milestones',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status <> 'refused' OR reason IS NOT NULL", name=op.f('ck_contract_milestones_refusal_has_reason')),
    sa.CheckConstraint("status IN ('pending', 'delivered', 'accepted', 'refused')", name=op.f('ck_contract_milestones_status')),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_contract_milestones_contract_id_contracts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_milestones'))
    )
    with op.batch_alter_table('contract_milestones', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_milestones_contract_id'), ['contract_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('contract_milestones', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contract_milestones_contract_id'))

    op.drop_table('contract_milestones')
    with op.batch_alter_table('contract_invoices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contract_invoices_contract_id'))

    op.drop_table('contract_invoices')
    op.drop_table('contract_executions')
    with op.batch_alter_table('contract_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contract_changes_contract_id'))

    op.drop_table('contract_changes')
