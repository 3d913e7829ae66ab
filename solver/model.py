"""The plain, frozen records the solver takes and returns.

They carry no behaviour and do no checking: `allocate` and
`assign_gift_packs` validate them, so that a bad record is reported with the
name of its field instead of failing half-way through a construction.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Lot:
    """A quantity of one item offered at one place, at one unit price."""

    id: Hashable
    item: str
    quantity: int
    unit_price: float
    lat: float
    lon: float


@dataclass(frozen=True)
class Need:
    """A company's demand for an item, with its priority tier and delivery place."""

    id: Hashable
    company: Hashable
    item: str
    quantity: int
    tier: int
    lat: float
    lon: float
    substitutes: frozenset[str] = frozenset()
    max_unit_price: float | None = None


@dataclass(frozen=True)
class Flow:
    """Units sent from one lot to one need."""

    lot_id: Hashable
    need_id: Hashable
    quantity: int


@dataclass(frozen=True)
class Policy:
    """The knobs of a matching run; the defaults give the exact full model."""

    transport_cost_per_unit_km: float = 0.01
    max_distance_km: float | None = None
    fairness_steps: int = 10
    nearest: int | None = None
    caps: Mapping[tuple[Hashable, str], int] = field(default_factory=dict)
    pinned: Sequence[Flow] = ()
    excluded: frozenset[tuple[Hashable, Hashable]] = frozenset()


@dataclass(frozen=True)
class PackTemplate:
    """A gift pack: how many units of each item one pack holds."""

    id: Hashable
    contents: Mapping[str, int]


@dataclass(frozen=True)
class Applicant:
    """A company applying for a gift pack."""

    id: Hashable
    company: Hashable
    tier: int
    headcount: int
    shortage: int
    waiting_days: float
    lat: float
    lon: float


@dataclass(frozen=True)
class Pack:
    """One gift pack given to one applicant, with the donated lots that fill it."""

    template_id: Hashable
    applicant_id: Hashable
    components: tuple[tuple[Hashable, str, int], ...]


DEFAULT_POLICY = Policy()
