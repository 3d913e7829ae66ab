"""The matching engine: exact, fair, explainable allocations and gift packs.

Pure Python on numpy and scipy (OR-Tools is used when installed). It knows
nothing of Flask, SQL or HTTP: frozen dataclasses in, frozen dataclasses out.
"""

from solver.allocate import allocate
from solver.giftpacks import GiftPackResult, GiftPackStats, assign_gift_packs
from solver.model import Applicant, Flow, Lot, Need, Pack, PackTemplate, Policy
from solver.reasons import REASONS
from solver.result import AllocationResult
from solver.stats import AllocationStats

__all__ = [
    "REASONS",
    "AllocationResult",
    "AllocationStats",
    "Applicant",
    "Flow",
    "GiftPackResult",
    "GiftPackStats",
    "Lot",
    "Need",
    "Pack",
    "PackTemplate",
    "Policy",
    "allocate",
    "assign_gift_packs",
]
