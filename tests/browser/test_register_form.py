"""Registration and the company form in a real browser (issue 12, points 5 and 9).

The sector has no default: a filing without one is refused, naming the field. A credit code
with a wrong check digit is refused without telling the right digit. The place is picked as a
subdistrict (街道), at registration and later on the company form, and the company takes that
subdistrict's centroid. Run in English on a phone and in Chinese on a laptop.
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from market.accounts.credit_code import ALPHABET
from market.accounts.models import Organization
from market.extensions import db
from market.places.places import place
from tests.conftest import make_credit_code

from .helpers import LAPTOP, LOCALES, PASSWORD, PHONE, Ui, expect_flash, set_width

pytestmark = pytest.mark.browser

FIRST_PLACE, SECOND_PLACE = "370202008", "370202009"  # 香港中路街道, 金门路街道


def company_named(name: str) -> Organization:
    """The company called `name`, as the server committed it."""
    db.session.commit()
    try:
        return db.session.execute(
            sa.select(Organization).where(Organization.name == name)
            .execution_options(populate_existing=True)
        ).scalar_one()
    finally:
        db.session.commit()


@pytest.mark.parametrize(("locale", "width"), [("en", PHONE), ("zh", LAPTOP)],
                         ids=["en-phone", "zh-laptop"])
def test_register_refuses_no_sector_and_a_wrong_check_digit_then_picks_places(
        new_page, catalog, locale, width):
    ui = Ui(locale)
    page = new_page(LOCALES[locale])
    set_width(page, width)
    right = make_credit_code(611)
    wrong = right[:17] + next(c for c in ALPHABET if c != right[17] and c.isdigit())
    name = f"Harbour Gloves {locale}"

    page.goto("/register")
    form = page.locator("#register-form")
    expect(form.locator("#sector")).to_have_value("")  # no sector preselected
    form.locator("#email").fill(f"gloves-{locale}@example.com")
    form.locator("#password").fill(PASSWORD)
    form.locator("#name").fill(name)
    form.locator("#credit_code").fill(wrong)
    form.locator("#roles").select_option("buyer")
    form.locator("#headcount").fill("12")
    form.locator("#address").fill("1 Harbour Road")
    form.locator("#subdistrict").select_option(FIRST_PLACE)
    form.locator("#phone").fill("13800138000")
    page.locator("#register-submit").click()

    sector_error = page.locator("#sector-error")
    expect(sector_error).to_have_text(ui.t("Choose the company's sector."))
    expect(page.locator("#sector")).to_have_attribute("aria-invalid", "true")
    code_error = page.locator("#credit_code-error")
    expect(code_error).to_contain_text(wrong)
    message = code_error.inner_text()
    assert right not in message
    # the right check digit appears nowhere but inside the code as typed
    assert not re.search(rf"(?<![0-9A-Z]){right[17]}(?![0-9A-Z])", message.replace(wrong, "")), \
        message
    expect(page.locator("#current-user")).to_have_count(0)  # nothing filed
    expect(form.locator("#name")).to_have_value(name)  # what was typed stays

    form.locator("#sector").select_option("elder_care")
    form.locator("#credit_code").fill(right)
    form.locator("#password").fill(PASSWORD)  # a password field is never sent back
    page.locator("#register-submit").click()
    expect_flash(page, ui.t("Your company is filed. A coordinator will verify it soon."))
    first = place(FIRST_PLACE)
    org = company_named(name)
    assert (org.sector, org.credit_code, org.subdistrict) == ("elder_care", right, FIRST_PLACE)
    assert (org.latitude, org.longitude) == pytest.approx((first.lat, first.lon))

    # The company form offers the same picker: another subdistrict moves the company there.
    page.goto("/company")
    picker = page.locator("#company-form #subdistrict")
    expect(picker).to_have_value(FIRST_PLACE)
    second = place(SECOND_PLACE)
    expect(picker.locator(f"option[value='{SECOND_PLACE}']")).to_have_text(
        re.compile(re.escape(second.name_zh if locale == "zh" else second.name_en)))
    picker.select_option(SECOND_PLACE)
    page.locator("#company-submit").click()
    expect_flash(page, ui.t("Company data saved."))
    expect(page.locator("#company-form #subdistrict")).to_have_value(SECOND_PLACE)
    org = company_named(name)
    assert org.subdistrict == SECOND_PLACE
    assert (org.latitude, org.longitude) == pytest.approx((second.lat, second.lon))
