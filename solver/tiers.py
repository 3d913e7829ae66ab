"""Priority tiers: 1 is served first (medical, epidemic control), 4 last (offices, other).

Every count, check and form that goes through the tiers uses these names, so the tier
scale is written down once.
"""

from __future__ import annotations

TIERS: tuple[int, ...] = (1, 2, 3, 4)
HIGHEST_TIER = TIERS[0]
LOWEST_TIER = TIERS[-1]


def is_tier(value: int) -> bool:
    """Return whether `value` is one of the priority tiers."""
    return HIGHEST_TIER <= value <= LOWEST_TIER
