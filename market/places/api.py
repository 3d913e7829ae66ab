"""The place API: the district's subdistricts (public: registration needs them)."""

from __future__ import annotations

from market.common.api import Blueprint
from market.places.places import places
from market.places.schemas import PlaceSchema

blp = Blueprint("places_api", __name__, url_prefix="/places",
                description="The district's subdistricts (街道) and their centroids")


@blp.route("", methods=["GET"])
@blp.response(200, PlaceSchema(many=True))
def list_places():
    """Every subdistrict of the configured district, with its centroid (WGS 84)."""
    return list(places())
