"""public record: indexes for its filters in published order

The public record's pages are newest published first (``responded_at DESC,
id DESC``). A filter that is not the leading column of an index used to walk
``ix_complaint_published`` and read row after row until a page was full: few
matches (an agency with a channel, a region with "not timely") meant
thousands of rows a page, and a rare filter's capped count read every
candidate row.

PostgreSQL, all partial over the rows that can be published (responded, not
a duplicate; the "15 days ago" cutoff moves, so it stays in the query):

- ``ix_complaint_public_agency`` (lower(agency), responded_at, id) and
  ``ix_complaint_public_region`` (region, responded_at, id): a page of one
  agency or region is a seek and a short walk in published order. They
  include the columns of the other filters (category, urgency,
  jurisdiction, channels, region or agency, the two timeliness columns,
  received_at), so the page's ids, the capped count and the chart are
  index-only scans; ``agency`` itself is included because PostgreSQL only
  reads an expression key index-only when its column is there too;
- ``ix_complaint_public_trend`` (received_at) is rebuilt, partial like the
  others and with the same columns included (it had category, responded_at,
  outcome and publish_narrative): the chart, and the count of any filter
  without agency, region or search, read only the index;
- ``ix_complaint_agency_lower`` (migration i13a01, for the agency filter
  alone) is dropped: the agency index above serves it;
- statistics on ``channels::text`` (PostgreSQL 14 and later), so the
  planner knows how many rows the channel filter keeps (it guessed a few,
  and sorted a whole agency instead of walking it).

A filter on a column not included (company response, or a search and "with
narrative", which need the narrative) reads the table for the rows it
checks; searches start from the full-text index ``ix_complaint_public_search``.
The results are the same whichever index answers.

SQLite (the embedded default, small): a plain index on (region,
responded_at, id). No agency index: SQLAlchemy cannot reflect an SQLite
expression index (it warns, and autogenerate and the schema test would stop
on it), and a plain one on agency does not serve ``lower(agency) = ?``.

Revision ID: i13b01
Revises: i13a01
Create Date: 2026-12-03 13:10:00
"""
from alembic import op

revision = "i13b01"
down_revision = "i13a01"
branch_labels = None
depends_on = None

# Rows that can be published; the query's published() says the same, so the
# planner proves these partial indexes apply.
PUBLISHABLE = "responded_at IS NOT NULL AND (outcome IS NULL OR outcome <> 'duplicate')"
FILTER_COLUMNS = ("category", "urgency", "jurisdiction", "channels", "first_responded_at",
                  "first_response_due_at", "received_at")


def _include(*extra: str, key: str = "") -> str:
    return ", ".join(c for c in (*extra, *FILTER_COLUMNS) if c != key)


POSTGRESQL_INDEXES = {
    "ix_complaint_public_agency": f"(lower(agency), responded_at, id) INCLUDE ({_include('agency', 'region')}) "
                                  f"WHERE {PUBLISHABLE}",
    "ix_complaint_public_region": f"(region, responded_at, id) INCLUDE ({_include()}) WHERE {PUBLISHABLE}",
}
TREND_BEFORE = "(received_at) INCLUDE (category, responded_at, outcome, publish_narrative)"
TREND_AFTER = (f"(received_at) INCLUDE ({_include('responded_at', 'id', 'region', key='received_at')}) "
               f"WHERE {PUBLISHABLE}")
SQLITE_INDEXES = {"ix_complaint_public_region": "(region, responded_at, id)"}
CHANNEL_STATISTICS = "st_complaint_channels_text"


def _postgresql_14() -> bool:
    return (op.get_bind().dialect.server_version_info or (0,)) >= (14,)


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        for name, definition in POSTGRESQL_INDEXES.items():
            op.execute(f"CREATE INDEX {name} ON complaint {definition}")
        op.execute("DROP INDEX IF EXISTS ix_complaint_agency_lower")
        op.execute("DROP INDEX IF EXISTS ix_complaint_public_trend")
        op.execute(f"CREATE INDEX ix_complaint_public_trend ON complaint {TREND_AFTER}")
        if _postgresql_14():
            op.execute(f"CREATE STATISTICS {CHANNEL_STATISTICS} ON ((channels::text)) FROM complaint")
    else:
        for name, definition in SQLITE_INDEXES.items():
            op.execute(f"CREATE INDEX {name} ON complaint {definition}")


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(f"DROP STATISTICS IF EXISTS {CHANNEL_STATISTICS}")
        op.execute("DROP INDEX IF EXISTS ix_complaint_public_trend")
        op.execute(f"CREATE INDEX ix_complaint_public_trend ON complaint {TREND_BEFORE}")
        op.execute("CREATE INDEX ix_complaint_agency_lower ON complaint (lower(agency))")
        for name in reversed(POSTGRESQL_INDEXES):
            op.execute(f"DROP INDEX IF EXISTS {name}")
    else:
        for name in reversed(SQLITE_INDEXES):
            op.execute(f"DROP INDEX IF EXISTS {name}")
