"""The public home page: what the platform is and live totals, without company names."""

from flask import Blueprint, current_app, render_template
from flask_babel import gettext as _

from market.catalog.services import sku_name
from market.common.web import current_actor
from market.public.todo import home_tasks

bp = Blueprint("public", __name__)


@bp.get("/")
def home():
    """Show what the platform is, public totals, and the way in; a logged-in reader also
    sees what needs doing (a company not verified: its filing status instead)."""
    from market.reports.public import public_totals

    totals = public_totals()
    items = totals["items"]
    totals["supply_units"] = sum(row["supply"] for row in items)
    totals["demand_units"] = sum(row["demand"] for row in items)
    totals["delivered_units"] = sum(row["delivered"] for row in items)
    chart = {
        "labels": [sku_name(row["item"]) for row in items],
        # a log axis cannot show 0: leave those bars out rather than break the chart
        "supply": [row["supply"] or None for row in items],
        "demand": [row["demand"] or None for row in items],
        "text": {"supply": _("Stock available"), "demand": _("Open demand")},
    }
    todo = home_tasks(current_actor())
    return render_template(
        "public/home.html", totals=totals, chart=chart, todo=todo,
        url_endpoints=current_app.view_functions,
    )
