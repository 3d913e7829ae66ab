"""The API's `subdistrict` field: one of the district's subdistrict codes."""

from __future__ import annotations

import marshmallow as ma

from market.places.places import place_name, subdistrict_error


class Subdistrict(ma.fields.String):
    """A subdistrict (街道) code of `DISTRICT_PLACES_FILE`; its centroid stands in for missing
    coordinates."""

    def __init__(self, **kwargs):
        kwargs.setdefault("metadata", {"description": "subdistrict (街道) code, see "
                                                      "GET /places; its centroid is used when "
                                                      "latitude and longitude are not given"})
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        code = super()._deserialize(value, attr, data, **kwargs).strip()
        message = subdistrict_error(code)
        if message:
            raise ma.ValidationError(message)
        return code


class PlaceSchema(ma.Schema):
    """One subdistrict as `GET /places` lists it."""

    code = ma.fields.String()
    name_zh = ma.fields.String()
    name_en = ma.fields.String()
    lat = ma.fields.Float()
    lon = ma.fields.Float()


def subdistrict_name_field() -> ma.fields.Function:
    """An output field with the object's subdistrict name in the reader's language."""
    return ma.fields.Function(lambda obj: place_name(getattr(obj, "subdistrict", None)) or None,
                              allow_none=True)
