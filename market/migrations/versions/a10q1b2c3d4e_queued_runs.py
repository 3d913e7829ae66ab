"""queued runs: phase, one active run, worker of runs and studies

Revision ID: a10q1b2c3d4e
Revises: a9p1c0d2e3f4
Create Date: 2026-11-30 20:20:00.000000

"""
from alembic import op
import sqlalchemy as sa

import market.common.types


# revision identifiers, used by Alembic.
revision = 'a10q1b2c3d4e'
down_revision = 'a9p1c0d2e3f4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('match_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phase', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('active', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('worker', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('heartbeat_at',
                                      market.common.types.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.create_unique_constraint('uq_match_runs_one_active', ['active'])
    with op.batch_alter_table('whatif_studies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('worker', sa.String(length=100), nullable=True))
    # A run left `running` by the old in-request code ended with its process.
    op.execute("UPDATE match_runs SET status = 'failed', error = 'Interrupted' "
               "WHERE status IN ('queued', 'running')")


def downgrade():
    with op.batch_alter_table('whatif_studies', schema=None) as batch_op:
        batch_op.drop_column('worker')
    with op.batch_alter_table('match_runs', schema=None) as batch_op:
        batch_op.drop_constraint('uq_match_runs_one_active', type_='unique')
        batch_op.drop_column('heartbeat_at')
        batch_op.drop_column('worker')
        batch_op.drop_column('active')
        batch_op.drop_column('phase')
