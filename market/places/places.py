"""The district's subdistricts (街道), read from `DISTRICT_PLACES_FILE`, and locating by them.

Nobody knows their latitude: a company, lot or need names its subdistrict and its coordinates
follow from the subdistrict's centroid, unless a map pin (or the API) gives them exactly.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _

DEFAULT_FILE = Path(__file__).resolve().parent / "data" / "qingdao_shinan.json"


@dataclass(frozen=True)
class Place:
    """One subdistrict: its code, its names and its centroid (WGS 84 degrees)."""

    code: str
    name_zh: str
    name_en: str
    lat: float
    lon: float

    def name(self, locale: str | None = None) -> str:
        """The subdistrict's name in `locale` (the request's language by default)."""
        locale = locale or str(get_locale() or "en")
        return self.name_zh if locale.startswith("zh") else self.name_en


@lru_cache(maxsize=4)
def load_places(path: str) -> tuple[Place, ...]:
    """The subdistricts of one places file (read once per path; no app needed)."""
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    return tuple(
        Place(str(p["code"]), p["name_zh"], p["name_en"], float(p["lat"]), float(p["lon"]))
        for p in data["subdistricts"]
    )


def places() -> tuple[Place, ...]:
    """The configured district's subdistricts, in the file's order (read once per file)."""
    return load_places(str(current_app.config.get("DISTRICT_PLACES_FILE") or DEFAULT_FILE))


def place(code: str | None) -> Place | None:
    """The subdistrict with this code, or None."""
    return next((p for p in places() if p.code == code), None)


def place_name(code: str | None) -> str:
    """The subdistrict's name in the reader's language; empty when none (or unknown)."""
    found = place(code)
    return found.name() if found else ""


def subdistrict_error(code: Any) -> str | None:
    """Why `code` is not one of the district's subdistrict codes, or None."""
    if place(code if isinstance(code, str) else None) is None:
        return _("must be one of the district's subdistrict codes, got %(code)r", code=code)
    return None


def locate(fields: dict[str, Any]) -> dict[str, list[str]]:
    """Fill `latitude`/`longitude` from `subdistrict` when neither is given; return errors.

    `fields` is changed in place. A subdistrict with explicit coordinates keeps them (a map
    pin refines the centroid). An unknown subdistrict is an error `{"subdistrict": [...]}`.
    """
    code = fields.get("subdistrict")
    if code in (None, ""):
        if "subdistrict" in fields:
            fields["subdistrict"] = None
        return {}
    message = subdistrict_error(code)
    if message:
        return {"subdistrict": [message]}
    if fields.get("latitude") is None and fields.get("longitude") is None:
        found = place(code)
        if found is not None:  # always: subdistrict_error refused unknown codes
            fields["latitude"], fields["longitude"] = found.lat, found.lon
    return {}


def map_data() -> dict[str, Any]:
    """What the map script needs: the tile URL (may be empty) and each subdistrict's centroid."""
    return {
        "tiles": current_app.config.get("MAP_TILE_URL") or "",
        "places": {p.code: [p.lat, p.lon] for p in places()},
    }
