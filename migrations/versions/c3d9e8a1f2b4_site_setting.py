"""site settings: the default jurisdiction profile chosen by an administrator

Revision ID: c3d9e8a1f2b4
Revises: 92f4a859d6ac
Create Date: 2026-11-28 16:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3d9e8a1f2b4'
down_revision = '92f4a859d6ac'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('site_setting',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('value', sa.String(length=255), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['staff_user.id'], name=op.f('fk_site_setting_updated_by_id_staff_user')),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_site_setting'))
    )


def downgrade():
    op.drop_table('site_setting')
