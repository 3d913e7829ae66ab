"""The dashboard's tables as CSV: each chart's figures, downloadable with a header row."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _

from market.accounts.access import require_coordinator
from market.accounts.models import User
from market.common.csv_export import csv_text
from market.common.display import local_date, local_time
from market.common.errors import NotFound
from market.reports import services

ITEM_COLUMNS = ("item", "name", "unit", "supply", "demand", "allocated", "shipped", "received",
                "unmet", "fill_rate")
TIER_COLUMNS = ("tier", "demand", "allocated", "fill_rate")
RUN_COLUMNS = ("id", "started_at", "finished_at", "trigger", "status", "dry_run", "fill_rate",
               "lowest_fill_rate", "gini", "units", "cost", "proposals", "solve_seconds")


def _items() -> tuple[tuple[str, ...], list[dict[str, Any]]]:
    return ITEM_COLUMNS, services.item_totals()


def _tiers() -> tuple[tuple[str, ...], list[dict[str, Any]]]:
    return TIER_COLUMNS, services.tier_totals()


def _unmet_reasons() -> tuple[tuple[str, ...], list[dict[str, Any]]]:
    return ("reason", "units"), services.unmet_by_reason()["reasons"]


def _unmet_items() -> tuple[tuple[str, ...], list[dict[str, Any]]]:
    return ("item", "unmet"), services.item_totals()


def _runs(actor: User) -> Callable[[], tuple[tuple[str, ...], list[dict[str, Any]]]]:
    return lambda: (RUN_COLUMNS, services.run_history(actor))


def table_names() -> tuple[str, ...]:
    """The names under which tables can be downloaded (`/reports/table/<name>.csv`)."""
    return ("items", "tiers", "unmet-reasons", "unmet-items", "runs")


def _cell(value: Any) -> Any:
    """A CSV cell: times on the district's clock (formula starts are defused by the CSV writer)."""
    if isinstance(value, datetime):
        return local_time(value)
    if isinstance(value, date):
        return local_date(value)
    return value


def table_rows(actor: User | None, name: str) -> tuple[tuple[str, ...], list[list[Any]]]:
    """One dashboard table's header and rows; unknown name → 404."""
    actor = require_coordinator(actor)
    builders = {
        "items": _items,
        "tiers": _tiers,
        "unmet-reasons": _unmet_reasons,
        "unmet-items": _unmet_items,
        "runs": _runs(actor),
    }
    if name not in builders:
        raise NotFound(_("No table named %(name)s.", name=repr(name)))
    columns, rows = builders[name]()
    return columns, [[_cell(row.get(column)) for column in columns] for row in rows]


def table_csv(actor: User | None, name: str) -> str:
    """One dashboard table as CSV text (UTF-8 BOM, header row, formula-safe cells)."""
    return csv_text(*table_rows(actor, name))
