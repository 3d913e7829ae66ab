"""organizations.pending_change: a company's change of sector or headcount awaiting a coordinator

Revision ID: a9p1c0d2e3f4
Revises: a9a1c0de5e55
Create Date: 2026-11-30 20:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a9p1c0d2e3f4'
down_revision = 'a9a1c0de5e55'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pending_change', sa.JSON(none_as_null=True), nullable=True))


def downgrade():
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.drop_column('pending_change')
