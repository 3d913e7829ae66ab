"""Registering a company: the happy paths and every class of bad input."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from market.accounts.models import Organization, User
from market.audit.models import AuditEntry
from market.extensions import db
from tests.market.accounts.conftest import VALID_CODE


def test_api_register_files_a_pending_company(client, registration, count):
    response = client.post("/api/v1/auth/register", json=registration(roles=["supplier", "buyer"]))

    assert response.status_code == 201
    body = response.json
    assert body["user"]["email"] == "new@example.com"
    assert body["user"]["role"] == "company"
    org = body["organization"]
    assert org["status"] == "pending"
    assert org["tier"] == 1  # medical
    assert org["roles"] == ["supplier", "buyer"]
    assert org["credit_code"] == VALID_CODE
    user = db.session.scalar(sa.select(User).where(User.email == "new@example.com"))
    assert user.password_hash != "long enough"
    assert user.organization.name == "Harbour Clinic"
    actions = db.session.scalars(sa.select(AuditEntry.action)).all()
    assert "organization.registered" in actions


def test_api_register_lowercases_email_and_credit_code(client, registration):
    body = registration(email="Mixed@Example.COM", credit_code=VALID_CODE.lower())
    response = client.post("/api/v1/auth/register", json=body)
    assert response.status_code == 201
    assert response.json["user"]["email"] == "mixed@example.com"
    assert response.json["organization"]["credit_code"] == VALID_CODE


def test_tier_follows_sector(client, registration):
    response = client.post("/api/v1/auth/register", json=registration(sector="office"))
    assert response.json["organization"]["tier"] == 4


BAD_COMPANY = [
    ("credit_code", VALID_CODE[:-1] + ("0" if VALID_CODE[-1] != "0" else "1"),
     "not a valid credit code"),
    ("credit_code", "91110108ABC", "18 characters"),
    ("credit_code", "9111010800000000IO", "not allowed"),
    ("credit_code", 911101080000000010, "Not a valid string"),
    ("headcount", -5, "-5"),
    ("headcount", 0, "got 0"),
    ("headcount", "forty", "forty"),
    ("headcount", 10**10, "10000000000"),
    ("headcount", 4.5, "4.5"),
    ("sector", "astrology", "astrology"),
    ("roles", [], "supplier"),
    ("roles", ["trader"], "trader"),
    ("roles", "buyer", "list"),
    ("latitude", 123, "123"),
    ("longitude", "east", "number"),
    ("phone", "call me", "call me"),
    ("name", "   ", "1 to 200"),
]


@pytest.mark.parametrize(("field", "value", "says"), BAD_COMPANY)
def test_api_register_rejects_bad_company_field(client, registration, count, field, value, says):
    response = client.post("/api/v1/auth/register", json=registration(**{field: value}))

    assert response.status_code == 422, response.json
    assert response.json["code"] == 422
    messages = response.json["errors"]["organization"][field]
    assert says in str(messages), messages
    assert field in response.json["message"]
    assert count(Organization) == 0
    assert count(User) == 0


@pytest.mark.parametrize(
    "missing", ["name", "credit_code", "roles", "sector", "headcount", "address", "latitude",
                "longitude", "phone"],
)
def test_api_register_names_missing_company_field(client, registration, count, missing):
    body = registration()
    del body["organization"][missing]
    response = client.post("/api/v1/auth/register", json=body)
    assert response.status_code == 422
    assert missing in response.json["errors"]["organization"]
    assert count(Organization) == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"password": "short"}, "password"),
        ({"password": 12345678}, "password"),
        ({"email": "not-an-email"}, "email"),
        ({"email": None}, "email"),
        ({"organization": "Harbour Clinic"}, "organization"),
        ({"unexpected": 1}, "unexpected"),
    ],
)
def test_api_register_rejects_bad_account_fields(client, registration, count, change, field):
    body = registration()
    body.update(change)
    response = client.post("/api/v1/auth/register", json=body)
    assert response.status_code == 422
    assert field in response.json["errors"]
    assert count(Organization) == 0
    assert count(User) == 0


def test_password_minimum_comes_from_config(app, client, registration):
    app.config["PASSWORD_MIN_LENGTH"] = 20
    body = registration(password="x" * 19)
    response = client.post("/api/v1/auth/register", json=body)
    assert response.status_code == 422
    assert "at least 20" in response.json["errors"]["password"][0]


@pytest.mark.parametrize("raw", ["{not json", "[1, 2", ""])
def test_api_register_rejects_malformed_json(client, count, raw):
    response = client.post("/api/v1/auth/register", data=raw, content_type="application/json")
    assert response.status_code == 422
    assert response.json["errors"]
    assert count(Organization) == 0


def test_api_register_rejects_a_json_array(client, count):
    response = client.post("/api/v1/auth/register", json=[1, 2])
    assert response.status_code == 422
    assert count(Organization) == 0


def test_duplicate_email_is_a_conflict(client, registration, count):
    assert client.post("/api/v1/auth/register", json=registration()).status_code == 201
    again = registration(email="NEW@example.com", credit_code=_other_code())
    response = client.post("/api/v1/auth/register", json=again)
    assert response.status_code == 409
    assert "email" in response.json["errors"]
    assert count(Organization) == 1


def test_duplicate_credit_code_is_a_conflict(client, registration, count):
    assert client.post("/api/v1/auth/register", json=registration()).status_code == 201
    response = client.post("/api/v1/auth/register", json=registration(email="other@example.com"))
    assert response.status_code == 409
    assert "credit_code" in response.json["errors"]
    assert VALID_CODE in response.json["message"]
    assert count(Organization) == 1
    assert count(User) == 1


def _other_code() -> str:
    from tests.conftest import make_credit_code

    return make_credit_code(777)


def _form(registration, **org) -> dict:
    body = registration(**org)
    form = {"email": body["email"], "password": body["password"], **body["organization"]}
    form["roles"] = "both"
    return form


def test_register_page_files_the_company_and_logs_in(client, registration):
    page = client.get("/register")
    assert page.status_code == 200
    assert b"check digit" in page.data  # the help text about the credit code
    response = client.post("/register", data=_form(registration))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/company")
    org = db.session.scalar(sa.select(Organization))
    assert (org.status, org.is_supplier, org.is_buyer) == ("pending", True, True)
    company = client.get("/company")
    assert b"Harbour Clinic" in company.data
    assert b"badge-pending" in company.data


@pytest.mark.parametrize(
    ("field", "value"),
    [("credit_code", VALID_CODE[:-1] + ("0" if VALID_CODE[-1] != "0" else "1")),
     ("headcount", "-3"), ("headcount", "many"), ("sector", "astrology"), ("password", "short"),
     ("email", "nope"), ("latitude", "200"), ("name", "")],
)
def test_register_page_shows_field_errors(client, registration, count, field, value):
    form = _form(registration)
    form[field] = value
    response = client.post("/register", data=form)
    assert response.status_code == 422
    assert f'id="{field}-error"'.encode() in response.data
    assert count(Organization) == 0


def test_register_page_reports_duplicate_credit_code(client, registration, make_org, count):
    make_org(credit_code=VALID_CODE)
    response = client.post("/register", data=_form(registration))
    assert response.status_code == 409
    assert b'id="credit_code-error"' in response.data
    assert count(User) == 0
