"""Counting rows, for tests that assert what a request wrote or did not write."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from market.extensions import db


def count_rows(model: Any, *where: Any) -> int:
    """How many rows of `model`'s table match every condition in `where` (all without one)."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where)) or 0
