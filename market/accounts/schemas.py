"""Marshmallow schemas of the accounts API: registration, tokens, companies."""

from __future__ import annotations

import marshmallow as ma
from flask_babel import gettext as _

from market.accounts.models import SECTOR_TIERS, OrgStatus
from market.accounts.rules import (
    ROLES,
    credit_code_error,
    password_error,
    phone_error,
    sector_error,
)
from market.common.schemas import Latitude, ListArgsSchema, Longitude, Quantity, tier_range
from market.i18n import N_
from market.places.schemas import Subdistrict, subdistrict_name_field


def _raise_if(message: str | None) -> None:
    if message:
        raise ma.ValidationError(message)


class Text(ma.fields.String):
    """A string that is stripped and must not be blank."""

    def __init__(self, max_length: int, **kwargs):
        kwargs.setdefault(
            "validate",
            ma.validate.Length(min=1, max=max_length, error=N_("must be 1 to {max} characters")),
        )
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).strip()


class CreditCode(ma.fields.String):
    """An 18-character unified social credit code with a valid check digit, upper-cased."""

    def _deserialize(self, value, attr, data, **kwargs):
        code = super()._deserialize(value, attr, data, **kwargs).strip().upper()
        _raise_if(credit_code_error(code))
        return code


class Sector(ma.fields.String):
    """One of the sector codes of PRODUCT.md."""

    def _deserialize(self, value, attr, data, **kwargs):
        sector = super()._deserialize(value, attr, data, **kwargs)
        _raise_if(sector_error(sector))
        return sector


class Phone(ma.fields.String):
    """A contact phone number."""

    def _deserialize(self, value, attr, data, **kwargs):
        phone = super()._deserialize(value, attr, data, **kwargs).strip()
        _raise_if(phone_error(phone))
        return phone


def _roles_field(**kwargs) -> ma.fields.List:
    return ma.fields.List(
        ma.fields.String(
            validate=ma.validate.OneOf(ROLES, error=N_("must be supplier or buyer, got {input!r}"))
        ),
        validate=ma.validate.Length(min=1, max=2, error=N_("name supplier, buyer or both")),
        **kwargs,
    )


class OrganizationInSchema(ma.Schema):
    """The company part of a registration."""

    name = Text(200, required=True)
    credit_code = CreditCode(required=True, metadata={"description": "GB 32100-2015 code"})
    roles = _roles_field(required=True)
    sector = Sector(required=True, metadata={"enum": list(SECTOR_TIERS)})
    headcount = Quantity(required=True)
    subdistrict = Subdistrict(load_default=None, allow_none=True)
    address = Text(300, required=True)
    latitude = Latitude(metadata={"description": "optional with a subdistrict"})
    longitude = Longitude(metadata={"description": "optional with a subdistrict"})
    phone = Phone(required=True)

    @ma.validates_schema
    def check_place(self, data, **_kwargs) -> None:
        """A subdistrict, or both coordinates: nobody should have to know their latitude."""
        if data.get("subdistrict"):
            return
        missing = [n for n in ("latitude", "longitude") if data.get(n) is None]
        if missing:
            raise ma.ValidationError(
                {n: [_("is required (or give a subdistrict)")] for n in missing})


class RegisterSchema(ma.Schema):
    """`POST /auth/register`: the first user and their company."""

    email = ma.fields.Email(required=True, validate=ma.validate.Length(max=254))
    password = ma.fields.String(required=True)
    organization = ma.fields.Nested(OrganizationInSchema, required=True)

    @ma.validates("password")
    def check_password(self, value: str, **_kwargs) -> None:
        """Enforce the configured minimum length."""
        _raise_if(password_error(value))


class TokenRequestSchema(ma.Schema):
    """`POST /auth/tokens`: credentials."""

    email = ma.fields.String(required=True)
    password = ma.fields.String(required=True)


class TokenSchema(ma.Schema):
    """A freshly issued bearer token (shown once)."""

    token = ma.fields.String()
    expires_at = ma.fields.AwareDateTime()


class TokenInfoSchema(ma.Schema):
    """One of the caller's tokens as `GET /auth/tokens` lists it (never the secret)."""

    id = ma.fields.Integer()
    created_at = ma.fields.AwareDateTime()
    last_used_at = ma.fields.AwareDateTime(allow_none=True)
    expires_at = ma.fields.AwareDateTime()


class UserSchema(ma.Schema):
    """A user as the API shows it."""

    id = ma.fields.Integer()
    email = ma.fields.String()
    role = ma.fields.String()
    organization_id = ma.fields.Integer(allow_none=True)
    language = ma.fields.String()


