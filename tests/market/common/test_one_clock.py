"""One clock (issue 12, point 2): people read the district's wall-clock time, one format.

A lot created at 2026-03-01 18:30 UTC is 2026-03-02 02:30 in Asia/Shanghai: the CSV export
and the pages say the latter; the API keeps ISO 8601 with the offset.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest

from market.extensions import db

MOMENT = datetime(2026, 3, 1, 18, 30, tzinfo=UTC)
LOCAL = "2026-03-02 02:30"


@pytest.fixture
def app_config() -> dict:
    """The district is in China (the default, stated so the test does not depend on it)."""
    return {"TIMEZONE": "Asia/Shanghai"}


@pytest.fixture
def lot(people, make_lot):
    """A lot created at MOMENT (UTC)."""
    lot = make_lot(people["supplier_a_org"], created_at=MOMENT, available_until=MOMENT)
    db.session.commit()
    return lot


def test_lot_export_shows_district_time(client, people, lot, token_for):
    response = client.get("/api/v1/lots.csv", headers=token_for(people["supplier_a"]))
    row = next(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert row["created_at"] == LOCAL
    assert row["available_until"] == LOCAL


def test_api_keeps_iso_8601_with_offset(client, people, lot, token_for):
    response = client.get(f"/api/v1/lots/{lot.id}", headers=token_for(people["supplier_a"]))
    stamp = datetime.fromisoformat(response.json["created_at"].replace("Z", "+00:00"))
    assert stamp.tzinfo is not None  # an offset, not a bare wall-clock time
    assert stamp == MOMENT


def test_lot_list_page_shows_district_time(client, people, lot, login):
    login(people["supplier_a"])
    page = client.get("/lots/").get_data(as_text=True)
    assert LOCAL in page
    assert "UTC" not in page


def test_audit_page_shows_district_time_without_utc(client, people, login):
    from market.audit.models import AuditEntry

    db.session.add(AuditEntry(action="lot.create", entity="lot", entity_id=1, at=MOMENT,
                              actor="someone@example.com"))
    db.session.commit()
    login(people["coordinator"])
    page = client.get("/audit").get_data(as_text=True)
    assert LOCAL in page
    assert "UTC" not in page
