"""Reasons as a company may read them: its own lots and needs, others only as aggregates.

A run stores each need's reasons (`reason_text`), and every line of that need carries them:
the need, each lot serving it (lot id, units, price, distance), its fill rate and why part
of it stays unmet. Coordinators read them all. A company must never read a competitor's
prices, stock or identity (PRODUCT.md, "Access"), so for a company the stored parts are
rewritten here, in the market layer; the solver's numbers are never changed:

* the line's own lot is shown as stored (the company is its supplier, or its buyer, which
  sees that lot, its price and distance on the line anyway); every other lot serving the
  need becomes one sentence counting them ("Other lots serving this need: 2."), with their
  units added up for the need's buyer only;
* the buyer reads its own need, its fill rate and the unmet reasons, whose figures are
  anonymous totals, except the cheapest price and nearest distance of lots that are not
  its own, which are left out;
* the supplier reads the need only as its item and priority tier (no company, no
  quantity), and nothing of its fill rate or unmet reasons: those are the buyer's;
* anything else (plain-text reasons of old runs, templates unknown here) is left out,
  since it may name anybody.
"""

from __future__ import annotations

from typing import Any

from market.common.web import current_actor
from market.matching.reason_text import Reason, Reasons, reason_texts
from solver import explain
from solver import sentences as s


def N_(template: str) -> str:  # noqa: N802 - the gettext_noop name pybabel looks for
    """Mark a template for the message catalogue; return it unchanged."""
    return template


NEED_FOR_SUPPLIER = N_("Need %(need)s: %(item)s for a company of priority tier %(tier)s.")
OTHER_LOTS_FOR_BUYER = N_("Other lots serving this need: %(lots)s, with %(units)s units.")
OTHER_LOTS_FOR_SUPPLIER = N_("Other lots serving this need: %(lots)s.")
UNMET_PRICE_CAP = N_(
    "%(unmet)s units unmet (%(code)s): every lot of %(items)s costs more than the price cap of "
    "%(cap)s.")
UNMET_PRICE_CAP_NEAREST = N_(
    "%(unmet)s units unmet (%(code)s): every lot of %(items)s among the %(nearest)s nearest lots "
    "of each item costs more than the price cap of %(cap)s.")
UNMET_DISTANCE = N_(
    "%(unmet)s units unmet (%(code)s): every lot of %(items)s within the price cap is beyond the "
    "maximum distance of %(limit)s km.")
UNMET_DISTANCE_NEAREST = N_(
    "%(unmet)s units unmet (%(code)s): every lot of %(items)s within the price cap among the "
    "%(nearest)s nearest lots of each item is beyond the maximum distance of %(limit)s km.")

TEMPLATES = (NEED_FOR_SUPPLIER, OTHER_LOTS_FOR_BUYER, OTHER_LOTS_FOR_SUPPLIER, UNMET_PRICE_CAP,
             UNMET_PRICE_CAP_NEAREST, UNMET_DISTANCE, UNMET_DISTANCE_NEAREST)

FLOWS = frozenset((s.FLOW, s.FLOW_PINNED, s.FLOW_SUBSTITUTE, s.FLOW_SUBSTITUTE_PINNED))
# Sentences about the buyer's own need whose figures are totals over anonymous lots.
BUYER_AS_STORED = frozenset((
    s.FILLED, s.UNMET_NO_LOT, s.UNMET_EXCLUDED, s.UNMET_EXCLUDED_NEAREST, s.UNMET_CAP,
    s.UNMET_HIGHER_TIER, s.UNMET_SHARED, s.UNMET_OWN, s.UNMET_PINNED, *s.UNMET_RULE.values(),
    explain.GENERIC_RULE,
))
# Sentences naming one lot's price or distance: shown to the buyer without that figure.
BUYER_WITHOUT = {
    s.UNMET_PRICE_CAP: (UNMET_PRICE_CAP, "cheapest"),
    s.UNMET_PRICE_CAP_NEAREST: (UNMET_PRICE_CAP_NEAREST, "cheapest"),
    s.UNMET_DISTANCE: (UNMET_DISTANCE, "closest"),
    s.UNMET_DISTANCE_NEAREST: (UNMET_DISTANCE_NEAREST, "closest"),
}


def _lot_id(value: Any) -> int | None:
    """A lot id as the sentences store it (`repr` of the id) back as an int."""
    try:
        return int(str(value).strip("'\""))
    except ValueError:
        return None


def reasons_for(viewer: Any, allocation: Any) -> list[Reason]:
    """Return the allocation's stored reasons as `viewer` may read them (module docstring).

    Coordinators (and calls without a viewer, such as the command line) get them as
    stored; a company that is neither party gets none.
    """
    reasons = list(allocation.reasons or ())
    if viewer is None or viewer.is_coordinator:
        return reasons
    org_id = viewer.organization_id
    if org_id is None or org_id not in (allocation.buyer_id, allocation.supplier_id):
        return []
    is_buyer = allocation.buyer_id == org_id
    shown: list[Reason] = []
    others, other_units, after_flows = 0, 0, None
    for reason in reasons:
        if not isinstance(reason, dict):
            continue  # plain text of an old run: it may name anybody
        msg, args = reason.get("msg"), reason.get("args") or {}
        if msg in FLOWS:
            if _lot_id(args.get("lot")) == allocation.lot_id:
                shown.append(reason)
            else:
                others += 1
                other_units += int(args.get("units") or 0)
            after_flows = len(shown)
        elif msg == s.NEED:
            shown.append(reason if is_buyer else {"msg": NEED_FOR_SUPPLIER, "args": {
                "need": args.get("need"), "item": args.get("item"), "tier": args.get("tier")}})
        elif is_buyer and msg in BUYER_AS_STORED:
            shown.append(reason)
        elif is_buyer and msg in BUYER_WITHOUT:
            template, secret = BUYER_WITHOUT[msg]
            shown.append({"msg": template,
                          "args": {k: v for k, v in args.items() if k != secret}})
    if others:
        summary: Reason = (
            {"msg": OTHER_LOTS_FOR_BUYER, "args": {"lots": others, "units": other_units}}
            if is_buyer else {"msg": OTHER_LOTS_FOR_SUPPLIER, "args": {"lots": others}}
        )
        shown.insert(len(shown) if after_flows is None else after_flows, summary)
    return shown


def visible_reason_texts(viewer: Any, allocation: Any) -> list[str]:
    """Return the sentences of `reasons_for(viewer, allocation)` in the current language."""
    return reason_texts(reasons_for(viewer, allocation))


class ViewerReasons(Reasons):
    """An allocation's reasons in the API, as the calling user may read them."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> list[str]:
        return visible_reason_texts(current_actor(), obj)
