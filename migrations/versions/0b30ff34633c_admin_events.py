"""admin events: the administrators' activity log

An append-only record of changes to staff accounts, API keys and site
settings (portal.admin_log).

Revision ID: 0b30ff34633c
Revises: a7d3f9c1e5b2
Create Date: 2026-11-28 19:41:37.737290

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0b30ff34633c'
down_revision = 'a7d3f9c1e5b2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('admin_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_label', sa.String(length=254), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('subject', sa.String(length=254), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['staff_user.id'], name=op.f('fk_admin_event_actor_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_admin_event'))
    )
    with op.batch_alter_table('admin_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_admin_event_occurred_at'), ['occurred_at'], unique=False)



def downgrade():
    with op.batch_alter_table('admin_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_admin_event_occurred_at'))

    op.drop_table('admin_event')
