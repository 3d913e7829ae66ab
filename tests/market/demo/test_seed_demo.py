"""`flask seed-demo` builds a believable district once; `demo-logins` prints the way in."""

from __future__ import annotations

import sqlalchemy as sa
from werkzeug.security import check_password_hash

from market.accounts.credit_code import credit_code_error
from market.accounts.models import SECTOR_TIERS, Organization, User
from market.catalog.models import Item
from market.demo import people, seed
from market.extensions import db
from market.giftpacks.models import GiftPackApplication, GiftPackTemplate
from market.lots.models import Lot
from market.needs.models import Need
from tests.rows import count_rows as count

SHINAN_CODES = {sub.code for sub in people.SUBDISTRICTS}


def test_seed_demo_district_builds_the_expected_district(app):
    result = app.test_cli_runner().invoke(args=["seed-demo", "--seed", "7"])
    assert result.exit_code == 0, result.output
    assert "demo-password" in result.output
    assert "coordinator@demo.local" in result.output
    assert count(Organization, Organization.is_supplier) == 6
    assert count(Organization, Organization.is_buyer, ~Organization.is_supplier) == 50
    assert count(Organization, Organization.status == "pending") == 3
    assert count(User) == 2 + 56
    assert count(Need) == 120
    assert count(Lot) == 42
    assert count(Lot, Lot.kind == "donation") >= 2
    assert count(Lot, Lot.kind == "donation", Lot.unit_price.is_not(None)) == 0
    assert count(GiftPackApplication, GiftPackApplication.status == "waiting") == 6
    # every seeded item is both listed and needed
    items = db.session.scalars(sa.select(Item.id)).all()
    assert {i for i in items} == set(db.session.scalars(sa.select(Lot.item_id).distinct()))
    assert {i for i in items} == set(db.session.scalars(sa.select(Need.item_id).distinct()))
    # buyers cover every sector, needs come from verified buyers only
    sectors = set(db.session.scalars(
        sa.select(Organization.sector).where(~Organization.is_supplier)))
    assert sectors == set(SECTOR_TIERS)
    assert count(Need, Need.organization_id.in_(
        sa.select(Organization.id).where(Organization.status != "verified"))) == 0
    for org in db.session.scalars(sa.select(Organization)):
        assert credit_code_error(org.credit_code) is None
        assert org.tier == SECTOR_TIERS[org.sector]
        # Qingdao's Shinan district, not Shanghai: around 36.06N 120.38E, real subdistricts
        assert abs(org.latitude - 36.065) < 0.05
        assert abs(org.longitude - 120.36) < 0.08
        assert org.subdistrict in SHINAN_CODES
        assert org.phone.startswith("0532")
        assert "Shinan" in org.address
    assert {sub.name_zh for sub in people.SUBDISTRICTS} >= {"八大关街道", "湛山街道", "中山路街道"}
    assert count(Lot, Lot.subdistrict.is_(None)) == 0
    template = db.session.scalar(sa.select(GiftPackTemplate))
    assert template.name == seed.PACK_NAME
    assert sorted((c.item.sku, c.quantity) for c in template.contents) == [
        ("DISINFECTANT-ALCOHOL-75", 5), ("MASK-SURGICAL", 500)]


def test_demo_users_log_in_with_the_printed_password(app):
    app.test_cli_runner().invoke(args=["seed-demo"])
    for email, role in (("coordinator@demo.local", "coordinator"), ("admin@demo.local", "admin"),
                        ("supplier1@demo.local", "company"), ("buyer1@demo.local", "company")):
        user = db.session.scalar(sa.select(User).where(User.email == email))
        assert user.role == role
        assert check_password_hash(user.password_hash, "demo-password")
    buyer1 = db.session.scalar(sa.select(User).where(User.email == "buyer1@demo.local"))
    assert buyer1.organization.name == "Sunshine Care Home"
    assert buyer1.organization.status == "verified"


def test_if_empty_leaves_an_existing_market_alone(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["seed-demo"])
    before = (count(Organization), count(Need), count(Lot), count(User))
    again = runner.invoke(args=["seed-demo", "--if-empty"])
    assert again.exit_code == 0
    assert "not loaded" in again.output
    twice = runner.invoke(args=["seed-demo"])
    assert "already" in twice.output
    assert (count(Organization), count(Need), count(Lot), count(User)) == before


def test_if_empty_skips_when_any_company_exists(app, make_org):
    make_org()
    result = app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"])
    assert "not loaded" in result.output
    assert count(Need) == 0


def test_same_seed_builds_the_same_district(app):
    app.test_cli_runner().invoke(args=["seed-demo", "--seed", "3"])
    first = db.session.execute(sa.select(Need.quantity).order_by(Need.id)).scalars().all()
    assert len(set(first)) > 50  # log-normal quantities, not a constant
    assert max(first) > 5 * sorted(first)[len(first) // 2]  # a long tail


def test_demo_logins_prints_accounts_and_url(app):
    runner = app.test_cli_runner()
    empty = runner.invoke(args=["demo-logins"])
    assert "seed-demo" in empty.output
    runner.invoke(args=["seed-demo"])
    result = runner.invoke(args=["demo-logins"])
    assert "http://127.0.0.1:5000/" in result.output
    for login in ("coordinator@demo.local", "admin@demo.local", "supplier1@demo.local",
                  "buyer1@demo.local", "demo-password"):
        assert login in result.output
