"""Marshmallow fields shared by every area's schemas, with errors that name the value."""

from __future__ import annotations

from decimal import Decimal

import marshmallow as ma

from market.i18n import N_
from solver.tiers import HIGHEST_TIER, LOWEST_TIER

MAX_QUANTITY = 10**9
MAX_MONEY = Decimal("9999999999.99")
"""The largest amount a money column (NUMERIC(12, 2)) holds."""
TIER_ERROR = N_("must be 1 to 4, got {input}")  # HIGHEST_TIER to LOWEST_TIER
"""What a bad priority tier is told, in the API and in the services."""


def tier_range() -> ma.validate.Range:
    """The rule of every priority-tier field: a tier from the solver's scale."""
    return ma.validate.Range(min=HIGHEST_TIER, max=LOWEST_TIER, error=TIER_ERROR)


class Quantity(ma.fields.Integer):
    """A whole number of base units, 1 to 10^9 (no strings, no decimals)."""

    def __init__(self, minimum: int = 1, **kwargs):
        kwargs.setdefault(
            "validate",
            ma.validate.Range(
                min=minimum,
                max=MAX_QUANTITY,
                error=N_("must be a whole number from {min} to {max}, got {input}"),
            ),
        )
        kwargs.setdefault(
            "error_messages", {"invalid": N_("must be a whole number, got {input!r}")}
        )
        super().__init__(strict=True, **kwargs)

    def _validated(self, value):
        if isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return super()._validated(value)


class CheckedDecimal(ma.fields.Decimal):
    """A decimal whose every refusal names the value, even one with too many digits to round.

    marshmallow raises its "invalid" error without the input when quantizing fails (1e30
    with `places`), and a message naming `{input}` then breaks into a 500.
    """

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            if isinstance(value, bool):
                raise ValueError(value)
            number = Decimal(str(value))
            if self.places is not None and number.is_finite():
                number.quantize(self.places)
        except (ValueError, ArithmeticError):
            raise self.make_error("invalid", input=value) from None
        return super()._deserialize(value, attr, data, **kwargs)


class Money(CheckedDecimal):
    """Money: accepts a string or a number, answers a string with two decimals (`"2.50"`)."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "validate",
            ma.validate.Range(
                min=Decimal("0"),
                max=MAX_MONEY,
                error=N_("must be 0 or more, got {input}"),
            ),
        )
        kwargs.setdefault(
            "error_messages",
            {
                "invalid": N_("must be a decimal amount, got {input!r}"),
                "cents": N_("must have at most two decimal places, got {input}"),
                "range": N_("must be 0 to 9999999999.99, got {input}"),
            },
        )
        super().__init__(places=2, as_string=True, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            if isinstance(value, bool) or not Decimal(str(value)).is_finite():
                raise ValueError(value)
        except (ValueError, ArithmeticError):
            raise self.make_error("invalid", input=value) from None
        amount = Decimal(str(value))
        if abs(amount) > MAX_MONEY:  # before quantizing: 1e30 has more digits than Decimal keeps
            raise self.make_error("range", input=value)
        if amount.normalize().as_tuple().exponent < -2:
            raise self.make_error("cents", input=value)  # never round a price silently
        return super()._deserialize(value, attr, data, **kwargs)


class Latitude(ma.fields.Float):
    """Degrees north, -90 to 90."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "validate",
            ma.validate.Range(min=-90, max=90, error=N_("must be -90 to 90, got {input}")),
        )
        super().__init__(allow_nan=False, **kwargs)


class Longitude(ma.fields.Float):
    """Degrees east, -180 to 180."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "validate",
            ma.validate.Range(min=-180, max=180, error=N_("must be -180 to 180, got {input}")),
        )
        super().__init__(allow_nan=False, **kwargs)


class OrgRefSchema(ma.Schema):
    """A company named in another record: `{id, name}`."""

    id = ma.fields.Integer()
    name = ma.fields.String()


class UserRefSchema(ma.Schema):
    """Who entered a record (hotline intake): `{id, email}`."""

    id = ma.fields.Integer()
    email = ma.fields.String()


class ListArgsSchema(ma.Schema):
    """Base of a list's query filters: `page`/`per_page` (and any other argument) pass by.

    The API reads the page arguments with `@blp.paginate()`, the pages with `page_args`.
    """

    class Meta:
        unknown = ma.EXCLUDE
