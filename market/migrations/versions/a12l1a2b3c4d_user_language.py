"""user language: the language a person reads notifications in

Revision ID: a12l1a2b3c4d
Revises: a10q1b2c3d4e
Create Date: 2026-11-30 21:15:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a12l1a2b3c4d'
down_revision = 'a10q1b2c3d4e'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=5), server_default='en',
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('language')
