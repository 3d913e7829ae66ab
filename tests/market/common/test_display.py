"""One clock and one number format: district time, thousands separators, yuan."""

from datetime import UTC, date, datetime
from decimal import Decimal

from market.common import display


def test_local_time_is_district_time(app):
    app.config["TIMEZONE"] = "Asia/Shanghai"
    moment = datetime(2026, 3, 1, 18, 39, tzinfo=UTC)
    assert display.local_time(moment) == "2026-03-02 02:39"
    assert display.local_time(moment.replace(tzinfo=None)) == "2026-03-02 02:39"
    assert display.local_date(moment) == "2026-03-02"
    assert display.local_date(date(2026, 3, 1)) == "2026-03-01"
    assert display.local_time(None) == ""


def test_numbers_and_money(app):
    with app.test_request_context("/"):
        assert display.number(1234567) == "1,234,567"
        assert display.number(1234.5, digits=1) == "1,234.5"
        assert display.money(Decimal("1234.5")) == "¥1,234.50"
        assert display.money("0") == "¥0.00"
        assert display.money(None) == ""


def test_filters_render_in_templates(app):
    with app.test_request_context("/"):
        rendered = app.jinja_env.from_string(
            "{{ 1500|number }} {{ 2.5|money }} {{ t|local_time }}"
        ).render(t=datetime(2026, 1, 1, 0, 0, tzinfo=UTC))
    assert rendered == "1,500 ¥2.50 2026-01-01 08:00"