class CurrentValuesSchema(ma.Schema):
    """The approved values a change request would replace."""

    sector = ma.fields.String()
    headcount = ma.fields.Integer()
    tier = ma.fields.Integer()


class PendingChangeSchema(ma.Schema):
    """A company's change of sector or headcount waiting for a coordinator."""

    sector = ma.fields.String(metadata={"description": "the requested sector, if it changes"})
    headcount = ma.fields.Integer(metadata={"description": "the new headcount, if it changes"})
    tier = ma.fields.Integer(metadata={"description": "the tier the request would give"})
    current = ma.fields.Nested(CurrentValuesSchema)
    requested_at = ma.fields.AwareDateTime()
    requested_by = ma.fields.String(allow_none=True)


class OrganizationSchema(ma.Schema):
    """A company as the API shows it."""

    id = ma.fields.Integer()
    name = ma.fields.String()
    credit_code = ma.fields.String()
    roles = ma.fields.List(ma.fields.String())
    sector = ma.fields.String()
    tier = ma.fields.Integer()
    tier_overridden = ma.fields.Boolean()
    headcount = ma.fields.Integer()
    subdistrict = ma.fields.String(allow_none=True)
    subdistrict_name = subdistrict_name_field()
    address = ma.fields.String()
    latitude = ma.fields.Float()
    longitude = ma.fields.Float()
    phone = ma.fields.String()
    status = ma.fields.String()
    rejection_reason = ma.fields.String(allow_none=True)
    created_at = ma.fields.AwareDateTime()
    updated_at = ma.fields.AwareDateTime()
    verified_at = ma.fields.AwareDateTime(allow_none=True)
    pending_change = ma.fields.Nested(
        PendingChangeSchema, attribute="change_request", allow_none=True,
        metadata={"description": "a change of sector or headcount waiting for a coordinator; "
                                 "until approved the values above stay in force"},
    )


class RegistrationSchema(ma.Schema):
    """The answer to a registration."""

    user = ma.fields.Nested(UserSchema)
    organization = ma.fields.Nested(OrganizationSchema)


class MeSchema(ma.Schema):
    """`GET /me`: the user and their company (none for coordinators)."""

    user = ma.fields.Nested(UserSchema)
    organization = ma.fields.Nested(OrganizationSchema, allow_none=True)
    language = ma.fields.String(metadata={"description": "the language the user reads: en, zh"})


class MePatchSchema(ma.Schema):
    """`PATCH /me`: the user's own settings (the language they read)."""

    class Meta:
        unknown = ma.RAISE

    language = ma.fields.String(
        required=True, metadata={"description": "en or zh; other values are refused (422)"}
    )


class OrganizationListArgsSchema(ListArgsSchema):
    """Filters of `GET /organizations`."""

    status = ma.fields.String(
        validate=ma.validate.OneOf(tuple(OrgStatus),
                                   error=N_("must be one of {choices}, got {input!r}"))
    )
    sector = Sector()
    q = ma.fields.String(metadata={"description": "part of the company name"})
    pending_change = ma.fields.Boolean(
        metadata={"description": "true: only companies with a change request waiting"}
    )


class VerificationSchema(ma.Schema):
    """`POST /organizations/{id}/verification`: a coordinator's decision."""

    decision = ma.fields.String(
        required=True,
        validate=ma.validate.OneOf(
            ("approve", "reject"), error=N_("must be approve or reject, got {input!r}")
        ),
    )
    reason = ma.fields.String(
        allow_none=True, validate=ma.validate.Length(max=500, error=N_("at most {max} characters"))
    )


class ChangeDecisionSchema(VerificationSchema):
    """`POST /organizations/{id}/change-request`: approve or reject a change of sector or
    headcount (a rejection needs a `reason`)."""


class OrganizationPatchSchema(ma.Schema):
    """`PATCH /organizations/{id}`: contact fields (own users) or tier and status (coordinators)."""

    name = Text(200)
    subdistrict = Subdistrict(allow_none=True)
    address = Text(300)
    latitude = Latitude()
    longitude = Longitude()
    phone = Phone()
    headcount = Quantity()
    sector = Sector()
    credit_code = CreditCode(metadata={"description": "only while pending or rejected"})
    roles = _roles_field(metadata={"description": "only while pending or rejected"})
    tier = ma.fields.Integer(
        strict=True,
        allow_none=True,
        validate=tier_range(),
        metadata={"description": "coordinators; null goes back to the sector's tier"},
    )
    status = ma.fields.String(
        validate=ma.validate.OneOf(
            ("verified", "suspended"), error=N_("must be verified or suspended, got {input!r}")
        ),
        metadata={"description": "coordinators"},
    )
