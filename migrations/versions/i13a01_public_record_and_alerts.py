"""public record and systemic alerts

Complaint: ``publish_narrative`` (the cardholder's opt-in, off by default),
``region`` (state or province), ``public_narrative`` and ``public_search``
(the scrubbed narrative as published and its search words), and an index on
``responded_at`` for "responded at least 15 days ago". PostgreSQL also gets a
stored tsvector ``public_tsv`` over ``public_search`` with a GIN index (not in
the models, like ``search_tsv``: portal.models.schema). PostgreSQL: an index
on ``lower(agency)`` for the public agency filter and a covering index for
the public chart. A table for systemic-issue
alerts.

Revision ID: i13a01
Revises: i12b01
Create Date: 2026-12-03 09:20:00
"""
from alembic import op
import sqlalchemy as sa

revision = "i13a01"
down_revision = "i12b01"
branch_labels = None
depends_on = None

PUBLIC_EXPRESSION = "to_tsvector('simple'::regconfig, coalesce(public_search, ''))"

# SQLite: a batch copy of ``complaint`` would drop the triggers that keep the
# search index complaint_fts in step (migration d81f5c2e7a10), so the columns
# are added with plain ALTER TABLE; the triggers are still made again (if
# missing) and the index rebuilt, for a database an earlier, batch version of
# this migration left without them.
SQLITE_SEARCH_TRIGGERS = [
    """CREATE TRIGGER IF NOT EXISTS complaint_fts_insert AFTER INSERT ON complaint BEGIN
         INSERT INTO complaint_fts(rowid, search_document) VALUES (new.id, coalesce(new.search_document, ''));
       END""",
    """CREATE TRIGGER IF NOT EXISTS complaint_fts_delete AFTER DELETE ON complaint BEGIN
         INSERT INTO complaint_fts(complaint_fts, rowid, search_document)
           VALUES ('delete', old.id, coalesce(old.search_document, ''));
       END""",
    """CREATE TRIGGER IF NOT EXISTS complaint_fts_update AFTER UPDATE OF search_document ON complaint BEGIN
         INSERT INTO complaint_fts(complaint_fts, rowid, search_document)
           VALUES ('delete', old.id, coalesce(old.search_document, ''));
         INSERT INTO complaint_fts(rowid, search_document) VALUES (new.id, coalesce(new.search_document, ''));
       END""",
    "INSERT INTO complaint_fts(complaint_fts) VALUES ('rebuild')",
]


def _restore_sqlite_search_triggers():
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_SEARCH_TRIGGERS:
            op.execute(statement)


def upgrade():
    # Plain ALTER TABLE, not batch mode: on SQLite a batch copy of complaint would drop the
    # full-text triggers of d81f5c2e7a10 with the old table.
    op.add_column("complaint", sa.Column("publish_narrative", sa.Boolean(), server_default=sa.false(),
                                         nullable=False))
    op.add_column("complaint", sa.Column("region", sa.String(length=64), nullable=True))
    op.add_column("complaint", sa.Column("public_narrative", sa.Text(), nullable=True))
    op.add_column("complaint", sa.Column("public_search", sa.Text(), nullable=True))
    op.create_index("ix_complaint_published", "complaint", ["responded_at", "id"], unique=False)
    _restore_sqlite_search_triggers()

    op.create_table(
        "systemic_alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("jurisdiction", sa.String(length=16), nullable=False),
        sa.Column("agency", sa.String(length=200), nullable=False),
        sa.Column("agency_key", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("expected", sa.Float(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("method", sa.String(length=32), nullable=False),
        sa.Column("detected_at", sa.DateTime(), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(), nullable=True),
        sa.Column("acknowledged_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["acknowledged_by_id"], ["staff_user.id"],
                                name=op.f("fk_systemic_alert_acknowledged_by_id_staff_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_systemic_alert")),
        sa.UniqueConstraint("jurisdiction", "agency_key", "category", "week_start", name="uq_systemic_alert_week"),
    )
    with op.batch_alter_table("systemic_alert", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_systemic_alert_week_start"), ["week_start"], unique=False)

    if op.get_bind().dialect.name == "postgresql":
        # The public record's agency filter (case-insensitive); hand-managed (portal.models.schema).
        op.execute("CREATE INDEX ix_complaint_agency_lower ON complaint (lower(agency))")
        # The chart's monthly counts per category: an index-only scan over the months shown.
        op.execute("CREATE INDEX ix_complaint_public_trend ON complaint (received_at) "
                   "INCLUDE (category, responded_at, outcome, publish_narrative)")
        op.execute(f"ALTER TABLE complaint ADD COLUMN public_tsv tsvector GENERATED ALWAYS AS ({PUBLIC_EXPRESSION}) STORED")
        op.execute("CREATE INDEX ix_complaint_public_search ON complaint USING gin (public_tsv)")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_complaint_public_search")
        op.execute("ALTER TABLE complaint DROP COLUMN IF EXISTS public_tsv")
        op.execute("DROP INDEX IF EXISTS ix_complaint_agency_lower")
        op.execute("DROP INDEX IF EXISTS ix_complaint_public_trend")
    with op.batch_alter_table("systemic_alert", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_systemic_alert_week_start"))
    op.drop_table("systemic_alert")
    op.drop_index("ix_complaint_published", table_name="complaint")
    # ALTER TABLE ... DROP COLUMN (SQLite 3.35 and later), again keeping the full-text triggers.
    for column in ("public_search", "public_narrative", "region", "publish_narrative"):
        op.drop_column("complaint", column)
    _restore_sqlite_search_triggers()
