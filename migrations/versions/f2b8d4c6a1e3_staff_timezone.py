"""staff time zone: the IANA zone staff pages show instants in

Revision ID: f2b8d4c6a1e3
Revises: f3b8a6d1c2e4
Create Date: 2026-11-28 17:40:00
"""
from alembic import op
import sqlalchemy as sa

revision = "f2b8d4c6a1e3"
down_revision = "f3b8a6d1c2e4"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("staff_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("timezone", sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table("staff_user", schema=None) as batch_op:
        batch_op.drop_column("timezone")
