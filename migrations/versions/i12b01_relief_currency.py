"""complaint relief currency: the currency of the monetary relief an officer records

Revision ID: i12b01
Revises: i12a03
Create Date: 2026-12-03 09:05:00
"""
from alembic import op
import sqlalchemy as sa

revision = "i12b01"
down_revision = "i12a03"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.add_column(sa.Column("relief_currency", sa.String(length=3), nullable=True))


def downgrade():
    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.drop_column("relief_currency")
