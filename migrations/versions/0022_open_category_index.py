"""The open tenders of a category, in deadline order, from an index alone (issue 16).

A listing filtered by category (alone or with a wilaya, a sector, an authority) pages
through the open tenders nearest their deadline first. PostgreSQL walked
``ix_tenders_public_listing`` in that order and read each tender's row for its category:
at 100,000 tenders, the open-first page of wilaya 05 × works read 830 table pages,
13.2 ms. With the category in an index before the deadline, the walk is index-only,
1.1 ms (wilaya 58 × services: 2.3 ms). SQLite uses it when it has no statistics; with
``ANALYZE`` statistics it keeps finding the filter's ids first.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 00:35:00
"""

from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_tenders_open_category", "tenders", ["status", "category", "submission_deadline_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_tenders_open_category", table_name="tenders")
