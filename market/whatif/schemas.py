"""Shapes of the what-if API: the edited knobs in, the strategies' figures out."""

from __future__ import annotations

import marshmallow as ma

from market.common.schemas import Money
from market.matching.knobs import PolicyKnobsSchema


class WhatIfArgsSchema(PolicyKnobsSchema):
    """The knobs of the edited policy; any left out keep the current value."""

    keep_caps = ma.fields.Boolean(metadata={"description": "false: ignore the company caps"})


class KnobsSchema(ma.Schema):
    """A policy as the what-if page shows it."""

    transport_cost_per_unit_km = ma.fields.Float()
    max_distance_km = ma.fields.Float(allow_none=True)
    fairness_steps = ma.fields.Integer()
    nearest = ma.fields.Integer(allow_none=True)
    keep_caps = ma.fields.Boolean()


class StrategySchema(ma.Schema):
    """The figures of one strategy on the snapshot."""

    strategy = ma.fields.String(metadata={"description": "fcfs, proportional, optimal, edited"})
    label = ma.fields.String()
    units_by_tier = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())
    fill_rate_by_tier = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Float())
    total_units = ma.fields.Integer()
    fill_rate = ma.fields.Float()
    min_fill_rate = ma.fields.Float(metadata={"description": "the worst-off need's fill rate"})
    gini = ma.fields.Float()
    distance_per_unit = ma.fields.Float(metadata={"description": "km per unit served"})
    total_price = Money()
    total_transport_cost = Money()
    total_cost = Money()
    shipments = ma.fields.Integer()


class WhatIfSchema(ma.Schema):
    """The snapshot's size and the strategies side by side."""

    needs = ma.fields.Integer()
    lots = ma.fields.Integer()
    units_demanded = ma.fields.Integer()
    units_available = ma.fields.Integer()
    empty = ma.fields.Boolean()
    current_knobs = ma.fields.Nested(KnobsSchema)
    edited_knobs = ma.fields.Nested(KnobsSchema)
    demand_by_tier = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())
    strategies = ma.fields.List(ma.fields.Nested(StrategySchema))


class WhatIfStudySchema(WhatIfSchema):
    """A what-if study: its state; the figures above once it is done."""

    study_id = ma.fields.Integer()
    status = ma.fields.String(metadata={
        "description": "queued, running (HTTP 202: poll `url`), done or failed (HTTP 200)"})
    url = ma.fields.String(metadata={"description": "where to poll this study"})
    snapshot_needs = ma.fields.Integer(metadata={"description": "open needs being compared"})
    snapshot_lots = ma.fields.Integer(metadata={"description": "lots with stock being compared"})
    error = ma.fields.String(allow_none=True, metadata={"description": "why a study failed"})
    created_at = ma.fields.AwareDateTime()
    started_at = ma.fields.AwareDateTime(allow_none=True)
    finished_at = ma.fields.AwareDateTime(allow_none=True)
    waited_seconds = ma.fields.Integer(metadata={"description": "seconds since it started"})
