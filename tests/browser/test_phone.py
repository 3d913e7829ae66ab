"""Phones first, and safe actions, in a real browser (issue 12, points 3 and 7).

Every page of every role, at 390 px (a phone) and 1366 px (a laptop), in English and Chinese:
nothing scrolls sideways, the buttons of list rows (verify, ship, confirm receipt,
withdraw…) lie inside the screen, and a Chinese page leaves no run of English words (issue
12, point 1). The phone pages of both languages are also saved as screenshots in
test-artifacts/phone/<lang>/<role>-<page>.png for a person to look at. Irreversible actions
ask first: dismissing the question changes nothing.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from market.common.types import utcnow
from market.extensions import db

from .helpers import (
    LAPTOP,
    LOCALES,
    PASSWORD,
    PHONE,
    english_left,
    fresh,
    page_name,
    screenshots,
    set_width,
)
from .helpers import log_in as log_in_at

pytestmark = pytest.mark.browser

LONG_NAME = "青岛市市南区八大关街道海滨医疗防护用品贸易有限责任公司第二分公司"
LONG_ADDRESS = "山东省青岛市市南区香港中路街道香港中路一百二十八号海天中心写字楼A座三十八层3801室"


@pytest.fixture
def world(make_org, make_lot, make_need, make_user, make_run, catalog) -> dict:
    """Long Chinese names and addresses, every kind of row a role's lists show; the URLs."""
    from market.matching.models import Allocation, MatchConstraint, Quota

    supplier = make_org(name=LONG_NAME, roles=("supplier",), address=LONG_ADDRESS)
    buyer = make_org(name="青岛市市南区人民医院发热门诊与防护物资保障中心", roles=("buyer",),
                     sector="medical", address=LONG_ADDRESS)
    make_org(name="Pending Trading " * 4, status="pending", address=LONG_ADDRESS)
    lot = make_lot(supplier, quantity=1_234_567, address=LONG_ADDRESS,
                   unit_price=Decimal("1234.50"))
    spare = make_lot(supplier, quantity=5_000)  # nothing reserved: it can be withdrawn
    need = make_need(buyer, quantity=250_000, address=LONG_ADDRESS)
    spare_need = make_need(buyer, quantity=3_000)  # nothing allocated: it can be cancelled
    run = make_run(stats={"fill_rate": 0.5, "lowest_fill_rate": 0.25, "gini": 0.12,
                          "proposals": 3, "units_proposed": 1_500, "units_demanded": 253_000,
                          "cost": 1_851_750.0})
    lines = []
    for status in ("approved", "shipped", "proposed"):
        lines.append(Allocation(
            run_id=run.id, lot_id=lot.id, need_id=need.id, item_id=lot.item_id,
            supplier_id=supplier.id, buyer_id=buyer.id, quantity=500, unit_price=lot.unit_price,
            distance_km=1.1, tier=buyer.tier, status=status, fill_rate=0.5,
            decided_at=None if status == "proposed" else utcnow(),
            shipped_at=utcnow() if status == "shipped" else None,
        ))
    db.session.add_all(lines)
    lot.reserved = 1_500
    coordinator = make_user(None, role="coordinator", email="phone-coord@example.com",
                            password=PASSWORD)
    db.session.add_all([
        MatchConstraint(lot_id=lot.id, need_id=need.id, kind="pin", quantity=100,
                        created_by_id=coordinator.id),
        Quota(organization_id=buyer.id, item_id=catalog["MASK-SURGICAL"].id, max_units=10_000),
    ])
    db.session.commit()
    approved = lines[0].id
    world = {
        "emails": {
            "coordinator": coordinator.email,
            "supplier": make_user(supplier, email="phone-supplier@example.com",
                                  password=PASSWORD).email,
            "buyer": make_user(buyer, email="phone-buyer@example.com", password=PASSWORD).email,
        },
        "pages": {
            "anonymous": ["/", "/login", "/register"],
            "coordinator": [
                "/reports/", "/filings", "/matching/", f"/matching/runs/{run.id}",
                "/allocations/proposals", "/reports/what-if", "/lots/", "/needs/", "/gift-packs/",
                "/catalog/", "/catalog/new", "/audit", "/notifications/failed", "/notifications",
                "/reports/daily", f"/allocations/{approved}/delivery-note", "/organizations",
                f"/organizations/{supplier.id}", "/matching/constraints", "/matching/quotas",
                "/lots/new", "/needs/new", "/account/password",
            ],
            "supplier": [
                "/lots/", "/lots/new", "/lots/import", f"/lots/{lot.id}/edit", "/allocations/mine",
                f"/allocations/{approved}/delivery-note", "/gift-packs/", "/catalog/",
                "/notifications", "/company", "/account/password",
            ],
            "buyer": [
                "/needs/", "/needs/new", f"/needs/{need.id}/edit", "/allocations/mine",
                "/gift-packs/", "/catalog/", "/notifications", "/company",
            ],
        },
        # List pages whose rows must show their action buttons on screen.
        "actions": {"/filings", "/lots/", "/allocations/mine", "/needs/", "/matching/constraints",
                    "/matching/quotas"},
        # Data typed into the database in Latin letters (may show on a Chinese page).
        "typed": ["Pending Trading", "phone-coord@example.com", "phone-supplier@example.com",
                  "phone-buyer@example.com"],
        "spare_lot": spare.id,
        "spare_need": spare_need.id,
    }
    db.session.commit()  # hold no read transaction while the server writes
    return world


