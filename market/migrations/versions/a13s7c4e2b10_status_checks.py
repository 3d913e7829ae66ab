"""CHECK constraints keeping every status column among its lifecycle's values

Revision ID: a13s7c4e2b10
Revises: c3e81f4a7b26
Create Date: 2026-12-01 00:20:00

"""
from alembic import op

revision = 'a13s7c4e2b10'
down_revision = 'c3e81f4a7b26'
branch_labels = None
depends_on = None

# The values of the status enums at this revision (market/*/models.py); a migration keeps
# its own copy so that later changes to the enums need their own migration.
DEALS = ("proposed", "approved", "rejected", "superseded", "shipped", "received", "disputed",
         "cancelled")
CHECKS = (
    ("organizations", "ck_organizations_status", ("pending", "verified", "rejected", "suspended")),
    ("lots", "ck_lots_status", ("active", "paused", "withdrawn", "exhausted")),
    ("needs", "ck_needs_status", ("open", "partially_allocated", "allocated", "fulfilled",
                                  "cancelled", "expired")),
    ("match_runs", "ck_match_runs_status", ("queued", "running", "completed", "failed")),
    ("allocations", "ck_allocations_status", DEALS),
    ("gift_pack_applications", "ck_gift_pack_applications_status",
     ("waiting", "assigned", "withdrawn")),
    ("gift_packs", "ck_gift_packs_status", DEALS),
    ("notifications", "ck_notifications_status", ("pending", "sending", "sent", "failed")),
    ("whatif_studies", "ck_whatif_studies_status", ("queued", "running", "done", "failed")),
)


def _condition(values) -> str:
    return "status IN ({})".format(", ".join(f"'{v}'" for v in values))


def upgrade():
    for table, name, values in CHECKS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_check_constraint(name, _condition(values))


def downgrade():
    for table, name, _values in reversed(CHECKS):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(name, type_="check")
