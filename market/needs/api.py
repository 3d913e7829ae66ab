"""The needs API: post, list, read, edit, cancel, renew, suggest, export CSV."""

from __future__ import annotations

from flask.views import MethodView

from market.common.api import Blueprint
from market.common.csv_export import csv_response
from market.common.display import local_date, local_time
from market.common.pagination import api_page, paginate
from market.common.web import current_actor
from market.extensions import db
from market.needs import services
from market.needs.models import Need
from market.needs.schemas import (
    NeedCreateSchema,
    NeedFilterSchema,
    NeedRenewSchema,
    NeedSchema,
    NeedUpdateSchema,
    SuggestionArgsSchema,
    SuggestionSchema,
)

blp = Blueprint("needs_api", __name__, url_prefix="", description="Needs that buyers post")

CSV_COLUMNS = (
    "id", "item", "quantity", "allocated", "received", "outstanding", "status",
    "max_unit_price", "needed_by", "accept_substitutes", "latitude", "longitude", "address",
    "organization_id", "organization", "entered_by", "created_at",
)  # fmt: skip


@blp.route("/needs")
class Needs(MethodView):
    """The needs collection."""

    @blp.arguments(NeedFilterSchema, location="query")
    @blp.response(200, NeedSchema(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """List needs: a buyer its own, a coordinator all (filters item, status)."""
        stmt = services.with_details(services.needs_query(current_actor(), args))
        pages = pagination_parameters
        return api_page(paginate(stmt, pages.page, pages.page_size), pages)

    @blp.arguments(NeedCreateSchema)
    @blp.response(201, NeedSchema)
    def post(self, data):
        """Post a need (verified buyer, or a coordinator naming organization_id)."""
        return services.create_need(current_actor(), data)


@blp.route("/needs/<int:need_id>")
class NeedById(MethodView):
    """One need."""

    @blp.response(200, NeedSchema)
    def get(self, need_id):
        """Read a need (its company's users and coordinators)."""
        return services.get_need(current_actor(), need_id)

    @blp.arguments(NeedUpdateSchema)
    @blp.response(200, NeedSchema)
    def patch(self, data, need_id):
        """Edit a need; never below the allocated units (409)."""
        return services.update_need(current_actor(), need_id, data)

    @blp.response(200, NeedSchema)
    def delete(self, need_id):
        """Cancel a need; 409 while units are allocated to it."""
        return services.cancel_need(current_actor(), need_id)


@blp.route("/needs/<int:need_id>/renew", methods=["POST"])
@blp.arguments(NeedRenewSchema)
@blp.response(200, NeedSchema)
def renew(data, need_id):
    """Renew an expired need with a new needed-by date."""
    return services.renew_need(current_actor(), need_id, data["needed_by"])


@blp.route("/needs/suggestion", methods=["GET"])
@blp.arguments(SuggestionArgsSchema, location="query")
@blp.response(200, SuggestionSchema)
def suggestion(args):
    """Suggest a quantity: ceil(headcount × days × the item's daily use per person)."""
    return services.suggestion(
        current_actor(), args["item"], args["days"], args.get("organization_id")
    )


@blp.route("/needs.csv", methods=["GET"])
@blp.arguments(NeedFilterSchema, location="query")
@blp.doc(responses={"200": {"description": "CSV with a header row", "content": {"text/csv": {}}}})
def needs_csv(args):
    """Export the needs the caller may list as CSV (same filters as the list)."""
    stmt = services.with_details(services.needs_query(current_actor(), args))
    needs = db.session.scalars(stmt.execution_options(yield_per=500))
    return csv_response("needs.csv", CSV_COLUMNS, (_csv_row(need) for need in needs))


def _csv_row(need: Need) -> list:
    return [
        need.id, need.item.sku, need.quantity, need.allocated, need.received, need.outstanding,
        need.status, "" if need.max_unit_price is None else f"{need.max_unit_price:.2f}",
        local_date(need.needed_by), need.accept_substitutes,
        need.latitude, need.longitude, need.address, need.organization_id,
        need.organization.name, need.entered_by.email if need.entered_by else "",
        local_time(need.created_at),
    ]  # fmt: skip
