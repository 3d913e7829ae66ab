"""The sentences of the reasons, as templates with named arguments.

`AllocationResult.explain` fills them in English; `AllocationResult.reason_parts` gives the
templates and arguments themselves, which the web application stores and shows in the
reader's language (the same arguments in the translated template). The solver itself never
translates (it imports no web code): `N_` only marks each template, so that
`pybabel extract -k N_` puts it in the application's message catalogue.

Arguments are plain str, int or float (so they store as JSON), already formatted (numbers
rounded, ids quoted) so that a translation only places them.
"""

from __future__ import annotations


def N_(template: str) -> str:  # noqa: N802 - the usual name of gettext_noop, which pybabel seeks
    """Mark a template for the application's message catalogue; return it unchanged."""
    return template


NEED = N_(
    "Need %(need)s: %(quantity)s units of %(item)s for company %(company)s, priority tier "
    "%(tier)s.")
FLOW = N_(
    "Lot %(lot)s (%(item)s): %(units)s units at %(price)s per unit, %(km)s km away (transport "
    "%(transport)s per unit).")
FLOW_PINNED = N_(
    "Lot %(lot)s (%(item)s): %(units)s units at %(price)s per unit, %(km)s km away (transport "
    "%(transport)s per unit); %(pinned)s of them pinned by a coordinator.")
FLOW_SUBSTITUTE = N_(
    "Lot %(lot)s (%(item)s, a substitute): %(units)s units at %(price)s per unit, %(km)s km away "
    "(transport %(transport)s per unit).")
FLOW_SUBSTITUTE_PINNED = N_(
    "Lot %(lot)s (%(item)s, a substitute): %(units)s units at %(price)s per unit, %(km)s km away "
    "(transport %(transport)s per unit); %(pinned)s of them pinned by a coordinator.")
FILLED = N_(
    "Filled %(got)s of %(wanted)s units (%(rate)s); fill rates of tier %(tier)s needs range from "
    "%(low)s to %(high)s.")
UNMET_NO_LOT = N_(
    "%(unmet)s units unmet (%(code)s): no lot offers %(items)s.")
UNMET_PRICE_CAP = N_(
    "%(unmet)s units unmet (%(code)s): every lot of %(items)s costs more than the price cap of "
    "%(cap)s (cheapest %(cheapest)s).")
UNMET_PRICE_CAP_NEAREST = N_(
    "%(unmet)s units unmet (%(code)s): every lot of %(items)s among the %(nearest)s nearest lots "
    "of each item costs more than the price cap of %(cap)s (cheapest %(cheapest)s).")
UNMET_DISTANCE = N_(
    "%(unmet)s units unmet (%(code)s): every lot of %(items)s within the price cap is beyond the "
    "maximum distance of %(limit)s km (nearest %(closest)s km).")
UNMET_DISTANCE_NEAREST = N_(
    "%(unmet)s units unmet (%(code)s): every lot of %(items)s within the price cap among the "
    "%(nearest)s nearest lots of each item is beyond the maximum distance of %(limit)s km "
    "(nearest %(closest)s km).")
UNMET_EXCLUDED = N_(
    "%(unmet)s units unmet (%(code)s): every eligible lot of %(items)s was excluded from this "
    "run.")
UNMET_EXCLUDED_NEAREST = N_(
    "%(unmet)s units unmet (%(code)s): every eligible lot of %(items)s among the %(nearest)s "
    "nearest lots of each item was excluded from this run.")
UNMET_CAP = N_(
    "%(unmet)s units unmet (%(code)s): the cap of %(cap)s units of %(item)s for this company is "
    "reached.")
UNMET_HIGHER_TIER = N_(
    "%(unmet)s units unmet (%(code)s): its %(lots)s eligible lots are used up: %(higher)s of "
    "their units went to higher-tier needs and %(same)s to other tier-%(tier)s needs.")
UNMET_SHARED = N_(
    "%(unmet)s units unmet (%(code)s): its %(lots)s eligible lots are used up and shared evenly "
    "within tier %(tier)s: %(same)s of their units went to other tier-%(tier)s needs, filled step"
    " by step to even fill rates.")
UNMET_OWN = N_(
    "%(unmet)s units unmet (%(code)s): its %(lots)s eligible lots are used up, all by this need: "
    "there is no more eligible stock.")
UNMET_PINNED = N_(
    "%(unmet)s units unmet (%(code)s): its %(lots)s eligible lots are used up by flows a "
    "coordinator pinned (%(pinned)s units).")
UNMET_RULE = {
    "optimal": N_(
        "%(unmet)s units unmet (%(code)s): the optimised allocation rule left it short although "
        "eligible stock was unused or went to lower tiers (%(lower)s units)."),
    "fcfs": N_(
        "%(unmet)s units unmet (%(code)s): the first come, first served rule left it short "
        "although eligible stock was unused or went to lower tiers (%(lower)s units)."),
    "proportional": N_(
        "%(unmet)s units unmet (%(code)s): the proportional shares rule left it short although "
        "eligible stock was unused or went to lower tiers (%(lower)s units)."),
}

TEMPLATES: tuple[str, ...] = (
    NEED, FLOW, FLOW_PINNED, FLOW_SUBSTITUTE, FLOW_SUBSTITUTE_PINNED, FILLED, UNMET_NO_LOT,
    UNMET_PRICE_CAP, UNMET_PRICE_CAP_NEAREST, UNMET_DISTANCE, UNMET_DISTANCE_NEAREST,
    UNMET_EXCLUDED, UNMET_EXCLUDED_NEAREST, UNMET_CAP, UNMET_HIGHER_TIER, UNMET_SHARED,
    UNMET_OWN, UNMET_PINNED, *UNMET_RULE.values(),
)
