"""Form pieces of a location: the subdistrict select and the optional map pin."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField
from wtforms.validators import DataRequired, Optional

from market.places.places import place, places


def subdistrict_choices() -> list[SelectChoice]:
    """An empty "choose" option, then the district's subdistricts in the reader's language."""
    return [SelectChoice("", _l("Choose the subdistrict…")),
            *(SelectChoice(p.code, p.name()) for p in places())]


def subdistrict_field(field_id: str, required: bool, description: Any = None) -> SelectField:
    """The subdistrict (街道) select; its centroid stands in for the coordinates."""
    validators = ([DataRequired(message=_l("Choose the subdistrict."))] if required
                  else [Optional()])
    return SelectField(
        _l("Subdistrict (街道)"), id=field_id, choices=subdistrict_choices, default="",
        validators=validators,
        description=description or _l("The coordinates follow from the subdistrict unless you "
                                       "pin the place on the map."),
    )


def check_place(form: Any) -> bool:
    """A location form needs a subdistrict, or both coordinates; marks the field if not."""
    if form.subdistrict.data or (form.latitude.data is not None
                                 and form.longitude.data is not None):
        return True
    form.subdistrict.errors = [*form.subdistrict.errors, _l("Choose the subdistrict.")]
    return False


def pin_of(subdistrict: str | None, lat: float | None, lon: float | None) -> dict[str, Any]:
    """The latitude/longitude a form shows as the pin: none when they are the centroid.

    A form leaves the coordinates empty unless someone placed them, so choosing another
    subdistrict moves the place to that subdistrict without clearing a stale pin first.
    """
    found = place(subdistrict)
    if found is not None and lat == found.lat and lon == found.lon:
        return {"latitude": None, "longitude": None}
    return {"latitude": lat, "longitude": lon}
