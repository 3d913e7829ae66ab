"""Shapes of the report answers (API.md "Reports")."""

from __future__ import annotations

import marshmallow as ma

from market.common.schemas import Money


class ItemTotalsSchema(ma.Schema):
    """Units of one item across the district."""

    item = ma.fields.String(metadata={"description": "SKU"})
    name = ma.fields.String()
    unit = ma.fields.String()
    supply = ma.fields.Integer(metadata={"description": "units in active lots"})
    demand = ma.fields.Integer(metadata={"description": "units in needs that are not cancelled"})
    allocated = ma.fields.Integer(metadata={"description": "units approved or later"})
    shipped = ma.fields.Integer(metadata={"description": "units shipped or later, gift packs "
                                                        "included"})
    received = ma.fields.Integer(metadata={"description": "units received, gift packs "
                                                          "included"})
    fill_rate = ma.fields.Float(metadata={"description": "allocated / demand"})


class CoordinatorItemTotalsSchema(ItemTotalsSchema):
    """Item totals with the open demand not yet allocated."""

    gift_packs = ma.fields.Integer(metadata={"description": "units received in gift packs"})

    unmet = ma.fields.Integer(metadata={"description": "open units of matchable needs"})


class TierTotalsSchema(ma.Schema):
    """Demand and allocated units of one priority tier."""

    tier = ma.fields.Integer()
    demand = ma.fields.Integer()
    allocated = ma.fields.Integer()
    fill_rate = ma.fields.Float()


class ReasonUnitsSchema(ma.Schema):
    """Unmet units for one reason."""

    reason = ma.fields.String()
    units = ma.fields.Integer()


class ItemUnitsSchema(ma.Schema):
    """Unmet units of one item."""

    item = ma.fields.String()
    units = ma.fields.Integer()


class UnmetSchema(ma.Schema):
    """Unmet demand as recorded by the latest completed run."""

    run_id = ma.fields.Integer(allow_none=True)
    reasons = ma.fields.List(ma.fields.Nested(ReasonUnitsSchema))
    items = ma.fields.List(ma.fields.Nested(ItemUnitsSchema))


class PublicReportSchema(ma.Schema):
    """The district's totals for anyone: figures only, no company names."""

    items = ma.fields.List(ma.fields.Nested(ItemTotalsSchema))
    tiers = ma.fields.List(ma.fields.Nested(TierTotalsSchema))


class SummarySchema(ma.Schema):
    """The coordinator's summary: totals, queues and unmet demand."""

    items = ma.fields.List(ma.fields.Nested(CoordinatorItemTotalsSchema))
    tiers = ma.fields.List(ma.fields.Nested(TierTotalsSchema))
    pending_filings = ma.fields.Integer()
    proposals_waiting = ma.fields.Integer()
    packs_waiting = ma.fields.Integer()
    applications_waiting = ma.fields.Integer()
    unmet = ma.fields.Nested(UnmetSchema)


class RunFiguresSchema(ma.Schema):
    """One matching run's headline figures."""

    id = ma.fields.Integer()
    started_at = ma.fields.AwareDateTime()
    finished_at = ma.fields.AwareDateTime(allow_none=True)
    trigger = ma.fields.String()
    status = ma.fields.String()
    dry_run = ma.fields.Boolean()
    fill_rate = ma.fields.Float(allow_none=True)
    lowest_fill_rate = ma.fields.Float(allow_none=True)
    gini = ma.fields.Float(allow_none=True, metadata={"description": "spread of fill rates"})
    units = ma.fields.Integer(allow_none=True)
    cost = Money(allow_none=True, metadata={"description": "price + transport"})
    proposals = ma.fields.Integer(allow_none=True)
    solve_seconds = ma.fields.Float(allow_none=True)
