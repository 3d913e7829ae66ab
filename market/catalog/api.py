"""The catalogue API: `GET/POST /api/v1/items`."""

from __future__ import annotations

from flask.views import MethodView

from market.catalog import services
from market.catalog.schemas import ItemCreateSchema, ItemFilterSchema, ItemSchema
from market.common.api import Blueprint
from market.common.pagination import api_page, paginate
from market.common.web import current_actor

blp = Blueprint("catalog_api", __name__, url_prefix="", description="The item catalogue")


@blp.route("/items")
class Items(MethodView):
    """The catalogue."""

    @blp.arguments(ItemFilterSchema, location="query")
    @blp.response(200, ItemSchema(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """List catalogue items with their substitutes (any logged-in user)."""
        stmt = services.items_query(current_actor(), args.get("category"))
        pages = pagination_parameters
        return api_page(paginate(stmt, pages.page, pages.page_size), pages)

    @blp.arguments(ItemCreateSchema)
    @blp.response(201, ItemSchema)
    def post(self, data):
        """Add an item to the catalogue (coordinators)."""
        return services.create_item(current_actor(), data)