def log_in(page: Page, email: str) -> None:
    """Log in on the login page (at laptop width, where the header shows the user)."""
    set_width(page, LAPTOP)
    log_in_at(page, email)


OVERFLOW = """() => ({
  scroll: document.documentElement.scrollWidth,
  inner: window.innerWidth,
  wide: [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
    .slice(0, 5).map(e => e.tagName + (e.id ? '#' + e.id : '') + '.' + e.className),
})"""

OFFSCREEN_ACTIONS = """() => {
  const w = window.innerWidth;
  const shown = [...document.querySelectorAll(
      'td.actions button, td.actions a, td.actions input:not([type=hidden]), td.actions textarea')]
    .filter(e => e.getClientRects().length > 0);
  return {
    count: shown.length,
    off: shown.map(e => ({id: e.id || e.textContent.trim(), r: e.getBoundingClientRect()}))
      .filter(x => x.r.left < 0 || x.r.right > w + 1).map(x => x.id),
  };
}"""


def check_pages(page: Page, paths: list[str], action_pages: set[str], shots: str | None,
                typed: list[str] | None = None) -> list:
    """Visit each page at the current width; return what overflows or hides its actions, and
    (given the data the test typed, `typed`) the English words left on a Chinese page."""
    problems = []
    for path in paths:
        response = page.goto(path)
        assert response is not None, path
        assert response.ok, f"{path}: {response.status}"
        if path == "/reports/what-if":  # the study runs in the request; wait for its table
            expect(page.locator("#table-whatif")).to_be_visible()
        page.wait_for_load_state("load")
        sizes = page.evaluate(OVERFLOW)
        if sizes["scroll"] > sizes["inner"]:
            problems.append(f"{path} at {sizes['inner']} px scrolls to {sizes['scroll']}: "
                            f"{sizes['wide']}")
        if path in action_pages:
            actions = page.evaluate(OFFSCREEN_ACTIONS)
            if actions["count"] == 0:
                problems.append(f"{path}: no row actions shown")
            if actions["off"]:
                problems.append(f"{path}: actions off screen: {actions['off']}")
        if typed is not None and (left := english_left(page, typed)):
            problems.append(f"{path}: English on a Chinese page: {left}")
        if shots:
            screenshots(page, "phone", f"{shots}-{page_name(path)}")
    return problems


