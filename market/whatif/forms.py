"""The what-if page's policy-knob form (a GET form: it changes nothing, so no CSRF token)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DecimalField, IntegerField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange, Optional, StopValidation, ValidationError

from market.matching.knobs import (
    MAX_DISTANCE_KM,
    MAX_FAIRNESS_STEPS,
    MAX_NEAREST,
    MAX_TRANSPORT_COST,
)
from market.whatif.services import Knobs

KNOB_FIELDS = ("transport_cost_per_unit_km", "max_distance_km", "fairness_steps", "nearest", "caps")


def parsed(form: FlaskForm, field: DecimalField | IntegerField) -> None:
    """Stop at "not a valid number": a range message on top of it would only confuse."""
    if field.data is None and field.raw_data and str(field.raw_data[0]).strip():
        raise StopValidation()


def positive_distance(form: FlaskForm, field: DecimalField) -> None:
    """A maximum distance must be more than 0 km (leave it empty for no limit)."""
    if field.data is not None and field.data <= 0:
        raise ValidationError(_l("Maximum distance must be more than 0 km (empty: no limit)."))


class WhatIfForm(FlaskForm):
    """The knobs of the edited policy; empty distance or nearest-k means no limit."""

    class Meta:
        csrf = False

    transport_cost_per_unit_km = DecimalField(
        _l("Transport cost per unit and km"), id="whatif-transport-cost", places=None,
        validators=[Optional(), parsed, NumberRange(
            min=0, max=MAX_TRANSPORT_COST,
            message=_l("Transport cost per unit and km must be 0 to %(max)s.",
                       max=int(MAX_TRANSPORT_COST)))],
        description=_l("Money per unit per km added to the price; higher favours nearer lots."),
    )
    max_distance_km = DecimalField(
        _l("Maximum distance (km)"), id="whatif-max-distance", places=None,
        validators=[Optional(), parsed, positive_distance, NumberRange(
            max=MAX_DISTANCE_KM,
            message=_l("Maximum distance must be at most %(max)s km.", max=int(MAX_DISTANCE_KM)))],
        description=_l("No delivery farther than this; empty means no limit."),
    )
    fairness_steps = IntegerField(
        _l("Fairness steps"), id="whatif-fairness-steps",
        validators=[Optional(), parsed, NumberRange(
            min=1, max=MAX_FAIRNESS_STEPS,
            message=_l("Fairness steps must be 1 to %(max)s.", max=MAX_FAIRNESS_STEPS))],
        description=_l("How finely scarce stock is evened out inside a tier (1 = not at all)."),
    )
    nearest = IntegerField(
        _l("Nearest lots per need"), id="whatif-nearest",
        validators=[Optional(), parsed, NumberRange(
            min=1, max=MAX_NEAREST,
            message=_l("Nearest lots per need must be 1 to %(max)s.", max=MAX_NEAREST))],
        description=_l("Only consider the k nearest lots of each item; empty means all lots."),
    )
    caps = SelectField(
        _l("Company caps"), id="whatif-caps",
        choices=[SelectChoice("kept", _l("Kept")), SelectChoice("ignored", _l("Ignored"))],
        description=_l("Whether the coordinators' per-company quotas apply."),
    )

    @classmethod
    def for_knobs(cls, knobs: Knobs, formdata: Any = None) -> WhatIfForm:
        """A form showing `knobs`, or the submitted values when there are any."""
        data = {
            "transport_cost_per_unit_km": Decimal(str(knobs.transport_cost_per_unit_km)),
            "max_distance_km": (None if knobs.max_distance_km is None
                                else Decimal(str(knobs.max_distance_km))),
            "fairness_steps": knobs.fairness_steps,
            "nearest": knobs.nearest,
            "caps": "kept" if knobs.keep_caps else "ignored",
        }
        return cls(formdata=formdata, data=data)

    def edits(self) -> dict[str, Any]:
        """The validated knobs as the service takes them (empty cost or steps: keep current)."""
        edits: dict[str, Any] = {
            "max_distance_km": (None if self.max_distance_km.data is None
                                else float(self.max_distance_km.data)),
            "nearest": self.nearest.data,
            "keep_caps": self.caps.data != "ignored",
        }
        if self.transport_cost_per_unit_km.data is not None:
            edits["transport_cost_per_unit_km"] = float(self.transport_cost_per_unit_km.data)
        if self.fairness_steps.data is not None:
            edits["fairness_steps"] = self.fairness_steps.data
        return edits
