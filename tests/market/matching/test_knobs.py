"""The policy knobs are declared once: the run API, what-if and the config read the same ones."""

from __future__ import annotations

import marshmallow as ma
import pytest

from market.common.errors import Invalid
from market.config import Config
from market.matching.knobs import KNOB_DEFAULTS, KNOBS, Knob
from market.matching.schemas import StartRunSchema
from market.whatif import services as whatif
from market.whatif.schemas import WhatIfArgsSchema

SCHEMAS = (StartRunSchema, WhatIfArgsSchema)


def _value(knob: Knob, number: float) -> float | int:
    return int(number) if knob.integer else float(number)


@pytest.mark.parametrize("schema", SCHEMAS)
@pytest.mark.parametrize("knob", KNOBS, ids=lambda k: k.name)
def test_both_apis_take_a_knob_at_its_limits(schema, knob):
    low = knob.low + (0.5 if knob.low_open else 0)
    assert schema().load({knob.name: _value(knob, knob.high)})[knob.name] == knob.high
    assert schema().load({knob.name: _value(knob, low)})[knob.name] == low


@pytest.mark.parametrize("schema", SCHEMAS)
@pytest.mark.parametrize("knob", KNOBS, ids=lambda k: k.name)
def test_both_apis_refuse_a_knob_past_its_limits_naming_range_and_value(schema, knob):
    for bad in (knob.high + 1, knob.low if knob.low_open else knob.low - 1):
        with pytest.raises(ma.ValidationError) as caught:
            schema().load({knob.name: _value(knob, bad)})
        message = caught.value.messages[knob.name][0]
        assert message.startswith(f"must be {knob.range_text()}, got ")


@pytest.mark.parametrize("schema", SCHEMAS)
@pytest.mark.parametrize("knob", KNOBS, ids=lambda k: k.name)
def test_only_the_limits_may_be_null(schema, knob):
    if knob.nullable:
        assert schema().load({knob.name: None})[knob.name] is None
    else:
        with pytest.raises(ma.ValidationError):
            schema().load({knob.name: None})


@pytest.mark.parametrize("knob", KNOBS, ids=lambda k: k.name)
def test_the_what_if_service_check_keeps_the_same_limits(knob):
    base = whatif.Knobs(transport_cost_per_unit_km=0.01, max_distance_km=50.0,
                        fairness_steps=10, nearest=None)
    assert getattr(whatif.check_knobs(base, {knob.name: _value(knob, knob.high)}),
                   knob.name) == knob.high
    with pytest.raises(Invalid) as caught:
        whatif.check_knobs(base, {knob.name: _value(knob, knob.high + 1)})
    assert knob.name in caught.value.errors


def test_the_config_defaults_are_the_knobs_defaults(monkeypatch):
    for knob in KNOBS:
        monkeypatch.delenv(f"MATCH_{knob.name.upper()}", raising=False)
    assert {k.name: getattr(Config, f"MATCH_{k.name.upper()}") for k in KNOBS} == KNOB_DEFAULTS
    assert KNOB_DEFAULTS == {"transport_cost_per_unit_km": 0.01, "max_distance_km": 50.0,
                             "fairness_steps": 10, "nearest": None}
