"""approval jobs: bulk approval of a run's selection, run by the background worker

Revision ID: c3e81f4a7b26
Revises: a12p1d5e7f90
Create Date: 2026-11-30 23:40:00

"""
import sqlalchemy as sa
from alembic import op

import market.common.types

revision = 'c3e81f4a7b26'
down_revision = 'a12p1d5e7f90'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('approval_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('active_run_id', sa.Integer(), nullable=True),
    sa.Column('filters', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('confirmed_lines', sa.Integer(), nullable=False),
    sa.Column('confirmed_units', sa.BigInteger(), nullable=False),
    sa.Column('total_lines', sa.Integer(), nullable=True),
    sa.Column('lines_done', sa.Integer(), nullable=False),
    sa.Column('approved', sa.Integer(), nullable=False),
    sa.Column('units', sa.BigInteger(), nullable=False),
    sa.Column('refused', sa.Integer(), nullable=False),
    sa.Column('refusals', sa.JSON(), nullable=False),
    sa.Column('worker', sa.String(length=100), nullable=True),
    sa.Column('heartbeat_at', market.common.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', market.common.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('started_at', market.common.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', market.common.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['run_id'], ['match_runs.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('active_run_id', name='uq_approval_jobs_one_active_per_run')
    )
    with op.batch_alter_table('approval_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_approval_jobs_run_id'), ['run_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_approval_jobs_status'), ['status'], unique=False)


def downgrade():
    with op.batch_alter_table('approval_jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_approval_jobs_status'))
        batch_op.drop_index(batch_op.f('ix_approval_jobs_run_id'))

    op.drop_table('approval_jobs')
