"""The stock-lot API: list, create, read, change, withdraw, CSV import and export."""

from __future__ import annotations

from flask.views import MethodView

from market.common.api import Blueprint
from market.common.csv_export import csv_response
from market.common.pagination import api_page, paginate
from market.common.web import current_actor
from market.lots import csv_io, services
from market.lots.schemas import (
    ImportResultSchema,
    LotCreateSchema,
    LotFilterSchema,
    LotImportDocSchema,
    LotSchema,
    LotUpdateSchema,
)

# One blueprint at the API root so /lots.csv and /lots/import sit beside /lots/{id}.
blp = Blueprint("lots_api", __name__, url_prefix="", description="Stock lots of suppliers")


@blp.route("/lots")
class Lots(MethodView):
    """The lots the caller may see."""

    @blp.arguments(LotFilterSchema, location="query")
    @blp.response(200, LotSchema(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """List lots (a supplier its own, a coordinator all), filtered by item, status, kind."""
        stmt = services.lots_query(current_actor(), args)
        pages = pagination_parameters
        return api_page(paginate(stmt, pages.page, pages.page_size), pages)

    @blp.arguments(LotCreateSchema)
    @blp.response(201, LotSchema)
    def post(self, data):
        """List a stock lot for sale or as a donation (verified suppliers; coordinators for one)."""
        return services.create_lot(current_actor(), data)


@blp.route("/lots/<int:lot_id>")
class LotById(MethodView):
    """One lot."""

    @blp.response(200, LotSchema)
    def get(self, lot_id):
        """Read a lot (its company or a coordinator)."""
        return services.get_lot(current_actor(), lot_id)

    @blp.arguments(LotUpdateSchema)
    @blp.response(200, LotSchema)
    def patch(self, changes, lot_id):
        """Change quantity, unit price or status (active/paused); not below what is reserved."""
        return services.update_lot(current_actor(), lot_id, changes)

    @blp.response(200, LotSchema)
    def delete(self, lot_id):
        """Withdraw a lot; refused while approved allocations from it are not shipped."""
        return services.withdraw_lot(current_actor(), lot_id)


@blp.route("/lots/import", methods=["POST"])
@blp.arguments(LotImportDocSchema, location="form_and_files")
@blp.response(201, ImportResultSchema)
def import_lots(args):
    """Import a CSV of lots: every row is checked first, then all are imported or none."""
    result = csv_io.import_lots(current_actor(), args["file"], args.get("organization_id"))
    return {"imported": result.imported, "encoding": result.encoding}


@blp.route("/lots/import-template.csv", methods=["GET"])
@blp.doc(responses={"200": {"description": "CSV: the import header and a sample row",
                            "content": {"text/csv": {}}}})
def import_template():
    """The import template: the header the import reads and one sample row (UTF-8 with BOM)."""
    return csv_response("lots-template.csv", csv_io.IMPORT_COLUMNS, csv_io.template_rows())


@blp.route("/lots.csv", methods=["GET"])
@blp.arguments(LotFilterSchema, location="query")
@blp.doc(responses={"200": {"description": "CSV with a header row", "content": {"text/csv": {}}}})
def export_lots(args):
    """Export the lots the caller may see as CSV (same filters as the list, no paging)."""
    rows = csv_io.export_lots(current_actor(), args)
    return csv_response("lots.csv", csv_io.EXPORT_COLUMNS, rows)
