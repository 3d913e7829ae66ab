"""The reports API: the coordinator's summary, run figures and the public totals."""

from __future__ import annotations

from market.common.api import Blueprint
from market.common.pagination import api_page
from market.common.web import current_actor
from market.reports import services
from market.reports.public import public_report
from market.reports.schemas import PublicReportSchema, RunFiguresSchema, SummarySchema

blp = Blueprint("reports_api", __name__, url_prefix="/reports", description="District reports")


@blp.get("/summary")
@blp.response(200, SummarySchema)
def summary():
    """Supply, demand, allocated, shipped and received per item and tier (coordinators)."""
    return services.summary(current_actor())


@blp.get("/public")
@blp.response(200, PublicReportSchema)
def public():
    """The same totals for anyone, without company names."""
    return public_report()


@blp.get("/runs")
@blp.response(200, RunFiguresSchema(many=True))
@blp.paginate()
def runs(pagination_parameters):
    """Matching runs, newest first, with fill rate, lowest fill rate, units and cost."""
    pages = pagination_parameters
    result = services.run_history_page(current_actor(), pages.page, pages.page_size)
    return api_page(result, pages)
