"""How a person reads times, numbers and money: one clock and one number format for every page.

Every time a person sees is in the district's TIMEZONE with one format; numbers carry the
locale's thousands separators; money carries the yuan sign. Pages use these as Jinja filters
(`local_time`, `local_date`, `number`, `money`); CSV exports, notifications and the daily report
call the functions.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.numbers import format_decimal
from flask import Flask, current_app, has_request_context
from flask_babel import get_locale

TIME_FORMAT = "%Y-%m-%d %H:%M"
DATE_FORMAT = "%Y-%m-%d"


def district_zone() -> ZoneInfo:
    """The district's time zone (the TIMEZONE setting)."""
    return ZoneInfo(current_app.config.get("TIMEZONE") or "UTC")


def district_now() -> datetime:
    """The current time in the district."""
    return datetime.now(district_zone())


def district_today() -> date:
    """Today's date in the district: needed-by dates and daily figures are local."""
    return district_now().date()


def local_time(value: datetime | None) -> str:
    """A stored UTC time as the district's wall-clock time, `YYYY-MM-DD HH:MM`."""
    if value is None:
        return ""
    if value.tzinfo is None:  # SQLite hands back naive UTC
        value = value.replace(tzinfo=UTC)
    return value.astimezone(district_zone()).strftime(TIME_FORMAT)


def local_date(value: datetime | date | None) -> str:
    """A date (or a stored UTC time's district date) as `YYYY-MM-DD`."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(district_zone()).date()
    return value.strftime(DATE_FORMAT)


def _locale() -> str:
    return str(get_locale()) if has_request_context() else "en"


def number(value: int | float | Decimal | None, digits: int = 0) -> str:
    """A count or quantity with the reader's thousands separators (1,234,567)."""
    if value is None:
        return ""
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=_locale())


def money(value: Decimal | float | str | None) -> str:
    """An amount in yuan with the sign and two decimals (¥1,234.50)."""
    if value is None:
        return ""
    # The district pays in yuan; "¥" reads the same in both languages (babel's en says "CN¥").
    return "¥" + format_decimal(Decimal(str(value)), format="#,##0.00", locale=_locale())


def init_app(app: Flask) -> None:
    """Register the filters every template uses for times, numbers and money."""
    app.add_template_filter(local_time, "local_time")
    app.add_template_filter(local_date, "local_date")
    app.add_template_filter(number, "number")
    app.add_template_filter(money, "money")
