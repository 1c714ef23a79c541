"""contact-link proposals: an auditor proposes a log (or a finding's log) for a complaint

``complaint_contact_link.status`` gains "proposed"; who proposed it, when,
their note and the finding it came from are kept. An officer confirms or
rejects it like a suggestion.

Revision ID: i12a03
Revises: i12a02
Create Date: 2026-12-03 09:30:00
"""
from alembic import op
import sqlalchemy as sa

revision = "i12a03"
down_revision = "i12a02"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("complaint_contact_link", schema=None) as batch_op:
        batch_op.add_column(sa.Column("proposed_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("proposed_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("proposal_note", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("finding_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_complaint_contact_link_proposed_by_id_staff_user"),
                                    "staff_user", ["proposed_by_id"], ["id"])
        batch_op.create_foreign_key(batch_op.f("fk_complaint_contact_link_finding_id_finding"),
                                    "finding", ["finding_id"], ["id"], ondelete="SET NULL")
        batch_op.create_index("ix_complaint_contact_link_status", ["status"], unique=False)


def downgrade():
    with op.batch_alter_table("complaint_contact_link", schema=None) as batch_op:
        batch_op.drop_index("ix_complaint_contact_link_status")
        batch_op.drop_constraint(batch_op.f("fk_complaint_contact_link_finding_id_finding"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_complaint_contact_link_proposed_by_id_staff_user"),
                                 type_="foreignkey")
        batch_op.drop_column("finding_id")
        batch_op.drop_column("proposal_note")
        batch_op.drop_column("proposed_at")
        batch_op.drop_column("proposed_by_id")
