"""subdistrict (街道) code on organizations, lots and needs

Revision ID: a12p1d5e7f90
Revises: a12l1a2b3c4d
Create Date: 2026-11-30 21:20:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'a12p1d5e7f90'
down_revision = 'a12l1a2b3c4d'
branch_labels = None
depends_on = None

TABLES = ("organizations", "lots", "needs")


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('subdistrict', sa.String(length=12), nullable=True))


def downgrade():
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('subdistrict')
