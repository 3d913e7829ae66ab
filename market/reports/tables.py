"""The dashboard's tables as CSV: each chart's figures, downloadable with a header row."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

from market.accounts.access import require_coordinator
from market.accounts.models import User
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
    """A CSV cell: times in ISO 8601, nothing as empty, formula starts defused."""
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value  # a spreadsheet must not run a cell as a formula
    return value


def table_csv(actor: User | None, name: str) -> str:
    """One dashboard table as CSV text with a header row; unknown name → 404."""
    actor = require_coordinator(actor)
    builders = {
        "items": _items,
        "tiers": _tiers,
        "unmet-reasons": _unmet_reasons,
        "unmet-items": _unmet_items,
        "runs": _runs(actor),
    }
    if name not in builders:
        raise NotFound(f"No table named {name!r}.")
    columns, rows = builders[name]()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(column)) for column in columns])
    return out.getvalue()
