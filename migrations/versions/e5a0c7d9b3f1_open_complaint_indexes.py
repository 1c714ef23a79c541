"""Partial indexes over open complaints for the queue and its search (PostgreSQL)

The queue's default view, its counts per filter and most searches look only
at open complaints (``status <> 'closed'``), a few percent of a portal that
has run for years. Partial indexes keep those queries proportional to the
open backlog, not to the whole history.

Revision ID: e5a0c7d9b3f1
Revises: d81f5c2e7a10
Create Date: 2026-11-28 18:05:00
"""
from alembic import op

revision = "e5a0c7d9b3f1"
down_revision = "d81f5c2e7a10"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    # The included columns are the ones the counts per filter read, so those
    # counts are index-only scans of the open backlog.
    op.execute("CREATE INDEX ix_complaint_open_queue ON complaint (urgency_rank, next_due_at, id) "
               "INCLUDE (status, urgency, assignee_id, category, jurisdiction) "
               "WHERE status <> 'closed'")
    op.execute("CREATE INDEX ix_complaint_open_search ON complaint "
               "USING gin (to_tsvector('simple'::regconfig, coalesce(search_document, ''))) "
               "WHERE status <> 'closed'")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_complaint_open_search")
    op.execute("DROP INDEX IF EXISTS ix_complaint_open_queue")
