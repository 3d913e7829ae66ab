"""The what-if page and API: four strategies on one snapshot; knobs, validation, access."""

from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa

from market.audit.models import AuditEntry
from market.extensions import db
from market.matching.models import Allocation, MatchRun, Quota
from market.whatif import services as whatif

PAGE = "/reports/what-if"
API = "/api/v1/reports/what-if"
ROLES = ("anonymous", "supplier_a", "supplier_b", "buyer", "coordinator")


@pytest.fixture
def scarce(people, make_org, make_lot, make_need) -> dict[str, Any]:
    """100 masks for two tier-1 clinics asking 100 each (first one first), plus gloves enough.

    All buyers sit 0.01 degree of latitude (1.112 km) north of the one supplier, so every
    strategy's distance per unit is the same and only the sharing differs:
    FCFS gives the first clinic all 100 masks and the second none (lowest fill rate 0),
    proportional shares and the optimiser give each clinic 50 (lowest fill rate 0.5).
    """
    place = {"latitude": 31.20, "longitude": 121.40}
    north = {"latitude": 31.21, "longitude": 121.40}
    supplier = people["supplier_a_org"]
    first = make_org(name="Clinic X", roles=("buyer",), sector="medical", **north)
    second = make_org(name="Clinic Y", roles=("buyer",), sector="medical", **north)
    office = make_org(name="Office Z", roles=("buyer",), sector="office", **north)
    make_lot(supplier, quantity=100, **place)
    make_lot(supplier, item="GLOVES-NITRILE", quantity=100, **place)
    make_need(first, quantity=100)
    make_need(second, quantity=100)
    make_need(office, item="GLOVES-NITRILE", quantity=50)
    return {"first": first, "second": second, "office": office}


@pytest.fixture
def ctx(app):
    """A request context, as the service's translated labels need one."""
    with app.test_request_context("/"):
        yield


def by_key(answer: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["strategy"]: row for row in answer["strategies"]}


def counts() -> tuple[int, int, int]:
    return tuple(  # type: ignore[return-value]
        db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (Allocation, MatchRun, AuditEntry)
    )


def cell(html: str, cell_id: str) -> str:
    match = re.search(rf'id="{cell_id}"[^>]*>(?:<strong>)?([^<]*)<', html)
    assert match, cell_id
    return match.group(1).strip()


def test_service_optimiser_beats_fcfs_on_lowest_fill_rate(ctx, people, scarce):
    answer = whatif.compare(people["coordinator"])
    rows = by_key(answer)
    assert [r["strategy"] for r in answer["strategies"]] == [
        "fcfs", "proportional", "optimal", "edited"]
    assert answer["needs"] == 3
    assert answer["lots"] == 2
    assert answer["demand_by_tier"] == {1: 200, 2: 0, 3: 0, 4: 50}
    fcfs, prop, opt = rows["fcfs"], rows["proportional"], rows["optimal"]
    assert fcfs["units_by_tier"] == {1: 100, 2: 0, 3: 0, 4: 50}
    assert fcfs["min_fill_rate"] == 0.0
    assert fcfs["fill_rate_by_tier"] == {1: 0.5, 4: 1.0}
    assert fcfs["shipments"] == 2
    assert fcfs["gini"] == pytest.approx(1 / 3, abs=1e-4)
    for row in (prop, opt):
        assert row["units_by_tier"] == {1: 100, 2: 0, 3: 0, 4: 50}
        assert row["min_fill_rate"] == 0.5
        assert row["shipments"] == 3
        assert row["gini"] == pytest.approx(1 / 6, abs=1e-4)
    for row in (fcfs, prop, opt):
        assert str(row["total_price"]) == "150.00"
        assert row["distance_per_unit"] == pytest.approx(1.112, abs=0.001)
        assert float(row["total_transport_cost"]) == pytest.approx(150 * 1.112 * 0.01, abs=0.011)
    # Unedited knobs: the edited column is the current policy's answer.
    assert rows["edited"] | {"strategy": "optimal", "label": opt["label"]} == opt


