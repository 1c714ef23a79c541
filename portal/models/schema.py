"""What the migrations manage by hand, outside the models.

Autogenerate (``flask db migrate``/``check``) and the schema test skip these:
the SQLite FTS5 tables and triggers for complaint search, and PostgreSQL's
stored search vector column and the partial indexes over complaints.
"""
from __future__ import annotations

HAND_MANAGED_TABLE_PREFIX = "complaint_fts"
HAND_MANAGED_COLUMNS = frozenset({"search_tsv", "public_tsv"})  # complaint.search_tsv, .public_tsv: PostgreSQL only
HAND_MANAGED_INDEXES = frozenset({"ix_complaint_open_queue", "ix_complaint_open_counts", "ix_complaint_open_search",
                                  "ix_complaint_search", "ix_complaint_public_search",
                                  "ix_complaint_public_trend",
                                  # The public record's filters in published order (migration i13b01).
                                  "ix_complaint_public_agency", "ix_complaint_public_region"})


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    if type_ == "table" and name and name.startswith(HAND_MANAGED_TABLE_PREFIX):
        return False
    if type_ == "column" and name in HAND_MANAGED_COLUMNS:
        return False
    if type_ == "index" and name in HAND_MANAGED_INDEXES:
        return False
    return True
