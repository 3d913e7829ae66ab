"""The public home page: what the platform is and live totals, without company names."""

from flask import Blueprint, render_template

bp = Blueprint("public", __name__)


@bp.get("/")
def home():
    """Show what the platform is, public totals, and the way in."""
    from market.reports.public import public_totals

    return render_template("public/home.html", totals=public_totals())
