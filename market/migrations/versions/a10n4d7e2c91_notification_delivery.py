"""notification delivery: attempts, last error, claim, back-off, dedupe key

Revision ID: a10n4d7e2c91
Revises: b7d41c2e9a10
Create Date: 2026-11-30 20:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

import market.common.types


# revision identifiers, used by Alembic.
revision = 'a10n4d7e2c91'
down_revision = 'b7d41c2e9a10'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.alter_column('error', new_column_name='last_error',
                              existing_type=sa.String(length=500), existing_nullable=True)
        batch_op.add_column(sa.Column('attempts', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('claim_token', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('claimed_at', market.common.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('next_attempt_at', market.common.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('dedupe_key', sa.String(length=100), nullable=True))
        batch_op.create_unique_constraint('uq_notifications_dedupe_key', ['dedupe_key'])


def downgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_constraint('uq_notifications_dedupe_key', type_='unique')
        batch_op.drop_column('dedupe_key')
        batch_op.drop_column('next_attempt_at')
        batch_op.drop_column('claimed_at')
        batch_op.drop_column('claim_token')
        batch_op.drop_column('attempts')
        batch_op.alter_column('last_error', new_column_name='error',
                              existing_type=sa.String(length=500), existing_nullable=True)
