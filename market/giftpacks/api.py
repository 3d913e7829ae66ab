"""The gift-pack API: templates, applications, and the packs a run assigns."""

from __future__ import annotations

from flask.views import MethodView

from market.common.api import Blueprint
from market.common.pagination import api_page, paginate
from market.common.web import current_actor
from market.giftpacks import packs, services
from market.giftpacks.schemas import (
    ApplicationCreateSchema,
    ApplicationFilterSchema,
    ApplicationSchema,
    PackFilterSchema,
    PackSchema,
    ReceiveSchema,
    RejectSchema,
    TemplateCreateSchema,
    TemplateFilterSchema,
    TemplateSchema,
    TemplateUpdateSchema,
)

blp = Blueprint("giftpacks_api", __name__, url_prefix="", description="Gift packs")


@blp.route("/gift-pack-templates")
class Templates(MethodView):
    """Gift-pack templates (coordinators)."""

    @blp.arguments(TemplateFilterSchema, location="query")
    @blp.response(200, TemplateSchema(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """List templates, newest first (`?active=true` for the ones in use)."""
        pages = pagination_parameters
        stmt = services.templates_query(current_actor(), args.get("active"))
        return api_page(paginate(stmt, pages.page, pages.page_size), pages)

    @blp.arguments(TemplateCreateSchema)
    @blp.response(201, TemplateSchema)
    def post(self, data):
        """Define a template: a name and `[{item: SKU, quantity}]`."""
        return services.create_template(current_actor(), data)


@blp.route("/gift-pack-templates/<int:template_id>")
class TemplateById(MethodView):
    """One template."""

    @blp.response(200, TemplateSchema)
    def get(self, template_id):
        """Read a template."""
        return services.get_template(current_actor(), template_id)

    @blp.arguments(TemplateUpdateSchema)
    @blp.response(200, TemplateSchema)
    def patch(self, data, template_id):
        """Rename, deactivate (`{active: false}`) or reactivate a template."""
        return services.update_template(current_actor(), template_id, data)


@blp.route("/gift-pack-applications")
class Applications(MethodView):
    """Gift-pack applications."""

    @blp.arguments(ApplicationFilterSchema, location="query")
    @blp.response(200, ApplicationSchema(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """List applications: a buyer its own, coordinators all (oldest first)."""
        pages = pagination_parameters
        stmt = services.applications_query(current_actor(), args)
        return api_page(paginate(stmt, pages.page, pages.page_size), pages)

    @blp.arguments(ApplicationCreateSchema)
    @blp.response(201, ApplicationSchema)
    def post(self, data):
        """Apply for a gift pack (verified buyer, or a coordinator naming organization_id)."""
        return services.apply(current_actor(), data)


@blp.route("/gift-pack-applications/<int:application_id>")
class ApplicationById(MethodView):
    """One application."""

    @blp.response(200, ApplicationSchema)
    def get(self, application_id):
        """Read an application."""
        return services.get_application(current_actor(), application_id)

    @blp.response(200, ApplicationSchema)
    def delete(self, application_id):
        """Withdraw a waiting application."""
        return services.withdraw_application(current_actor(), application_id)


@blp.route("/gift-packs")
@blp.arguments(PackFilterSchema, location="query")
@blp.response(200, PackSchema(many=True))
@blp.paginate()
def list_packs(args, pagination_parameters):
    """List packs: coordinators all; a company its approved-or-later packs (received or donated)."""
    pages = pagination_parameters
    stmt = packs.packs_query(current_actor(), args)
    return api_page(paginate(stmt, pages.page, pages.page_size), pages)


@blp.route("/gift-packs/<int:pack_id>")
@blp.response(200, PackSchema)
def get_pack(pack_id):
    """Read a pack."""
    return packs.get_pack(current_actor(), pack_id)


@blp.route("/gift-packs/<int:pack_id>/approve", methods=["POST"])
@blp.response(200, PackSchema)
def approve(pack_id):
    """Approve a proposed pack, reserving its donated units; 409 naming any shortfall."""
    return packs.approve_pack(current_actor(), pack_id)


@blp.route("/gift-packs/<int:pack_id>/reject", methods=["POST"])
@blp.arguments(RejectSchema)
@blp.response(200, PackSchema)
def reject(data, pack_id):
    """Reject a proposed pack with a reason."""
    return packs.reject_pack(current_actor(), pack_id, data["reason"])


@blp.route("/gift-packs/<int:pack_id>/ship", methods=["POST"])
@blp.response(200, PackSchema)
def ship(pack_id):
    """Mark an approved pack shipped (a donating supplier or a coordinator)."""
    return packs.ship_pack(current_actor(), pack_id)


@blp.route("/gift-packs/<int:pack_id>/receive", methods=["POST"])
@blp.arguments(ReceiveSchema)
@blp.response(200, PackSchema)
def receive(data, pack_id):
    """Confirm receipt, or report a short delivery with `{quantity, note}` (disputed)."""
    return packs.receive_pack(current_actor(), pack_id, data.get("quantity"), data.get("note"))


@blp.route("/gift-packs/<int:pack_id>/cancel", methods=["POST"])
@blp.response(200, PackSchema)
def cancel(pack_id):
    """Cancel an approved, unshipped pack and release its reservations (coordinators)."""
    return packs.cancel_pack(current_actor(), pack_id)
