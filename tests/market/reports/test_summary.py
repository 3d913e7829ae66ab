"""The summary's figures on a hand-built market, exactly."""

from __future__ import annotations

import pytest

from market.reports import services


def by_item(data):
    return {row["item"]: row for row in data["items"]}


def test_item_totals_follow_the_definitions(market, people):
    items = by_item(services.summary(people["coordinator"]))
    masks = items["MASK-SURGICAL"]
    # active lots 1000 + donation 200 (the paused 500 is not supply)
    assert masks["supply"] == 1200
    # 400 + 300; the cancelled 100 is not demand
    assert masks["demand"] == 700
    # approved 200 + shipped 150 + received 100 + disputed 50 (not proposed, not rejected)
    assert masks["allocated"] == 500
    assert masks["shipped"] == 300
    assert masks["received"] == 130  # 100 received + 30 of the disputed 50
    assert masks["unmet"] == 200  # (400 - 250) + (300 - 250)
    assert masks["fill_rate"] == pytest.approx(500 / 700, abs=1e-4)
    gloves = items["GLOVES-NITRILE"]
    assert (gloves["supply"], gloves["demand"], gloves["allocated"], gloves["shipped"]) == (
        300, 50, 40, 0)
    assert gloves["fill_rate"] == pytest.approx(0.8)
    assert items["THERMOMETER-IR"] == {
        "item": "THERMOMETER-IR", "name": "Infrared thermometer", "unit": "piece", "supply": 0,
        "demand": 0, "allocated": 0, "shipped": 0, "received": 0, "unmet": 0, "fill_rate": 0.0,
        "gift_packs": 0,
    }


def test_tier_totals(market, people):
    tiers = {row["tier"]: row for row in services.summary(people["coordinator"])["tiers"]}
    assert sorted(tiers) == [1, 2, 3, 4]
    # tier 1 is the clinic: masks 300 + gloves 50; allocated 150 + 100 + 40
    assert (tiers[1]["demand"], tiers[1]["allocated"]) == (350, 290)
    assert tiers[1]["fill_rate"] == pytest.approx(290 / 350, abs=1e-4)
    # tier 2 is the care home: 400 (not the cancelled 100); allocated 200 + 50
    assert (tiers[2]["demand"], tiers[2]["allocated"], tiers[2]["fill_rate"]) == (400, 250, 0.625)
    assert tiers[3] == {"tier": 3, "demand": 0, "allocated": 0, "fill_rate": 0.0}


def test_queues_and_unmet_reasons_from_the_latest_completed_run(market, people):
    data = services.summary(people["coordinator"])
    assert data["pending_filings"] == 1
    assert data["proposals_waiting"] == 1
    # the dry run and the failed run after it do not count
    assert data["unmet"] == {
        "run_id": market["latest_run"].id,
        "reasons": [{"reason": "no_stock", "units": 120}, {"reason": "price_cap", "units": 30}],
        "items": [{"item": "MASK-SURGICAL", "units": 150}],
    }


def test_unmet_is_empty_without_runs_or_without_recorded_reasons(app, people, make_run):
    assert services.unmet_by_reason() == {"run_id": None, "reasons": [], "items": []}
    run = make_run({"fill_rate": 0.3, "unmet_by_reason": "garbage"})
    assert services.unmet_by_reason() == {"run_id": run.id, "reasons": [], "items": []}


def test_run_history_newest_first_with_figures(market, people):
    runs = services.run_history(people["coordinator"])
    assert [r["status"] for r in runs[:2]] == ["failed", "completed"]
    latest = next(r for r in runs if r["id"] == market["latest_run"].id)
    assert (latest["fill_rate"], latest["lowest_fill_rate"], latest["units"], latest["cost"]) == (
        0.5, 0.2, 580, "123.40")
    assert runs[0]["fill_rate"] is None  # the failed run recorded nothing


def test_summary_api_answers_the_contract(client, login, market, people):
    login(people["coordinator"])
    response = client.get("/api/v1/reports/summary")
    assert response.status_code == 200
    masks = next(row for row in response.json["items"] if row["item"] == "MASK-SURGICAL")
    assert {k: masks[k] for k in ("supply", "demand", "allocated", "shipped", "received")} == {
        "supply": 1200, "demand": 700, "allocated": 500, "shipped": 300, "received": 130}
    assert {"tier", "demand", "allocated", "fill_rate"} <= set(response.json["tiers"][0])
    assert response.json["pending_filings"] == 1


def test_runs_api_is_paginated(client, login, market, people):
    login(people["coordinator"])
    response = client.get("/api/v1/reports/runs?per_page=2")
    assert response.status_code == 200
    assert len(response.json) == 2
    assert '"total": 5' in response.headers["X-Pagination"]
    bad = client.get("/api/v1/reports/runs?per_page=0")
    assert bad.status_code == 422
    assert "per_page" in bad.json["errors"]


def test_public_report_has_no_company_names(client, market, people):
    response = client.get("/api/v1/reports/public")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    for name in ("Supplier A", "Supplier B", "Buyer C", "Clinic D", "Waiting E"):
        assert name not in text
    masks = next(row for row in response.json["items"] if row["item"] == "MASK-SURGICAL")
    assert (masks["supply"], masks["demand"], masks["allocated"]) == (1200, 700, 500)
    assert "unmet" not in response.json
    home = client.get("/").get_data(as_text=True)
    assert "Supplier A" not in home
    assert "Clinic D" not in home
    assert 'id="home-delivered">130<' in home