def test_page_shows_the_four_strategies_and_their_figures(client, login, people, scarce):
    login(people["coordinator"])
    response = client.get(PAGE)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for key in whatif.STRATEGIES:
        assert f'id="head-{key}"' in html
    assert cell(html, "cell-fcfs-lowest") == "0.0 %"
    assert cell(html, "cell-optimal-lowest") == "50.0 %"
    assert cell(html, "cell-proportional-lowest") == "50.0 %"
    assert cell(html, "cell-fcfs-units-1") == "100"
    assert cell(html, "cell-fcfs-fill-1") == "50.0 %"
    assert cell(html, "cell-fcfs-shipments") == "2"
    assert cell(html, "cell-optimal-shipments") == "3"
    assert cell(html, "cell-optimal-price") == "¥150.00"  # the yuan sign (12.11)
    assert 'id="whatif-data"' in html
    assert "chart.umd.min.js" in html
    assert "js/whatif.js" in html
    assert 'id="whatif-explain"' in html
    data = re.search(r'id="whatif-data">(.*?)</script>', html, re.S).group(1)
    assert '"fcfs"' in data
    assert "[50.0, 100.0, 0.0]" in data  # tier 1, tier 4, lowest


def test_max_distance_knob_serves_nothing_and_writes_nothing(app, client, login, people, scarce):
    login(people["coordinator"])
    before = counts()
    response = client.get(PAGE, query_string={"max_distance_km": "0.1", "caps": "kept"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert cell(html, "cell-edited-units") == "0"
    assert cell(html, "cell-edited-shipments") == "0"
    assert cell(html, "cell-optimal-units") == "150"  # the current policy is untouched
    assert 'value="0.1"' in html
    with app.test_request_context("/"):
        answer = whatif.compare(people["coordinator"], {"max_distance_km": 0.1})
    assert by_key(answer)["edited"]["total_units"] == 0
    assert answer["edited_knobs"]["max_distance_km"] == 0.1
    assert counts() == before


def test_transport_cost_knob_changes_the_cost(ctx, people, scarce):
    rows = by_key(whatif.compare(people["coordinator"], {"transport_cost_per_unit_km": 2}))
    assert float(rows["edited"]["total_transport_cost"]) == pytest.approx(150 * 1.112 * 2, abs=0.5)
    assert float(rows["optimal"]["total_transport_cost"]) < 2


def test_caps_kept_or_ignored(ctx, people, scarce, catalog):
    db.session.add(Quota(organization_id=scarce["second"].id,
                         item_id=catalog["MASK-SURGICAL"].id, max_units=10))
    db.session.commit()
    kept = by_key(whatif.compare(people["coordinator"]))
    assert kept["optimal"]["min_fill_rate"] == 0.1  # the capped clinic gets 10 of 100
    assert kept["optimal"]["units_by_tier"][1] == 100
    ignored = by_key(whatif.compare(people["coordinator"], {"keep_caps": False}))
    assert ignored["edited"]["min_fill_rate"] == 0.5
    assert ignored["optimal"]["min_fill_rate"] == 0.1


def test_empty_market_shows_an_empty_state(app, client, login, people, catalog):
    login(people["coordinator"])
    with app.test_request_context("/"):
        answer = whatif.compare(people["coordinator"])
    assert answer["empty"] is True
    assert answer["strategies"] == []
    html = client.get(PAGE).get_data(as_text=True)
    assert 'id="whatif-empty"' in html
    assert "no open needs" in html
    assert 'id="whatif-data"' not in html


@pytest.mark.parametrize(("args", "field_id"), [
    ({"transport_cost_per_unit_km": "-1"}, "whatif-transport-cost"),
    ({"transport_cost_per_unit_km": "abc"}, "whatif-transport-cost"),
    ({"max_distance_km": "0"}, "whatif-max-distance"),
    ({"max_distance_km": "99999"}, "whatif-max-distance"),
    ({"fairness_steps": "0"}, "whatif-fairness-steps"),
    ({"fairness_steps": "2.5"}, "whatif-fairness-steps"),
    ({"nearest": "-3"}, "whatif-nearest"),
    ({"caps": "maybe"}, "whatif-caps"),
])
def test_page_invalid_knob_is_a_field_error(client, login, people, scarce, args, field_id):
    login(people["coordinator"])
    before = counts()
    response = client.get(PAGE, query_string=args)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="{field_id}-error"' in html
    assert 'id="whatif-errors"' in html
    assert 'id="table-whatif"' not in html
    assert counts() == before


def test_page_negative_cost_names_the_field(client, login, people, scarce):
    login(people["coordinator"])
    html = client.get(PAGE, query_string={"transport_cost_per_unit_km": "-5"}).get_data(
        as_text=True)
    assert "Transport cost per unit and km must be 0 to 1000." in html
    html = client.get(PAGE, query_string={"fairness_steps": "x"}).get_data(as_text=True)
    assert "Fairness steps: Not a valid integer value." in html
    assert "must be 1 to 100" not in html  # one complaint per bad field


def test_api_compares_and_writes_nothing(client, token_for, people, scarce):
    headers = token_for(people["coordinator"])
    before = counts()
    response = client.post(API, json={"max_distance_km": 0.1, "keep_caps": False},
                           headers=headers)
    assert response.status_code == 200
    body = response.get_json()
    rows = by_key(body)
    assert rows["fcfs"]["min_fill_rate"] == 0.0
    assert rows["optimal"]["min_fill_rate"] == 0.5
    assert rows["optimal"]["units_by_tier"] == {"1": 100, "2": 0, "3": 0, "4": 50}
    assert rows["optimal"]["total_price"] == "150.00"
    assert rows["edited"]["total_units"] == 0
    assert body["edited_knobs"]["keep_caps"] is False
    assert counts() == before


@pytest.mark.parametrize(("payload", "field"), [
    ({"transport_cost_per_unit_km": -1}, "transport_cost_per_unit_km"),
    ({"transport_cost_per_unit_km": "lots"}, "transport_cost_per_unit_km"),
    ({"max_distance_km": 0}, "max_distance_km"),
    ({"fairness_steps": "3"}, "fairness_steps"),
    ({"fairness_steps": 1000}, "fairness_steps"),
    ({"nearest": 0}, "nearest"),
    ({"keep_caps": "perhaps"}, "keep_caps"),
    ({"colour": "red"}, "colour"),
])
def test_api_invalid_knob_is_422_naming_the_field(client, token_for, people, scarce, payload,
                                                   field):
    before = counts()
    response = client.post(API, json=payload, headers=token_for(people["coordinator"]))
    assert response.status_code == 422
    assert field in response.get_json()["errors"]
    assert counts() == before


def test_api_malformed_json_is_refused(client, token_for, people, scarce):
    response = client.post(API, data="{not json", content_type="application/json",
                           headers=token_for(people["coordinator"]))
    assert response.status_code == 422
    assert "json" in response.get_json()["errors"]


def test_service_checks_knobs_itself(ctx, people):
    base = whatif.current_knobs(people["coordinator"])
    with pytest.raises(whatif.Invalid) as caught:
        whatif.check_knobs(base, {"transport_cost_per_unit_km": -1, "fairness_steps": 1.5,
                                  "nearest": True, "keep_caps": "no", "colour": 1})
    assert set(caught.value.errors) == {"transport_cost_per_unit_km", "fairness_steps",
                                        "nearest", "keep_caps", "colour"}
    assert "-1" in caught.value.errors["transport_cost_per_unit_km"][0]
    edited = whatif.check_knobs(base, {"max_distance_km": None, "nearest": 5})
    assert edited.nearest == 5
    assert edited.max_distance_km is None
    assert edited.fairness_steps == base.fairness_steps


@pytest.mark.parametrize(("role", "expected"), zip(ROLES, (302, 403, 403, 403, 200), strict=True))
def test_page_access(client, login, people, role, expected):
    login(None if role == "anonymous" else people[role])
    response = client.get(PAGE, query_string={"transport_cost_per_unit_km": "-1"}
                          if role != "coordinator" else None)
    assert response.status_code == expected
    if expected == 302:
        assert "/login" in response.headers["Location"]


@pytest.mark.parametrize(("role", "expected"), zip(ROLES, (401, 403, 403, 403, 200), strict=True))
def test_api_access(client, token_for, people, role, expected):
    headers = {} if role == "anonymous" else token_for(people[role])
    response = client.post(API, json={}, headers=headers)
    assert response.status_code == expected


def test_page_is_in_the_navigation_for_coordinators(client, login, people):
    login(people["coordinator"])
    html = client.get("/reports/").get_data(as_text=True)
    assert 'href="/reports/what-if"' in html
