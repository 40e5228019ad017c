"""Evaluation (per lot, per bid, technical scores), awards, complaints, contracts;
tenders gain the evaluation, provisional_award and awarded states.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 11:47:32.332475
"""

from alembic import op
import sqlalchemy as sa


revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('complaints',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tender_id', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('lodged_by_id', sa.Integer(), nullable=False),
    sa.Column('grounds', sa.Text(), nullable=False),
    sa.Column('document_name', sa.String(length=255), nullable=True),
    sa.Column('document_key', sa.String(length=80), nullable=True),
    sa.Column('document_sha256', sa.String(length=64), nullable=True),
    sa.Column('lodged_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status = 'pending' OR answer IS NOT NULL", name=op.f('ck_complaints_answered_with_reasons')),
    sa.CheckConstraint("status IN ('pending', 'upheld', 'rejected')", name=op.f('ck_complaints_status')),
    sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'], name=op.f('fk_complaints_answered_by_id_users')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'], name=op.f('fk_complaints_enterprise_id_enterprises')),
    sa.ForeignKeyConstraint(['lodged_by_id'], ['users.id'], name=op.f('fk_complaints_lodged_by_id_users')),
    sa.ForeignKeyConstraint(['lot_id'], ['lots.id'], name=op.f('fk_complaints_lot_id_lots')),
    sa.ForeignKeyConstraint(['tender_id'], ['tenders.id'], name=op.f('fk_complaints_tender_id_tenders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaints'))
    )
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaints_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaints_lot_id'), ['lot_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaints_tender_id'), ['tender_id'], unique=False)

    op.create_table('lot_evaluations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tender_id', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('in_progress', 'reviewed', 'locked')", name=op.f('ck_lot_evaluations_status')),
    sa.ForeignKeyConstraint(['lot_id'], ['lots.id'], name=op.f('fk_lot_evaluations_lot_id_lots')),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_lot_evaluations_reviewed_by_id_users')),
    sa.ForeignKeyConstraint(['tender_id'], ['tenders.id'], name=op.f('fk_lot_evaluations_tender_id_tenders')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_lot_evaluations_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lot_evaluations')),
    sa.UniqueConstraint('lot_id', name=op.f('uq_lot_evaluations_lot_id'))
    )
    with op.batch_alter_table('lot_evaluations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lot_evaluations_tender_id'), ['tender_id'], unique=False)

    op.create_table('assessments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('evaluation_id', sa.Integer(), nullable=False),
    sa.Column('bid_id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('read_amount', sa.BigInteger(), nullable=False),
    sa.Column('read_vat', sa.BigInteger(), nullable=False),
    sa.Column('is_eligible', sa.Boolean(), nullable=True),
    sa.Column('rejection_reason', sa.Text(), nullable=True),
    sa.Column('technical_pass', sa.Boolean(), nullable=True),
    sa.Column('corrected_amount', sa.BigInteger(), nullable=True),
    sa.Column('correction_note', sa.Text(), nullable=True),
    sa.Column('national_preference', sa.Boolean(), nullable=False),
    sa.Column('alo_status', sa.String(length=24), nullable=False),
    sa.Column('alo_question', sa.Text(), nullable=True),
    sa.Column('alo_answer', sa.Text(), nullable=True),
    sa.Column('alo_justification', sa.Text(), nullable=True),
    sa.Column('evaluated_price', sa.BigInteger(), nullable=True),
    sa.Column('technical_score', sa.Numeric(precision=6, scale=2), nullable=True),
    sa.Column('financial_score', sa.Numeric(precision=6, scale=2), nullable=True),
    sa.Column('total_score', sa.Numeric(precision=6, scale=2), nullable=True),
    sa.Column('rank', sa.Integer(), nullable=True),
    sa.CheckConstraint("alo_status IN ('none', 'flagged', 'explanation_requested', 'explained', 'kept', 'rejected')", name=op.f('ck_assessments_alo_status')),
    sa.CheckConstraint("alo_status NOT IN ('kept', 'rejected') OR alo_justification IS NOT NULL", name=op.f('ck_assessments_alo_decision_justified')),
    sa.CheckConstraint('is_eligible IS NOT FALSE OR rejection_reason IS NOT NULL', name=op.f('ck_assessments_rejection_has_reason')),
    sa.ForeignKeyConstraint(['bid_id'], ['bids.id'], name=op.f('fk_assessments_bid_id_bids')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'], name=op.f('fk_assessments_enterprise_id_enterprises')),
    sa.ForeignKeyConstraint(['evaluation_id'], ['lot_evaluations.id'], name=op.f('fk_assessments_evaluation_id_lot_evaluations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessments')),
    sa.UniqueConstraint('evaluation_id', 'bid_id', name='uq_assessments_evaluation_bid')
    )
    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessments_bid_id'), ['bid_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assessments_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assessments_evaluation_id'), ['evaluation_id'], unique=False)

    op.create_table('lot_awards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tender_id', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=True),
    sa.Column('enterprise_id', sa.Integer(), nullable=True),
    sa.Column('amount', sa.BigInteger(), nullable=True),
    sa.Column('amount_incl_vat', sa.BigInteger(), nullable=True),
    sa.Column('bids_count', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('standstill_ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finalized_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status <> 'unsuccessful' OR reason IS NOT NULL", name=op.f('ck_lot_awards_unsuccessful_has_reason')),
    sa.CheckConstraint("status = 'unsuccessful' OR enterprise_id IS NOT NULL", name=op.f('ck_lot_awards_winner_named')),
    sa.CheckConstraint("status IN ('provisional', 'final', 'withdrawn', 'unsuccessful')", name=op.f('ck_lot_awards_status')),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessments.id'], name=op.f('fk_lot_awards_assessment_id_assessments')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'], name=op.f('fk_lot_awards_enterprise_id_enterprises')),
    sa.ForeignKeyConstraint(['lot_id'], ['lots.id'], name=op.f('fk_lot_awards_lot_id_lots')),
    sa.ForeignKeyConstraint(['tender_id'], ['tenders.id'], name=op.f('fk_lot_awards_tender_id_tenders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lot_awards')),
    sa.UniqueConstraint('lot_id', 'round', name='uq_lot_awards_lot_round')
    )
    with op.batch_alter_table('lot_awards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lot_awards_lot_id'), ['lot_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lot_awards_tender_id'), ['tender_id'], unique=False)

    op.create_table('technical_scores',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('evaluator_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.CheckConstraint('points >= 0', name=op.f('ck_technical_scores_points_positive')),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessments.id'], name=op.f('fk_technical_scores_assessment_id_assessments')),
    sa.ForeignKeyConstraint(['criterion_id'], ['technical_criteria.id'], name=op.f('fk_technical_scores_criterion_id_technical_criteria')),
    sa.ForeignKeyConstraint(['evaluator_id'], ['users.id'], name=op.f('fk_technical_scores_evaluator_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_technical_scores')),
    sa.UniqueConstraint('assessment_id', 'evaluator_id', 'criterion_id', name='uq_technical_scores_one_mark')
    )
    with op.batch_alter_table('technical_scores', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_technical_scores_assessment_id'), ['assessment_id'], unique=False)

    op.create_table('contracts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lot_award_id', sa.Integer(), nullable=False),
    sa.Column('tender_id', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('amount_incl_vat', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('signed_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('pending_signature', 'signed')", name=op.f('ck_contracts_status')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'], name=op.f('fk_contracts_enterprise_id_enterprises')),
    sa.ForeignKeyConstraint(['lot_award_id'], ['lot_awards.id'], name=op.f('fk_contracts_lot_award_id_lot_awards')),
    sa.ForeignKeyConstraint(['lot_id'], ['lots.id'], name=op.f('fk_contracts_lot_id_lots')),
    sa.ForeignKeyConstraint(['tender_id'], ['tenders.id'], name=op.f('fk_contracts_tender_id_tenders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contracts')),
    sa.UniqueConstraint('lot_award_id', name=op.f('uq_contracts_lot_award_id'))
    )
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contracts_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contracts_tender_id'), ['tender_id'], unique=False)

    with op.batch_alter_table("tenders", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_tenders_status"), type_="check")
        batch_op.create_check_constraint(op.f("ck_tenders_status"), "status IN ('draft', 'published', 'opened', 'evaluation', 'provisional_award', 'awarded', 'unsuccessful', 'cancelled', 'deleted')")


def downgrade() -> None:
    with op.batch_alter_table("tenders", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_tenders_status"), type_="check")
        batch_op.create_check_constraint(op.f("ck_tenders_status"), "status IN ('draft', 'published', 'opened', 'unsuccessful', 'cancelled', 'deleted')")
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contracts_tender_id'))
        batch_op.drop_index(batch_op.f('ix_contracts_enterprise_id'))

    op.drop_table('contracts')
    with op.batch_alter_table('technical_scores', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_technical_scores_assessment_id'))

    op.drop_table('technical_scores')
    with op.batch_alter_table('lot_awards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lot_awards_tender_id'))
        batch_op.drop_index(batch_op.f('ix_lot_awards_lot_id'))

    op.drop_table('lot_awards')
    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessments_evaluation_id'))
        batch_op.drop_index(batch_op.f('ix_assessments_enterprise_id'))
        batch_op.drop_index(batch_op.f('ix_assessments_bid_id'))

    op.drop_table('assessments')
    with op.batch_alter_table('lot_evaluations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lot_evaluations_tender_id'))

    op.drop_table('lot_evaluations')
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complaints_tender_id'))
        batch_op.drop_index(batch_op.f('ix_complaints_lot_id'))
        batch_op.drop_index(batch_op.f('ix_complaints_enterprise_id'))

    op.drop_table('complaints')
