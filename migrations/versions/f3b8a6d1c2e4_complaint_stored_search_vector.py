"""A stored tsvector for complaint search (PostgreSQL)

The GIN indexes of d81f5c2e7a10 and e5a0c7d9b3f1 were over the expression
``to_tsvector('simple', coalesce(search_document, ''))``. PostgreSQL checks
each row a GIN scan returns against the query again, and with an expression
that means computing the tsvector again for every row: a common term that
matches a hundred thousand complaints cost a hundred thousand calls. A
generated column ``search_tsv`` keeps the same tsvector stored in the row
(PostgreSQL fills it on every insert and update of ``search_document``),
and the two GIN indexes, same names, now index that column.

The column is not in the models (SQLite has no tsvector; its search is the
FTS5 table of d81f5c2e7a10): portal.models.schema names it as hand-managed.
Nothing to do on SQLite.

Revision ID: f3b8a6d1c2e4
Revises: e5a0c7d9b3f1
Create Date: 2026-11-28 17:45:00
"""
from alembic import op

revision = "f3b8a6d1c2e4"
down_revision = "e5a0c7d9b3f1"
branch_labels = None
depends_on = None

EXPRESSION = "to_tsvector('simple'::regconfig, coalesce(search_document, ''))"


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_complaint_open_search")
    op.execute("DROP INDEX IF EXISTS ix_complaint_search")
    op.execute(f"ALTER TABLE complaint ADD COLUMN search_tsv tsvector GENERATED ALWAYS AS ({EXPRESSION}) STORED")
    op.execute("CREATE INDEX ix_complaint_search ON complaint USING gin (search_tsv)")
    op.execute("CREATE INDEX ix_complaint_open_search ON complaint USING gin (search_tsv) "
               "WHERE status <> 'closed'")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_complaint_open_search")
    op.execute("DROP INDEX IF EXISTS ix_complaint_search")
    op.execute("ALTER TABLE complaint DROP COLUMN IF EXISTS search_tsv")
    op.execute(f"CREATE INDEX ix_complaint_search ON complaint USING gin ({EXPRESSION})")
    op.execute(f"CREATE INDEX ix_complaint_open_search ON complaint USING gin ({EXPRESSION}) "
               "WHERE status <> 'closed'")
