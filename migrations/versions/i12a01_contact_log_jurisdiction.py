"""contact-log jurisdiction: the log's own or its import's, and the scope of an audit run

``contact_log.jurisdiction`` holds the profile id a row named, else the one
its import was given (``contact_import.jurisdiction``); empty, a log belongs
to the profile whose zone list holds its ``consumer_tz``. ``audit_run.scope``
says whether a run covered every log ("all") or the profile's own ("own").

Revision ID: i12a01
Revises: i14a01
Create Date: 2026-12-03 09:10:00
"""
from alembic import op
import sqlalchemy as sa

revision = "i12a01"
down_revision = "i14a01"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("contact_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("jurisdiction", sa.String(length=16), nullable=True))
    with op.batch_alter_table("contact_import", schema=None) as batch_op:
        batch_op.add_column(sa.Column("jurisdiction", sa.String(length=16), nullable=True))
    with op.batch_alter_table("audit_run", schema=None) as batch_op:
        batch_op.add_column(sa.Column("scope", sa.String(length=8), server_default="all", nullable=False))


def downgrade():
    with op.batch_alter_table("audit_run", schema=None) as batch_op:
        batch_op.drop_column("scope")
    with op.batch_alter_table("contact_import", schema=None) as batch_op:
        batch_op.drop_column("jurisdiction")
    with op.batch_alter_table("contact_log", schema=None) as batch_op:
        batch_op.drop_column("jurisdiction")
