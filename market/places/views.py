"""Template helpers of places (the blueprint has no pages; it registers them app-wide)."""

from __future__ import annotations

from flask import Blueprint

from market.places import places as places_module

bp = Blueprint("places", __name__)


@bp.app_template_global("map_data")
def map_data() -> dict:
    """The map script's data island: tile URL (may be empty) and the subdistricts' centroids."""
    return places_module.map_data()


@bp.app_template_filter("place_name")
def place_name(code: str | None) -> str:
    """A subdistrict code as its name in the page's language (empty when none)."""
    return places_module.place_name(code)
