"""Arabic versions of every text an officer writes for the public (issue 15).

The existing columns keep the French (or original) text; each ``*_ar`` column is the
optional Arabic version shown to Arabic readers, with a marked fallback when empty.

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

COLUMNS = {
    "tenders": [
        ("opening_place_ar", sa.String(length=300)),
        ("required_documents_ar", sa.Text()),
        ("cancel_reason_ar", sa.Text()),
    ],
    "technical_criteria": [("label_ar", sa.String(length=300))],
    "amendments": [("reason_ar", sa.Text())],
    "questions": [("answer_ar", sa.Text())],
}


def upgrade() -> None:
    for table, columns in COLUMNS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, type_ in columns:
                batch_op.add_column(sa.Column(name, type_, nullable=True))


def downgrade() -> None:
    for table, columns in COLUMNS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, _type in reversed(columns):
                batch_op.drop_column(name)
