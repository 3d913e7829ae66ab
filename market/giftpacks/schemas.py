"""Marshmallow schemas of the gift-pack API: templates, applications, packs."""

from __future__ import annotations

import marshmallow as ma

from market.common.schemas import ListArgsSchema, OrgRefSchema, Quantity, UserRefSchema
from market.giftpacks.models import ApplicationStatus, PackStatus
from market.giftpacks.services import template_contents
from market.i18n import N_

NAME = ma.validate.Length(min=1, max=200)


class ContentSchema(ma.Schema):
    """One line of a template: `{item: SKU, quantity}`."""

    item = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=60))
    quantity = Quantity(required=True)


class TemplateCreateSchema(ma.Schema):
    """`POST /gift-pack-templates`."""

    name = ma.fields.String(required=True, validate=NAME)
    contents = ma.fields.List(
        ma.fields.Nested(ContentSchema), required=True,
        validate=ma.validate.Length(min=1, max=50, error=N_("must list 1 to 50 items")),
    )


class TemplateUpdateSchema(ma.Schema):
    """`PATCH /gift-pack-templates/{id}`: rename or (de)activate."""

    name = ma.fields.String(validate=NAME)
    active = ma.fields.Boolean()


class TemplateFilterSchema(ListArgsSchema):
    """`?active=true|false` plus pagination."""

    active = ma.fields.Boolean()


class TemplateSchema(ma.Schema):
    """A template as the API answers it."""

    id = ma.fields.Integer()
    name = ma.fields.String()
    contents = ma.fields.Function(template_contents)
    active = ma.fields.Boolean()
    created_at = ma.fields.AwareDateTime()


class TemplateRefSchema(ma.Schema):
    """`{id, name}` of a template."""

    id = ma.fields.Integer()
    name = ma.fields.String()


class ApplicationCreateSchema(ma.Schema):
    """`POST /gift-pack-applications`: an optional reason; coordinators name the company."""

    reason = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=500))
    organization_id = ma.fields.Integer(allow_none=True, strict=True)


class ApplicationFilterSchema(ListArgsSchema):
    """Filters of the application list."""

    status = ma.fields.String(validate=ma.validate.OneOf(tuple(ApplicationStatus)))
    organization_id = ma.fields.Integer()


class ApplicationSchema(ma.Schema):
    """An application as the API answers it."""

    id = ma.fields.Integer()
    status = ma.fields.String()
    progress = ma.fields.Method(
        "get_progress",
        metadata={"description": "where the application stands: its pack's status (proposed "
                                 "— coordinators only —, approved, shipped, received, "
                                 "disputed) once a run gave it one, else `status`"},
    )
    organization = ma.fields.Nested(OrgRefSchema)
    reason = ma.fields.String(allow_none=True)
    entered_by = ma.fields.Nested(UserRefSchema, allow_none=True)
    entered_by_id = ma.fields.Integer(allow_none=True)
    created_at = ma.fields.AwareDateTime()

    def get_progress(self, application) -> str:
        """The application's progress as the calling user may see it."""
        from market.common.web import current_actor
        from market.giftpacks.models import application_progress

        return application_progress(application, current_actor())


class PackFilterSchema(ListArgsSchema):
    """Filters of the pack list."""

    run_id = ma.fields.Integer()
    status = ma.fields.String(validate=ma.validate.OneOf(tuple(PackStatus)))
    organization_id = ma.fields.Integer()


class RecipientSchema(OrgRefSchema):
    """The receiving company, with what a donor needs to deliver."""

    address = ma.fields.String()
    phone = ma.fields.String()


class ComponentSchema(ma.Schema):
    """Units of one item from one donated lot."""

    lot_id = ma.fields.Integer()
    item = ma.fields.Function(lambda c: c.item.sku)
    quantity = ma.fields.Integer()
    supplier = ma.fields.Function(
        lambda c: {"id": c.lot.organization.id, "name": c.lot.organization.name}
    )


class PackSchema(ma.Schema):
    """A gift pack as the API answers it."""

    id = ma.fields.Integer()
    run_id = ma.fields.Integer()
    application_id = ma.fields.Integer()
    template = ma.fields.Nested(TemplateRefSchema)
    recipient = ma.fields.Nested(RecipientSchema, attribute="organization")
    status = ma.fields.String()
    components = ma.fields.List(ma.fields.Nested(ComponentSchema))
    decision_note = ma.fields.String(allow_none=True)
    receipt_note = ma.fields.String(allow_none=True)
    received_quantity = ma.fields.Integer(allow_none=True)
    decided_at = ma.fields.AwareDateTime(allow_none=True)
    shipped_at = ma.fields.AwareDateTime(allow_none=True)
    received_at = ma.fields.AwareDateTime(allow_none=True)
    created_at = ma.fields.AwareDateTime()


class RejectSchema(ma.Schema):
    """`POST /gift-packs/{id}/reject`: why."""

    reason = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=500))


class ReceiveSchema(ma.Schema):
    """`POST /gift-packs/{id}/receive`: units received in all (default: everything) and a note."""

    quantity = Quantity(minimum=0)
    note = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=500))
