"""CHECK constraint keeping approval_jobs.status among the JobStatus values

Revision ID: a14j2b6c8d31
Revises: a13s7c4e2b10
Create Date: 2026-12-01 00:45:00

"""
from alembic import op

revision = 'a14j2b6c8d31'
down_revision = 'a13s7c4e2b10'
branch_labels = None
depends_on = None

# The values of JobStatus at this revision (market/allocations/models.py), copied so that a
# later change to the enum needs its own migration.
STATUSES = ("queued", "running", "completed", "failed")


def upgrade():
    values = ", ".join(f"'{v}'" for v in STATUSES)
    with op.batch_alter_table("approval_jobs", schema=None) as batch_op:
        batch_op.create_check_constraint("ck_approval_jobs_status", f"status IN ({values})")


def downgrade():
    with op.batch_alter_table("approval_jobs", schema=None) as batch_op:
        batch_op.drop_constraint("ck_approval_jobs_status", type_="check")
