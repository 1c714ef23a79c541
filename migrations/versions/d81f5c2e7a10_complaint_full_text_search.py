"""Full-text search over complaints: FTS5 on SQLite, a GIN tsvector index on PostgreSQL

Both index ``complaint.search_document`` (filled by portal.search: words and
Chinese bigrams). SQLite: an external-content FTS5 table kept in sync by
triggers. PostgreSQL: a GIN index on the expression the queries use,
``to_tsvector('simple', coalesce(search_document, ''))``.

Revision ID: d81f5c2e7a10
Revises: c3d9e8a1f2b4
Create Date: 2026-11-28 16:30:00
"""
from alembic import op

revision = "d81f5c2e7a10"
down_revision = "c3d9e8a1f2b4"
branch_labels = None
depends_on = None

SQLITE_UP = [
    "CREATE VIRTUAL TABLE complaint_fts USING fts5(search_document, content='complaint', content_rowid='id')",
    """CREATE TRIGGER complaint_fts_insert AFTER INSERT ON complaint BEGIN
         INSERT INTO complaint_fts(rowid, search_document) VALUES (new.id, coalesce(new.search_document, ''));
       END""",
    """CREATE TRIGGER complaint_fts_delete AFTER DELETE ON complaint BEGIN
         INSERT INTO complaint_fts(complaint_fts, rowid, search_document)
           VALUES ('delete', old.id, coalesce(old.search_document, ''));
       END""",
    """CREATE TRIGGER complaint_fts_update AFTER UPDATE OF search_document ON complaint BEGIN
         INSERT INTO complaint_fts(complaint_fts, rowid, search_document)
           VALUES ('delete', old.id, coalesce(old.search_document, ''));
         INSERT INTO complaint_fts(rowid, search_document) VALUES (new.id, coalesce(new.search_document, ''));
       END""",
    "INSERT INTO complaint_fts(complaint_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS complaint_fts_update",
    "DROP TRIGGER IF EXISTS complaint_fts_delete",
    "DROP TRIGGER IF EXISTS complaint_fts_insert",
    "DROP TABLE IF EXISTS complaint_fts",
]
POSTGRES_UP = [
    "CREATE INDEX ix_complaint_search ON complaint "
    "USING gin (to_tsvector('simple'::regconfig, coalesce(search_document, '')))",
]
POSTGRES_DOWN = ["DROP INDEX IF EXISTS ix_complaint_search"]


def _run(statements):
    for statement in statements:
        op.execute(statement)


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _run(SQLITE_UP)
    elif dialect == "postgresql":
        _run(POSTGRES_UP)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _run(SQLITE_DOWN)
    elif dialect == "postgresql":
        _run(POSTGRES_DOWN)
