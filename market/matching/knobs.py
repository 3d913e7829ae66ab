"""The matching policy knobs: names, defaults and limits, declared once.

A run takes its knobs from the MATCH_* settings (market/config.py) and the API's overrides
(`StartRunSchema`); the what-if comparison takes edited ones from its API, its form and its
service check. All of them read the knobs below, so a limit or a default is changed in one
place. The solver's own `Policy` defaults are the library's; these are the app's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import marshmallow as ma

from market.i18n import N_


@dataclass(frozen=True)
class Knob:
    """One policy knob: its default and the closed (or left-open) range it must lie in."""

    name: str
    default: float | int | None
    low: float
    high: float
    error: str  # the refusal, a catalogue template naming the range (see `range_text`)
    low_open: bool = False  # the value must be more than `low`, not at least `low`
    integer: bool = False
    none_means: str | None = None  # a knob that may be null, and what null means

    @property
    def nullable(self) -> bool:
        """Whether the knob may be null (no limit)."""
        return self.none_means is not None

    def range_text(self) -> str:
        """The allowed range in words, e.g. `1 to 100` or `more than 0 and at most 20000`."""
        if self.low_open:
            return f"more than {self.low:g} and at most {self.high:g}"
        return f"{self.low:g} to {self.high:g}"

    def field(self) -> ma.fields.Field:
        """The marshmallow field that loads this knob (errors name the value)."""
        options: dict[str, Any] = {
            "allow_none": self.nullable,
            "validate": ma.validate.Range(
                min=self.low, max=self.high, min_inclusive=not self.low_open,
                error=self.error),
        }
        if self.none_means:
            options["metadata"] = {"description": f"null: {self.none_means}"}
        if self.integer:
            return ma.fields.Integer(strict=True, **options)
        return ma.fields.Float(allow_nan=False, **options)


KNOBS: tuple[Knob, ...] = (
    Knob("transport_cost_per_unit_km", 0.01, 0.0, 1000.0, N_("must be 0 to 1000, got {input}")),
    # A city's reach: one misplaced lot is not proposed hundreds of km away.
    Knob("max_distance_km", 50.0, 0.0, 20000.0,
         N_("must be more than 0 and at most 20000, got {input}"),
         low_open=True, none_means="no limit"),
    Knob("fairness_steps", 10, 1, 100, N_("must be 1 to 100, got {input}"), integer=True),
    Knob("nearest", None, 1, 10000, N_("must be 1 to 10000, got {input}"), integer=True,
         none_means="every lot"),
)
KNOB_BY_NAME: dict[str, Knob] = {knob.name: knob for knob in KNOBS}
KNOB_DEFAULTS: dict[str, Any] = {knob.name: knob.default for knob in KNOBS}

MAX_TRANSPORT_COST = KNOB_BY_NAME["transport_cost_per_unit_km"].high
MAX_DISTANCE_KM = KNOB_BY_NAME["max_distance_km"].high
MAX_FAIRNESS_STEPS = int(KNOB_BY_NAME["fairness_steps"].high)
MAX_NEAREST = int(KNOB_BY_NAME["nearest"].high)


class PolicyKnobsSchema(ma.Schema):
    """The policy knobs a caller may set; any left out keep the configured value."""

    class Meta:
        unknown = ma.RAISE

    transport_cost_per_unit_km = KNOB_BY_NAME["transport_cost_per_unit_km"].field()
    max_distance_km = KNOB_BY_NAME["max_distance_km"].field()
    fairness_steps = KNOB_BY_NAME["fairness_steps"].field()
    nearest = KNOB_BY_NAME["nearest"].field()
