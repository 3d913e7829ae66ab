"""Registration: no sector is chosen for the company, and a wrong credit code is not corrected."""

import pytest

from market.accounts.credit_code import check_digit, credit_code_error
from market.accounts.models import Organization
from tests.market.accounts.conftest import VALID_CODE
from tests.market.accounts.test_register import _form

WRONG_CODE = VALID_CODE[:-1] + ("0" if VALID_CODE[-1] != "0" else "1")


def test_register_page_preselects_no_sector(client):
    page = client.get("/register").get_data(as_text=True)
    select = page[page.index('id="sector"'):page.index("</select>", page.index('id="sector"'))]
    assert '<option selected value="">' in select
    assert select.count("selected") == 1


def test_register_page_refuses_a_missing_sector(client, registration, count):
    form = _form(registration)
    form["sector"] = ""
    response = client.post("/register", data=form)
    assert response.status_code == 422
    assert 'id="sector-error"' in response.get_data(as_text=True)
    assert count(Organization) == 0


def test_api_requires_the_sector(client, registration, count):
    body = registration()
    del body["organization"]["sector"]
    response = client.post("/api/v1/auth/register", json=body)
    assert response.status_code == 422
    assert "sector" in response.json["errors"]["organization"]
    assert count(Organization) == 0


@pytest.mark.parametrize("body", ["91110108MA01XY4K2", "12345678901234567", VALID_CODE[:17]])
def test_wrong_check_digit_message_does_not_name_the_right_one(body):
    right = check_digit(body)
    wrong = "1" if right != "1" else "2"
    message = credit_code_error(body + wrong)
    assert message is not None
    assert right not in message.replace(body + wrong, "")  # nor any other check digit


def test_api_reports_wrong_code_without_the_expected_digit(client, registration):
    response = client.post("/api/v1/auth/register", json=registration(credit_code=WRONG_CODE))
    messages = str(response.json["errors"]["organization"]["credit_code"])
    assert response.status_code == 422
    assert "expected" not in messages
    assert repr(VALID_CODE[-1]) not in messages
