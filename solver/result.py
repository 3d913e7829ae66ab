"""The answer of `allocate` (and of the baseline strategies)."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from time import perf_counter

from solver.explain import Part, explain_need, explain_needs, reason_parts
from solver.model import Flow
from solver.outcome import Outcome
from solver.reasons import REASONS, Diagnostics
from solver.stats import AllocationStats, RunInfo, compute_stats


@dataclass(frozen=True)
class AllocationResult:
    """Flows, unmet units per need (every need, 0 when fully served) and figures."""

    flows: tuple[Flow, ...]
    unmet: Mapping[Hashable, int]
    stats: AllocationStats
    diagnostics: Diagnostics = field(repr=False, compare=False)

    def _index(self, need_id: Hashable) -> int:
        try:
            return self.diagnostics.inst.need_pos[need_id]
        except KeyError:
            raise KeyError(f"unknown need {need_id!r}") from None

    def explain(self, need_id: Hashable) -> list[str]:
        """Return plain reasons for what the need got: lots used, fill rate, why short."""
        return explain_need(self.diagnostics, self._index(need_id))

    def explain_many(self, need_ids: Iterable[Hashable]) -> dict[Hashable, list[str]]:
        """Return explain() of each need, by need id; much faster than one call per need."""
        ids = list(need_ids)
        texts = explain_needs(self.diagnostics, [self._index(need_id) for need_id in ids])
        return dict(zip(ids, texts, strict=True))

    def reason_parts(self, need_ids: Iterable[Hashable]) -> dict[Hashable, list[Part]]:
        """Return explain_many()'s sentences as (template, arguments), for translation.

        ``template % arguments`` is the English line; the templates are those of
        `solver.sentences`, so an application can show each line in another language.
        """
        ids = list(need_ids)
        parts = reason_parts(self.diagnostics, [self._index(need_id) for need_id in ids])
        return dict(zip(ids, parts, strict=True))

    def unmet_reason(self, need_id: Hashable) -> str:
        """Return the reason code for the need's unmet units (one of REASONS)."""
        return self.diagnostics.code(self._index(need_id))

    def unmet_by_reason(self) -> dict[str, int]:
        """Return unmet units summed per reason code (every code present, maybe 0)."""
        totals = dict.fromkeys(REASONS, 0)
        for need_id, units in self.unmet.items():
            if units:
                totals[self.unmet_reason(need_id)] += units
        return totals


def make_result(outcome: Outcome, info: RunInfo, started: float) -> AllocationResult:
    """Wrap an outcome with its figures; `started` is the perf_counter at the call."""
    inst = outcome.inst
    served = outcome.served
    unmet = dict(zip(inst.need_pos, (inst.need_qty - served).tolist(), strict=True))
    stats = compute_stats(outcome, info)
    stats = replace(stats, total_seconds=perf_counter() - started)
    return AllocationResult(flows=outcome.flows(), unmet=unmet, stats=stats,
                            diagnostics=Diagnostics(outcome))

