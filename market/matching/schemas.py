"""Input and output shapes of the matching API (field names as API.md)."""

from __future__ import annotations

from decimal import Decimal

import marshmallow as ma

from market.common.schemas import Quantity
from market.i18n import N_
from market.matching.knobs import PolicyKnobsSchema

# Run figures that are amounts of money: stored as numbers, answered as "1166.02".
MONEY_STATS = ("cost", "price_total", "transport_cost")


def _money(value) -> str | None:
    """A stored amount as a two-decimal string, or None when it is not a number."""
    try:
        return f"{Decimal(str(value)).quantize(Decimal('0.01')):f}"
    except ArithmeticError:
        return None


class StartRunSchema(PolicyKnobsSchema):
    """`{}` or `{dry_run: true}`, plus optional policy knobs for this run."""

    dry_run = ma.fields.Boolean(load_default=False)


class MatchRunSchema(ma.Schema):
    """A run with its figures and what changed since the previous one."""

    id = ma.fields.Integer(allow_none=True)
    status = ma.fields.String()
    phase = ma.fields.String(allow_none=True)
    trigger = ma.fields.String()
    dry_run = ma.fields.Boolean()
    started_at = ma.fields.AwareDateTime()
    finished_at = ma.fields.AwareDateTime(allow_none=True)
    started_by_id = ma.fields.Integer(allow_none=True)
    error = ma.fields.String(allow_none=True)
    policy = ma.fields.Dict()
    stats = ma.fields.Method("_stats")
    changes = ma.fields.Dict()

    def _stats(self, run):
        """The run's figures; money amounts as strings with two decimals (API.md)."""
        stats = dict(run.stats or {})
        for key in MONEY_STATS:
            if isinstance(stats.get(key), (int, float, str)):
                stats[key] = _money(stats[key])
        return stats


class ConstraintInSchema(ma.Schema):
    """`{allocation_id, kind: "pin" | "exclude"}`."""

    class Meta:
        unknown = ma.RAISE

    allocation_id = ma.fields.Integer(
        required=True, strict=True,
        validate=ma.validate.Range(min=1, error=N_("must be a positive id, got {input}")),
    )
    kind = ma.fields.String(
        required=True,
        validate=ma.validate.OneOf(("pin", "exclude"),
                                   error=N_("must be pin or exclude, got {input}")),
    )


class ConstraintSchema(ma.Schema):
    """A pin (kept in the next run) or an exclusion (never this pair)."""

    id = ma.fields.Integer()
    lot_id = ma.fields.Integer()
    need_id = ma.fields.Integer()
    kind = ma.fields.String()
    quantity = ma.fields.Integer(allow_none=True)
    created_by_id = ma.fields.Integer(allow_none=True)
    created_at = ma.fields.AwareDateTime()


class QuotaInSchema(ma.Schema):
    """`{organization_id, item: SKU, max_units}`."""

    class Meta:
        unknown = ma.RAISE

    organization_id = ma.fields.Integer(required=True, strict=True)
    item = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=60))
    max_units = Quantity(required=True)


class QuotaSchema(ma.Schema):
    """A per-run cap on one company's units of one item."""

    id = ma.fields.Integer()
    organization_id = ma.fields.Integer()
    organization = ma.fields.Function(
        lambda q: {"id": q.organization.id, "name": q.organization.name}
    )
    item = ma.fields.Function(lambda q: q.item.sku)
    max_units = ma.fields.Integer()
