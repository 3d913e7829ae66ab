"""Marshmallow schemas of the catalogue API (field names as API.md)."""

from __future__ import annotations

from decimal import Decimal

import marshmallow as ma

from market.common.schemas import CheckedDecimal, ListArgsSchema
from market.i18n import N_

# Upper-case letters and digits in dash-separated groups, e.g. MASK-KN95.
SKU_PATTERN = r"^[A-Z0-9]+(-[A-Z0-9]+)*$"
SKU_MESSAGE = N_(
    "must be upper-case letters, digits and single dashes (e.g. MASK-KN95), got {input!r}")


class Sku(ma.fields.String):
    """A catalogue SKU such as `MASK-KN95`."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "validate",
            [
                ma.validate.Length(min=2, max=60, error=N_("must be 2 to 60 characters long")),
                ma.validate.Regexp(SKU_PATTERN, error=SKU_MESSAGE),
            ],
        )
        super().__init__(**kwargs)


def _text(max_length: int, **kwargs) -> ma.fields.String:
    """A trimmed, non-empty text field of at most `max_length` characters."""
    return ma.fields.String(
        validate=ma.validate.Length(
            min=1, max=max_length, error=N_("must be 1 to {max} characters long")
        ),
        **kwargs,
    )


class ItemSchema(ma.Schema):
    """An item as the API answers it."""

    id = ma.fields.Integer(dump_only=True)
    sku = ma.fields.String()
    name = ma.fields.String()
    name_zh = ma.fields.String(allow_none=True)
    category = ma.fields.String()
    unit = ma.fields.String()
    daily_use_per_person = ma.fields.Decimal(as_string=True)
    substitutes = ma.fields.Function(lambda item: [s.sku for s in item.substitutes])


class ItemCreateSchema(ma.Schema):
    """`POST /api/v1/items`: a new catalogue item."""

    class Meta:
        unknown = ma.RAISE

    sku = Sku(required=True)
    name = _text(200, required=True)
    name_zh = _text(200, load_default=None, allow_none=True)
    category = _text(60, required=True)
    unit = _text(20, required=True)
    daily_use_per_person = CheckedDecimal(
        load_default=Decimal("0"),
        places=3,
        validate=ma.validate.Range(
            min=Decimal("0"), max=Decimal("99999"), error=N_("must be 0 to 99999, got {input}")
        ),
        error_messages={"invalid": N_("must be a decimal number, got {input!r}")},
    )
    substitutes = ma.fields.List(Sku(), load_default=list)

    @ma.pre_load
    def strip_text(self, data, **kwargs):
        """Trim surrounding spaces so ' mask ' and 'mask' are the same category."""
        if isinstance(data, dict):
            return {k: v.strip() if isinstance(v, str) else v for k, v in data.items()}
        return data


class ItemFilterSchema(ListArgsSchema):
    """`GET /api/v1/items` filters and paging."""

    category = ma.fields.String()
