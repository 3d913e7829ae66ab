"""what-if studies

Revision ID: b7d41c2e9a10
Revises: 3e49eefc3609
Create Date: 2026-11-29 00:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

import market.common.types


# revision identifiers, used by Alembic.
revision = 'b7d41c2e9a10'
down_revision = '3e49eefc3609'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('whatif_studies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('snapshot', sa.String(length=64), nullable=False),
    sa.Column('knobs', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('needs', sa.Integer(), nullable=False),
    sa.Column('lots', sa.Integer(), nullable=False),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('created_at', market.common.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('started_at', market.common.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', market.common.types.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    with op.batch_alter_table('whatif_studies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_whatif_studies_snapshot'), ['snapshot'], unique=False)


def downgrade():
    with op.batch_alter_table('whatif_studies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_whatif_studies_snapshot'))

    op.drop_table('whatif_studies')
