"""contact_log.phone_key: normalised phone number for complaint linking

Revision ID: b7c1e2f3a4d5
Revises: a4a3dd0bd979
Create Date: 2026-11-28 16:25:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'b7c1e2f3a4d5'
down_revision = 'a4a3dd0bd979'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('contact_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phone_key', sa.String(length=16), nullable=True))
        batch_op.create_index('ix_contact_log_phone_key_time', ['phone_key', 'occurred_at'], unique=False)


def downgrade():
    with op.batch_alter_table('contact_log', schema=None) as batch_op:
        batch_op.drop_index('ix_contact_log_phone_key_time')
        batch_op.drop_column('phone_key')
