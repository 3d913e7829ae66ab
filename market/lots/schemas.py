"""Marshmallow schemas of the stock-lot API (field names as API.md)."""

from __future__ import annotations

import marshmallow as ma
from flask_babel import gettext as _
from flask_smorest.fields import Upload

from market.common.schemas import (
    Latitude,
    ListArgsSchema,
    Longitude,
    Money,
    OrgRefSchema,
    Quantity,
    UserRefSchema,
)
from market.i18n import N_
from market.lots.models import LOT_KINDS, LotStatus
from market.places.schemas import Subdistrict


def _one_of(choices: tuple[str, ...]) -> ma.validate.OneOf:
    return ma.validate.OneOf(choices, error=N_("must be one of {choices}, got {input!r}"))


class AwareDateTime(ma.fields.AwareDateTime):
    """An ISO 8601 time that must carry its zone (naive times are refused)."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "error_messages",
            {
                "invalid": N_("must be an ISO 8601 time, got {input!r}"),
                "invalid_awareness": N_(
                    "must include a time zone, e.g. 2026-03-01T18:00:00+08:00"),
            },
        )
        super().__init__(**kwargs)


class LotCreateSchema(ma.Schema):
    """`POST /api/v1/lots` (and each row of a CSV import)."""

    class Meta:
        unknown = ma.RAISE

    item = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=60))
    quantity = Quantity(required=True)
    kind = ma.fields.String(required=True, validate=_one_of(LOT_KINDS))
    unit_price = Money(load_default=None, allow_none=True)
    subdistrict = Subdistrict(load_default=None, allow_none=True)
    latitude = Latitude(load_default=None, allow_none=True)
    longitude = Longitude(load_default=None, allow_none=True)
    address = ma.fields.String(
        load_default=None, allow_none=True, validate=ma.validate.Length(max=300)
    )
    available_until = AwareDateTime(load_default=None, allow_none=True)
    organization_id = ma.fields.Integer(
        load_default=None, allow_none=True, metadata={"description": "hotline intake only"}
    )


class LotUpdateSchema(ma.Schema):
    """`PATCH /api/v1/lots/{id}`: any of quantity, unit price, status."""

    class Meta:
        unknown = ma.RAISE

    quantity = Quantity()
    unit_price = Money()
    status = ma.fields.String(validate=_one_of(LotStatus.EDITABLE))

    @ma.validates_schema
    def not_empty(self, data, **kwargs):
        """An empty PATCH is a mistake worth reporting."""
        if not data:
            raise ma.ValidationError(_("give quantity, unit_price or status"), "_schema")


class LotFilterSchema(ListArgsSchema):
    """List and export filters, plus paging."""

    item = ma.fields.String()
    status = ma.fields.String(validate=_one_of(tuple(LotStatus)))
    kind = ma.fields.String(validate=_one_of(LOT_KINDS))
    organization_id = ma.fields.Integer(metadata={"description": "coordinators only"})


class LotImportFileSchema(ma.Schema):
    """`POST /api/v1/lots/import`: the CSV file."""

    file = Upload(required=True)


class LotImportFormSchema(ma.Schema):
    """`POST /api/v1/lots/import`: the company, when a coordinator uploads for it."""

    class Meta:
        unknown = ma.EXCLUDE

    organization_id = ma.fields.Integer(load_default=None, allow_none=True)


class LotImportDocSchema(LotImportFileSchema, LotImportFormSchema):
    """The multipart body of an import as the OpenAPI document shows it."""


class LotSchema(ma.Schema):
    """A lot as the API answers it."""

    id = ma.fields.Integer()
    item = ma.fields.Function(lambda lot: lot.item.sku)
    item_name = ma.fields.Function(lambda lot: lot.item.name)
    quantity = ma.fields.Integer()
    reserved = ma.fields.Integer()
    shipped = ma.fields.Integer()
    available = ma.fields.Integer()
    kind = ma.fields.String()
    unit_price = Money(allow_none=True)
    status = ma.fields.String()
    subdistrict = ma.fields.String(allow_none=True)
    latitude = ma.fields.Float()
    longitude = ma.fields.Float()
    address = ma.fields.String(allow_none=True)
    available_until = ma.fields.AwareDateTime(allow_none=True)
    organization = ma.fields.Nested(OrgRefSchema)
    # `{id, email}` of the coordinator who entered it, as needs and applications show it.
    entered_by = ma.fields.Nested(UserRefSchema, allow_none=True)
    entered_by_id = ma.fields.Integer(allow_none=True)
    created_at = ma.fields.AwareDateTime()
    updated_at = ma.fields.AwareDateTime()


class ImportResultSchema(ma.Schema):
    """`{imported: N, encoding}`: the encoding the file was read in."""

    imported = ma.fields.Integer()
    encoding = ma.fields.String(
        metadata={"enum": ["utf-8", "utf-8-sig", "gb18030"],
                  "description": "utf-8-sig = UTF-8 with a BOM; gb18030 covers GBK"})
