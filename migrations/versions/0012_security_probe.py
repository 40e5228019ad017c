"""Issue 18: ended login sessions, and stored file names cleaned.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 17:40:00.000000
"""

import sqlalchemy as sa
from alembic import op

from safkat.filenames import clean_file_name

# Columns holding a name that a user gave to a file.
FILE_NAME_COLUMNS = [
    ("tender_documents", "original_name"),
    ("enterprise_documents", "original_name"),
    ("opened_documents", "original_name"),
    ("complaints", "document_name"),
]

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ended_sessions",
        sa.Column("session_id", sa.String(length=32), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("session_id", name=op.f("pk_ended_sessions")),
    )
    with op.batch_alter_table("ended_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ended_sessions_expires_at"), ["expires_at"], unique=False)
    clean_file_names()


def clean_file_names() -> None:
    """Names stored before they were cleaned (CR/LF, controls, paths, any length) are
    cleaned as new ones are; the change is not undone by the downgrade."""
    connection = op.get_bind()
    for table, column in FILE_NAME_COLUMNS:
        rows = sa.table(table, sa.column("id", sa.Integer), sa.column(column, sa.String))
        names = connection.execute(sa.select(rows.c.id, rows.c[column]).where(rows.c[column].is_not(None)))
        for row_id, name in names.all():
            if clean_file_name(name) != name:
                connection.execute(rows.update().where(rows.c.id == row_id).values({column: clean_file_name(name)}))


def downgrade() -> None:
    with op.batch_alter_table("ended_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ended_sessions_expires_at"))
    op.drop_table("ended_sessions")
