"""Coordinator pages: the dashboard, its CSV tables and the printable daily report."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext as _

from market.catalog.services import sku_name
from market.common.csv_export import csv_response
from market.common.display import local_time
from market.common.web import current_actor, send_anonymous_to_login
from market.reports import daily, services, tables

bp = Blueprint("reports", __name__, url_prefix="/reports")


bp.before_request(send_anonymous_to_login)


def chart_data(data: dict[str, Any]) -> dict[str, Any]:
    """The figures the dashboard's charts draw, as plain JSON values."""
    items, tiers = data["items"], data["tiers"]
    runs = [r for r in reversed(data["runs"]) if r["status"] == "completed" and not r["dry_run"]]
    return {
        "items": {
            "labels": [sku_name(row["item"]) for row in items],
            "supply": [row["supply"] for row in items],
            "demand": [row["demand"] for row in items],
            "allocated": [row["allocated"] for row in items],
        },
        "tiers": {
            "labels": [_("Tier %(n)s", n=row["tier"]) for row in tiers],
            "fill_rate": [round(row["fill_rate"] * 100, 1) for row in tiers],
        },
        "reasons": {
            "labels": [_(row["reason"].replace("_", " ")) for row in data["unmet"]["reasons"]],
            "units": [row["units"] for row in data["unmet"]["reasons"]],
        },
        "runs": {
            "labels": [local_time(r["started_at"]) for r in runs],
            "fill_rate": [_percent(r["fill_rate"]) for r in runs],
            "lowest_fill_rate": [_percent(r["lowest_fill_rate"]) for r in runs],
        },
        "text": {
            "supply": _("Supply"), "demand": _("Demand"), "allocated": _("Allocated"),
            "fill_rate": _("Fill rate %"), "lowest_fill_rate": _("Lowest fill rate %"),
            "units": _("Unmet units"),
        },
    }


def _percent(value: Any) -> float | None:
    try:
        return round(float(value) * 100, 1)
    except (TypeError, ValueError):
        return None


@bp.get("/")
def dashboard():
    """Show the coordinator's dashboard: cards, charts and their tables."""
    data = services.dashboard(current_actor())
    return render_template(
        "reports/dashboard.html", data=data, charts=chart_data(data),
        url_endpoints=current_app.view_functions,
    )


@bp.get("/table/<name>.csv")
def table(name: str):
    """Download one dashboard table as CSV."""
    columns, rows = tables.table_rows(current_actor(), name)
    return csv_response(f"{name}.csv", columns, rows)


@bp.get("/daily", endpoint="daily")
def daily_report():
    """Show the printable daily report (?date=YYYY-MM-DD, optional &to=YYYY-MM-DD)."""
    days = daily.daily_report(current_actor(), request.args.get("date"), request.args.get("to"))
    return render_template(
        "reports/daily.html", days=days,
        first=days[0]["date"], last=days[-1]["date"],
    )
