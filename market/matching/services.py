"""The matching area's services, in one place for the API, the pages and other areas."""

from market.matching.constraints import (
    delete_quota,
    exclude_line,
    list_constraints,
    list_quotas,
    pin_line,
    remove_constraint,
    set_quota,
)
from market.matching.runs import get_run, list_runs, start_run, summary

__all__ = [
    "delete_quota",
    "exclude_line",
    "get_run",
    "list_constraints",
    "list_quotas",
    "list_runs",
    "pin_line",
    "remove_constraint",
    "set_quota",
    "start_run",
    "summary",
]
