"""complaint search: each Chinese run's last character is indexed on its own

portal.search now writes, after the bigrams of every run of Chinese
characters, the run's last character, so a one-character query finds a
character that ends a run (腿 in 打断我的腿). This rewrites the
``search_document`` of the complaints that contain Chinese; the FTS5
triggers (SQLite) and the generated ``search_tsv`` column (PostgreSQL)
follow it.

Revision ID: i12a02
Revises: i12a01
Create Date: 2026-12-03 09:20:00
"""
import re

from alembic import op
import sqlalchemy as sa

revision = "i12a02"
down_revision = "i12a01"
branch_labels = None
depends_on = None

_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_FIELDS = ("reference", "narrative", "agency", "agent_name", "desired_resolution", "account_ref", "name")
BATCH = 1000


def upgrade():
    from portal.search import search_text

    bind = op.get_bind()
    complaint = sa.table("complaint", sa.column("id"), sa.column("search_document"),
                         *(sa.column(name) for name in _FIELDS))
    last = 0
    while True:
        rows = bind.execute(
            sa.select(complaint.c.id, *(complaint.c[name] for name in _FIELDS))
            .where(complaint.c.id > last).order_by(complaint.c.id).limit(BATCH)
        ).all()
        if not rows:
            return
        last = rows[-1].id
        updates = []
        for row in rows:
            parts = [getattr(row, name) for name in _FIELDS]
            text = " ".join(p for p in parts if p)
            if _HAN.search(text):
                updates.append({"row_id": row.id, "document": search_text(text)})
        if updates:
            bind.execute(
                complaint.update().where(complaint.c.id == sa.bindparam("row_id"))
                .values(search_document=sa.bindparam("document")),
                updates,
            )


def downgrade():
    """The extra characters do no harm to the earlier search; nothing to undo."""
