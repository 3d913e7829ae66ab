"""Weights that stack the three objective levels into one integer cost.

A flow is optimal for a linear cost exactly when its residual network has no
negative cycle, and any improving direction splits into simple residual
cycles. So the stacked cost gives the lexicographic optimum as soon as, on
every simple cycle, one unit of a higher level outweighs the largest change
the lower levels can make along that cycle. Bounds per simple cycle (it
visits every node at most once):

* cost: each lot (and each need) has at most one forward and one backward
  lot->need arc on the cycle, and costs are >= 0, so
  ``|d cost| <= min(lots, needs) * max_cost``;
* fairness worth: forward segment arcs end in distinct sink/cap nodes, so
  ``|d worth| <= K * min(needs, caps + 1)``;
* units per tier: the sink gives at most one +1 and one -1; a cap node can
  move a unit between two needs of its group, which changes tier totals only
  when the group mixes tiers, so ``|d units_t| <= 1 + mixed_groups``.

Then F = C + 1 and T_t = M * sum(T_s for s > t) + F * W + C + 1 work, where
C, W, M are the three bounds above.
"""

from __future__ import annotations

from dataclasses import dataclass

INT64_MAX = 2**63 - 1
# OR-Tools multiplies costs by (nodes + 1) and refuses |cost| above
# INT64_MAX / (2 * (nodes + 1)); we keep a further factor of 8 in hand so node
# potentials have room too (OR-Tools still reports BAD_COST_RANGE if not).
SAFETY_FACTOR = 8


@dataclass(frozen=True)
class Weights:
    """Integer worth of one unit served per tier, and of one unit of fairness worth."""

    tier: tuple[int, int, int, int]
    fairness: int

    def largest_arc_cost(self, steps: int, max_cost: int) -> int:
        """Return the largest |unit cost| on any arc of the stacked network."""
        return max(self.tier[0] + self.fairness * steps, max_cost)


def stacked_weights(
    lots: int, needs: int, max_cost: int, steps: int, groups: int, mixed_groups: int
) -> Weights:
    """Return weights bounded by the instance so that the stacked optimum is lexicographic."""
    cost_swing = min(lots, needs) * max_cost
    worth_swing = steps * min(needs, groups + 1)
    tier_swing = 1 + mixed_groups
    fairness = cost_swing + 1
    lower = fairness * worth_swing + cost_swing
    tiers = [0, 0, 0, 0]
    for t in (3, 2, 1, 0):
        tiers[t] = tier_swing * sum(tiers[t + 1 :]) + lower + 1
    return Weights(tier=(tiers[0], tiers[1], tiers[2], tiers[3]), fairness=fairness)


def fits_int64(weights: Weights, steps: int, max_cost: int, nodes: int) -> bool:
    """Tell whether the stacked costs are safe for OR-Tools' int64 cost scaling."""
    largest = weights.largest_arc_cost(steps, max_cost)
    return largest * 2 * (nodes + 1) * SAFETY_FACTOR <= INT64_MAX
