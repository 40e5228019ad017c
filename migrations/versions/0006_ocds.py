"""OCDS releases: one row per public change of a tender, its release JSON stored once.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 12:06:11.294036
"""

from alembic import op
import sqlalchemy as sa


revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ocds_releases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ocid', sa.String(length=80), nullable=False),
    sa.Column('release_id', sa.String(length=120), nullable=False),
    sa.Column('tags', sa.String(length=200), nullable=False),
    sa.Column('date', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tender_id', sa.Integer(), nullable=False),
    sa.Column('release', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['tender_id'], ['tenders.id'], name=op.f('fk_ocds_releases_tender_id_tenders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ocds_releases')),
    sa.UniqueConstraint('ocid', 'release_id', name='uq_ocds_releases_ocid_release_id')
    )
    with op.batch_alter_table('ocds_releases', schema=None) as batch_op:
        batch_op.create_index('ix_ocds_releases_date_id', ['date', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ocds_releases_ocid'), ['ocid'], unique=False)
        batch_op.create_index(batch_op.f('ix_ocds_releases_tender_id'), ['tender_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('ocds_releases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ocds_releases_tender_id'))
        batch_op.drop_index(batch_op.f('ix_ocds_releases_ocid'))
        batch_op.drop_index('ix_ocds_releases_date_id')

    op.drop_table('ocds_releases')
