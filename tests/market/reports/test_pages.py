"""The dashboard, its CSV tables and the printable daily report."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from market.common.types import utcnow
from market.reports import tables


@pytest.fixture
def as_coordinator(client, login, people):
    login(people["coordinator"])
    return client


def test_dashboard_shows_cards_charts_and_tables(as_coordinator, market):
    response = as_coordinator.get("/reports/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="card-supply"><div class="stat">1,500<' in html  # 1200 masks + 300 gloves
    assert 'id="card-pending-filings"><div class="stat">1<' in html
    assert 'id="card-proposals-waiting"><div class="stat">1<' in html
    for chart in ("chart-items", "chart-tiers", "chart-reasons", "chart-runs"):
        assert f'id="{chart}"' in html
    for table in ("table-items", "table-tiers", "table-reasons", "table-runs"):
        assert f'id="{table}"' in html
    assert "vendor/chartjs/chart.umd.min.js" in html
    assert "js/dashboard.js" in html
    assert "onclick" not in html
    start = html.index('<script type="application/json" id="dashboard-data">')
    payload = html[html.index(">", start) + 1: html.index("</script>", start)]
    charts = json.loads(payload)
    # the labels are the items' names in the page language, not their SKUs
    masks = charts["items"]["labels"].index("Surgical mask")
    assert charts["items"]["supply"][masks] == 1200
    assert charts["reasons"]["units"] == [120, 30]
    # completed real runs, oldest first (the allocations' run recorded no figures)
    assert charts["runs"]["fill_rate"] == [None, 40.0, 50.0]
    assert charts["runs"]["lowest_fill_rate"] == [None, 10.0, 20.0]


def test_dashboard_with_an_empty_market_shows_empty_states(as_coordinator, catalog):
    html = as_coordinator.get("/reports/").get_data(as_text=True)
    assert "No matching run yet." in html
    assert "No completed run has recorded unmet demand by reason yet." in html


@pytest.mark.parametrize("name", tables.table_names())
def test_every_table_downloads_as_csv_with_a_header(as_coordinator, market, name):
    response = as_coordinator.get(f"/reports/table/{name}.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert f'filename="{name}.csv"' in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert len(rows) >= 2
    assert rows[0][0] in ("item", "tier", "reason", "id")


def test_items_csv_carries_the_figures(as_coordinator, market):
    text = as_coordinator.get("/reports/table/items.csv").get_data().decode("utf-8-sig")
    rows = {row["item"]: row for row in csv.DictReader(io.StringIO(text))}
    assert rows["MASK-SURGICAL"]["allocated"] == "500"
    assert rows["MASK-SURGICAL"]["received"] == "130"


def test_unknown_table_is_404(as_coordinator, catalog):
    assert as_coordinator.get("/reports/table/passwords.csv").status_code == 404


def test_csv_cells_cannot_start_formulas():
    from market.common.csv_export import safe_cell

    assert safe_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert safe_cell(None) == ""
    assert safe_cell(-3) == -3


def test_daily_report_lists_that_days_approved_allocations(
    app, as_coordinator, people, make_org, make_lot, make_need, make_allocation
):
    buyer = people["buyer_org"]
    lot = make_lot(people["supplier_a_org"], quantity=5000)
    need = make_need(buyer, quantity=2000)
    today_line = make_allocation(lot, need, 111, "approved")
    shipped = make_allocation(lot, need, 222, "shipped")
    yesterday = make_allocation(lot, need, 333, "approved",
                                decided_at=utcnow() - timedelta(days=1))
    proposed = make_allocation(lot, need, 444, "proposed")
    html = as_coordinator.get("/reports/daily").get_data(as_text=True)
    assert f'id="daily-line-{today_line.id}"' in html
    assert f'id="daily-line-{shipped.id}"' in html
    assert f'id="daily-line-{yesterday.id}"' not in html
    assert f'id="daily-line-{proposed.id}"' not in html
    assert "Supplier A" in html
    assert "Buyer C" in html
    assert 'class="num">333</td>' in html  # today's totals: 111 + 222 approved
    zone = ZoneInfo(app.config["TIMEZONE"])
    day = (utcnow() - timedelta(days=1)).astimezone(zone).date().isoformat()
    other = as_coordinator.get(f"/reports/daily?date={day}").get_data(as_text=True)
    assert f'id="daily-line-{yesterday.id}"' in other
    assert f'id="daily-line-{today_line.id}"' not in other


def test_daily_report_prints_one_page_per_day(as_coordinator, catalog):
    html = as_coordinator.get("/reports/daily?date=2020-02-01&to=2020-02-03").get_data(
        as_text=True)
    assert html.count('class="card daily-day') == 3
    assert html.count("page-break") == 2  # after every day but the last
    assert 'id="day-2020-02-02"' in html
    assert "data-print" in html


@pytest.mark.parametrize(
    ("query", "field"),
    [("date=yesterday", "date"), ("date=2020-13-01", "date"),
     ("date=2020-02-03&to=2020-02-01", "to"), ("date=2020-01-01&to=2020-03-01", "to")],
)
def test_daily_report_rejects_bad_dates(as_coordinator, catalog, query, field):
    response = as_coordinator.get(f"/reports/daily?{query}")
    assert response.status_code == 422
    assert field in response.get_data(as_text=True)
