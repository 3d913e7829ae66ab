"""Helpers of the stock-lot tests."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa

from market.extensions import db

HEADER = "item,quantity,kind,unit_price,latitude,longitude,address,available_until"


@pytest.fixture
def lot_count(app) -> Callable[[], int]:
    """How many lots the database holds."""
    from market.lots.models import Lot

    def count() -> int:
        return db.session.scalar(sa.select(sa.func.count()).select_from(Lot)) or 0

    return count


@pytest.fixture
def as_user(token_for) -> Callable[[Any], dict[str, str]]:
    """Bearer headers for a user, or none for an anonymous caller."""

    def headers(user) -> dict[str, str]:
        return {} if user is None else token_for(user)

    return headers


def csv_file(*rows: str, header: str = HEADER) -> dict[str, Any]:
    """A multipart body with a CSV file under `file`."""
    text = "\n".join((header, *rows)) + "\n"
    return {"file": (io.BytesIO(text.encode()), "lots.csv")}
