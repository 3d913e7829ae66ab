"""Reasons of proposal lines: stored as template and arguments, shown in the reader's language.

The solver gives each reason as a template of `solver.sentences` and its arguments
(`AllocationResult.reason_parts`). A run stores ``{"msg": template, "args": {...}}``, and
pages, the API and the CSV export show it through the message catalogue, so a coordinator
reading Chinese reads the reasons in Chinese. Lines stored before reasons kept their
templates are plain strings and are shown as they are.

The solver names companies, lots and items by id and SKU; shown to a person, they read
as the company's name, "#3 of Supplier A" and the item's name in the reader's language.
Which reasons a company may read at all is decided before, in `reason_view`.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import SimpleNamespace
from typing import Any

import marshmallow as ma
import sqlalchemy as sa
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

Reason = str | dict[str, Any]

# solver.reasons.REASONS (plus "unmet" when the solver gives no code), shown on the dashboard
# and run pages as _(reason.replace('_', ' ')); listed so pybabel extracts the words.
REASON_WORDS = (
    _l("none"),
    _l("no stock"),
    _l("price cap"),
    _l("distance"),
    _l("excluded"),
    _l("cap"),
    _l("higher tier"),
    _l("shared"),
    _l("pinned"),
    _l("strategy"),
    _l("unmet"),
)


def reason_text(reason: Reason) -> str:
    """Return a stored reason as a sentence in the current language."""
    if not isinstance(reason, dict):
        return str(reason)
    return gettext(reason["msg"], **named_args(reason["args"]))


def _as_id(value: Any) -> int | None:
    try:
        return int(str(value).strip("'\""))
    except ValueError:
        return None


def _names() -> dict[str, dict]:
    """Company names, each lot's company and the items, read once per request.

    One statement each whatever the number of lines shown, so a page of reasons costs
    the same for ten lines as for ten thousand.
    """
    from market.i18n import per_request

    return per_request("reason_names", _read_names)


def _read_names() -> dict[str, dict]:
    from market.accounts.models import Organization
    from market.catalog.models import Item
    from market.extensions import db
    from market.lots.models import Lot

    orgs = sa.select(Organization.id, Organization.name)
    lots = sa.select(Lot.id, Lot.organization_id)
    items = sa.select(Item.sku, Item.name, Item.name_zh)
    return {
        "orgs": dict(db.session.execute(orgs).tuples().all()),
        "lots": dict(db.session.execute(lots).tuples().all()),
        "items": {sku: SimpleNamespace(name=name, name_zh=name_zh)
                  for sku, name, name_zh in db.session.execute(items)},
    }


def named_args(args: dict[str, Any]) -> dict[str, Any]:
    """A reason's arguments with companies, lots and items named as people know them."""
    from market.catalog.services import display_name

    if not any(key in args for key in ("company", "lot", "item")):
        return args
    names = _names()
    named = dict(args)
    company = names["orgs"].get(_as_id(args.get("company")))
    if company is not None:
        named["company"] = company
    lot_id = _as_id(args.get("lot"))
    supplier = names["orgs"].get(names["lots"].get(lot_id))
    if supplier is not None:
        named["lot"] = gettext("#%(id)s of %(company)s", id=lot_id, company=supplier)
    item = names["items"].get(args.get("item"))
    if item is not None:
        named["item"] = display_name(item)
    return named


def reason_texts(reasons: Iterable[Reason] | None) -> list[str]:
    """Return stored reasons as sentences in the current language."""
    return [reason_text(reason) for reason in reasons or ()]


class Reasons(ma.fields.List):
    """A line's reasons in the API: a list of sentences in the request's language."""

    def __init__(self, **kwargs: Any) -> None:
        """A dump-only list of strings."""
        super().__init__(ma.fields.String(), dump_only=True, **kwargs)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> list[str]:
        return reason_texts(value)
