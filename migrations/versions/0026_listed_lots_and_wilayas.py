"""A tender's number of lots and its wilayas, kept on its row for the listing (issue 16).

Each card of the listing shows its tender's number of lots and the names of its wilayas.
The page's statement read them with two sub-queries per card: half the index pages a
page reads at 100,000 tenders (a wilaya's page: 217 → 69), and ~0.15 ms of a word's
page statement on PostgreSQL (0.94 → 0.79 ms).

``tenders.listed_lots`` and ``tenders.listed_wilayas`` (the codes in order, joined by the
unit separator as the listing joined them) are kept by triggers on ``lots`` and
``tender_wilayas``, so that no write path, ORM or not, can forget them.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07 15:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None

SEPARATOR_SQLITE = "char(31)"  # models.CODES_SEPARATOR
SEPARATOR_POSTGRESQL = "chr(31)"


def _codes_of(tender_id: str, is_sqlite: bool) -> str:
    """The SQL of a tender's wilaya codes in order, joined ('' for none)."""
    if is_sqlite:  # group_concat keeps the order of an ordered sub-query
        return (
            f"(SELECT coalesce(group_concat(wilaya_code, {SEPARATOR_SQLITE}), '') FROM "
            f"(SELECT wilaya_code FROM tender_wilayas WHERE tender_id = {tender_id} ORDER BY wilaya_code))"
        )
    return (
        f"coalesce((SELECT string_agg(wilaya_code, {SEPARATOR_POSTGRESQL} ORDER BY wilaya_code) "
        f"FROM tender_wilayas WHERE tender_id = {tender_id}), '')"
    )


def _sqlite_triggers() -> tuple[str, ...]:
    lots = "UPDATE tenders SET listed_lots = listed_lots {sign} 1 WHERE id = {row}.tender_id;"
    wilayas = "UPDATE tenders SET listed_wilayas = {codes} WHERE id = {row}.tender_id;"

    def wilayas_of(row: str) -> str:
        return wilayas.format(codes=_codes_of(f"{row}.tender_id", is_sqlite=True), row=row)

    return (
        f"CREATE TRIGGER lots_listed_insert AFTER INSERT ON lots BEGIN {lots.format(sign='+', row='NEW')} END",
        f"CREATE TRIGGER lots_listed_delete AFTER DELETE ON lots BEGIN {lots.format(sign='-', row='OLD')} END",
        "CREATE TRIGGER lots_listed_move AFTER UPDATE OF tender_id ON lots BEGIN "
        f"{lots.format(sign='-', row='OLD')} {lots.format(sign='+', row='NEW')} END",
        f"CREATE TRIGGER tender_wilayas_listed_insert AFTER INSERT ON tender_wilayas BEGIN {wilayas_of('NEW')} END",
        f"CREATE TRIGGER tender_wilayas_listed_delete AFTER DELETE ON tender_wilayas BEGIN {wilayas_of('OLD')} END",
        "CREATE TRIGGER tender_wilayas_listed_update AFTER UPDATE OF tender_id, wilaya_code ON tender_wilayas BEGIN "
        f"{wilayas_of('OLD')} {wilayas_of('NEW')} END",
    )


SQLITE_TRIGGER_NAMES = (
    "lots_listed_insert",
    "lots_listed_delete",
    "lots_listed_move",
    "tender_wilayas_listed_insert",
    "tender_wilayas_listed_delete",
    "tender_wilayas_listed_update",
)

# A count moved by one under the tender's row lock, so that two lots added at once both
# count; the codes are read again whole (a tender's wilayas are set by one officer).
POSTGRESQL_TRIGGERS = (
    """
    CREATE FUNCTION lots_listed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'DELETE' THEN
            UPDATE tenders SET listed_lots = listed_lots + 1 WHERE id = NEW.tender_id;
        END IF;
        IF TG_OP <> 'INSERT' THEN
            UPDATE tenders SET listed_lots = listed_lots - 1 WHERE id = OLD.tender_id;
        END IF;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER lots_listed AFTER INSERT OR DELETE OR UPDATE OF tender_id ON lots
    FOR EACH ROW EXECUTE FUNCTION lots_listed()
    """,
    f"""
    CREATE FUNCTION tender_wilayas_listed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'DELETE' THEN
            UPDATE tenders SET listed_wilayas = {_codes_of("NEW.tender_id", is_sqlite=False)} WHERE id = NEW.tender_id;
        END IF;
        IF TG_OP <> 'INSERT' THEN
            UPDATE tenders SET listed_wilayas = {_codes_of("OLD.tender_id", is_sqlite=False)} WHERE id = OLD.tender_id;
        END IF;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER tender_wilayas_listed AFTER INSERT OR DELETE OR UPDATE OF tender_id, wilaya_code ON tender_wilayas
    FOR EACH ROW EXECUTE FUNCTION tender_wilayas_listed()
    """,
)


def upgrade() -> None:
    is_sqlite = op.get_bind().dialect.name == "sqlite"
    # Added in place (no batch): rebuilding ``tenders`` on SQLite would drop its triggers (0024, 0025).
    op.add_column("tenders", sa.Column("listed_lots", sa.Integer(), server_default="0", nullable=False))
    op.add_column("tenders", sa.Column("listed_wilayas", sa.String(200), server_default="", nullable=False))
    op.execute(
        "UPDATE tenders SET listed_lots = (SELECT count(*) FROM lots WHERE lots.tender_id = tenders.id), "
        f"listed_wilayas = {_codes_of('tenders.id', is_sqlite)}"
    )
    for statement in _sqlite_triggers() if is_sqlite else POSTGRESQL_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in SQLITE_TRIGGER_NAMES:
            op.execute(f"DROP TRIGGER {name}")
    else:
        op.execute("DROP TRIGGER tender_wilayas_listed ON tender_wilayas")
        op.execute("DROP FUNCTION tender_wilayas_listed()")
        op.execute("DROP TRIGGER lots_listed ON lots")
        op.execute("DROP FUNCTION lots_listed()")
    for name in ("listed_wilayas", "listed_lots"):  # in place, as added (SQLite 3.35 drops a column)
        op.execute(f"ALTER TABLE tenders DROP COLUMN {name}")
