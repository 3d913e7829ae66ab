"""Marshmallow schemas of the needs API: what comes in and what goes out."""

from __future__ import annotations

import marshmallow as ma

from market.common.schemas import (
    Latitude,
    Longitude,
    Money,
    OrgRefSchema,
    Quantity,
    UserRefSchema,
)
from market.i18n import N_
from market.needs.models import NeedStatus
from market.places.schemas import Subdistrict

SKU = ma.fields.String


class NeedCreateSchema(ma.Schema):
    """`POST /needs`: item SKU and quantity required; the rest optional."""

    item = SKU(required=True, validate=ma.validate.Length(min=1, max=60))
    quantity = Quantity(required=True)
    max_unit_price = Money(allow_none=True)
    needed_by = ma.fields.Date(allow_none=True)
    accept_substitutes = ma.fields.Boolean(load_default=False)
    subdistrict = Subdistrict(allow_none=True)
    latitude = Latitude(allow_none=True)
    longitude = Longitude(allow_none=True)
    address = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=300))
    organization_id = ma.fields.Integer(allow_none=True, strict=True)


class NeedUpdateSchema(ma.Schema):
    """`PATCH /needs/{id}`: any editable field."""

    quantity = Quantity()
    max_unit_price = Money(allow_none=True)
    needed_by = ma.fields.Date(allow_none=True)
    accept_substitutes = ma.fields.Boolean()
    subdistrict = Subdistrict(allow_none=True)
    latitude = Latitude()
    longitude = Longitude()
    address = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=300))


class NeedRenewSchema(ma.Schema):
    """`POST /needs/{id}/renew`: the new needed-by date (none = no deadline)."""

    needed_by = ma.fields.Date(required=True, allow_none=True)


class NeedFilterSchema(ma.Schema):
    """Filters of the needs list and its CSV export."""

    class Meta:
        unknown = ma.EXCLUDE

    item = SKU()
    status = ma.fields.String(validate=ma.validate.OneOf(tuple(NeedStatus)))
    organization_id = ma.fields.Integer()



class SuggestionArgsSchema(ma.Schema):
    """`GET /needs/suggestion?item=SKU&days=N[&organization_id=]`."""

    class Meta:
        unknown = ma.EXCLUDE

    item = SKU(required=True)
    days = ma.fields.Integer(
        required=True,
        validate=ma.validate.Range(
            min=1, max=3650, error=N_("must be 1 to 3650 days, got {input}")
        ),
    )
    organization_id = ma.fields.Integer()


class SuggestionSchema(ma.Schema):
    """A suggested quantity and the figures it comes from."""

    item = ma.fields.String()
    days = ma.fields.Integer()
    headcount = ma.fields.Integer()
    daily_use_per_person = ma.fields.Decimal(as_string=True)
    quantity = ma.fields.Integer()
    organization = ma.fields.Nested(OrgRefSchema)


class NeedSchema(ma.Schema):
    """A need as the API answers it."""

    id = ma.fields.Integer()
    item = ma.fields.Function(lambda n: n.item.sku)
    quantity = ma.fields.Integer()
    allocated = ma.fields.Integer()
    received = ma.fields.Integer()
    outstanding = ma.fields.Integer()
    status = ma.fields.String()
    max_unit_price = Money(allow_none=True)
    needed_by = ma.fields.Date(allow_none=True)
    accept_substitutes = ma.fields.Boolean()
    subdistrict = ma.fields.String(allow_none=True)
    latitude = ma.fields.Float()
    longitude = ma.fields.Float()
    address = ma.fields.String(allow_none=True)
    organization = ma.fields.Nested(OrgRefSchema)
    entered_by = ma.fields.Nested(UserRefSchema, allow_none=True)
    entered_by_id = ma.fields.Integer(allow_none=True)
    created_at = ma.fields.AwareDateTime()
    updated_at = ma.fields.AwareDateTime()