@pytest.mark.parametrize("role", ["anonymous", "coordinator", "supplier", "buyer"])
def test_every_page_fits_a_phone_and_a_laptop(new_page, world, role):
    problems = []
    for lang, browser_locale in LOCALES.items():
        page = new_page(browser_locale)
        if role != "anonymous":
            log_in(page, world["emails"][role])
        for width in (PHONE, LAPTOP):
            set_width(page, width)
            shots = f"{lang}/{role}" if width == PHONE else None
            typed = world["typed"] if (lang == "zh" and width == PHONE) else None
            problems += check_pages(page, world["pages"][role], world["actions"], shots, typed)
        if lang == "zh":
            assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert problems == [], "\n".join(problems)


def test_header_collapses_into_a_menu_on_a_phone(new_page, world):
    page = new_page()
    log_in(page, world["emails"]["supplier"])
    page.set_viewport_size({"width": PHONE, "height": 844})
    page.goto("/lots/")
    nav = page.locator("#nav-allocations-mine")
    expect(page.locator("#menu-toggle")).to_be_visible()
    expect(nav).to_be_hidden()
    page.locator("#menu-toggle").click()
    expect(nav).to_be_visible()
    expect(page.locator("#menu-toggle")).to_have_attribute("aria-expanded", "true")
    nav.click()
    expect(page).to_have_url(re.compile(r"/allocations/mine$"))
    page.set_viewport_size({"width": LAPTOP, "height": 900})  # a laptop shows the links
    expect(page.locator("#menu-toggle")).to_be_hidden()
    expect(page.locator("#nav-allocations-mine")).to_be_visible()


def posts_to(page: Page) -> list[str]:
    """The URLs of the POST requests the page sends from now on."""
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.url) if r.method == "POST" else None)
    return sent


def test_withdrawing_a_lot_asks_first_and_cancel_changes_nothing(new_page, world):
    from market.lots.models import Lot

    page = new_page("zh-CN")
    log_in(page, world["emails"]["supplier"])
    page.set_viewport_size({"width": PHONE, "height": 844})
    page.goto("/lots/")
    lot_id = world["spare_lot"]
    asked: list[str] = []
    sent = posts_to(page)

    page.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    page.locator(f"#withdraw-lot-{lot_id}").click()
    page.goto("/lots/")  # a submitted form would have sent its POST before this GET
    assert asked == ["确定撤回这批库存吗？撤回后不能再次上架。"]
    assert sent == []
    assert fresh(Lot, lot_id).status == "active"

    page.once("dialog", lambda d: (asked.append(d.message), d.accept()))
    page.locator(f"#withdraw-lot-{lot_id}").click()
    expect(page.locator(f"#withdraw-lot-{lot_id}")).to_have_count(0)
    assert len(asked) == 2
    assert len(sent) == 1
    assert fresh(Lot, lot_id).status == "withdrawn"


def test_cancelling_a_need_asks_first_and_cancel_changes_nothing(new_page, world):
    from market.needs.models import Need

    page = new_page()
    log_in(page, world["emails"]["buyer"])
    page.goto("/needs/")
    need_id = world["spare_need"]
    asked: list[str] = []
    sent = posts_to(page)
    page.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    page.locator(f"#cancel-need-{need_id}").click()
    page.goto("/needs/")
    assert asked == ["Cancel this need? This cannot be undone."]
    assert sent == []
    assert fresh(Need, need_id).status == "open"


def test_primary_button_is_filled_and_cancel_is_plain(new_page, world):
    page = new_page()
    log_in(page, world["emails"]["supplier"])
    page.goto("/lots/new")
    background = "el => getComputedStyle(el).backgroundColor"
    save = page.locator("#lot-submit").evaluate(background)
    cancel = page.get_by_role("link", name="Cancel").evaluate(background)
    assert save == "rgb(11, 110, 79)"  # the brand green
    assert cancel == "rgb(255, 255, 255)"
