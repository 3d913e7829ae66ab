"""Facts declared once stay declared once: the clock, distances and CSV writing.

These read the source: a second copy of the district clock, of the Earth's radius or of a CSV
writer would drift from the first (a BOM or the formula guard forgotten, another radius).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from market.common.errors import NotFound
from market.common.rows import fetch
from market.common.transaction import rows_changed
from market.extensions import db
from market.lots.models import Lot

MARKET = Path(__file__).resolve().parents[3] / "market"


def _offenders(pattern: str, allowed: set[str]) -> list[str]:
    found = []
    for path in sorted(MARKET.rglob("*.py")):
        name = path.relative_to(MARKET.parent).as_posix()
        if "migrations/versions" in name or name in allowed:
            continue
        if re.search(pattern, path.read_text(encoding="utf-8")):
            found.append(name)
    return found


def test_only_the_csv_export_module_writes_csv():
    assert _offenders(r"csv\.(writer|DictWriter)\(", {"market/common/csv_export.py"}) == []


def test_distances_come_from_the_solver_only():
    assert _offenders(r"6371|haversine|asin\(", set()) == []


def test_the_district_clock_is_read_in_one_place():
    allowed = {"market/common/display.py", "market/common/types.py"}
    assert _offenders(r"date\.today\(\)|datetime\.(now|today|utcnow)\(", allowed) == []


def test_fetch_names_a_row_that_is_gone(app):
    with pytest.raises(NotFound, match="lots 424242 no longer exists"):
        fetch(Lot, 424242)


def test_rows_changed_counts_what_an_update_changed(make_lot, people):
    lot = make_lot(people["supplier_a_org"], quantity=10)
    stmt = sa.update(Lot).where(Lot.id == lot.id, Lot.quantity == 10).values(quantity=11)
    assert rows_changed(db.session.execute(stmt)) == 1
    assert rows_changed(db.session.execute(stmt)) == 0  # the condition no longer holds
    db.session.rollback()
