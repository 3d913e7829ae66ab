"""Statuses as enums: their translated labels, the moves they allow, and their CHECK constraint.

Each lifecycle is a `Status` (a `StrEnum`, so stored values and API strings stay plain text)
declared next to its model. `describe()` attaches the labels (written with `lazy_gettext`
so pybabel extracts the words) and the allowed transitions; services call `require_move`
before changing a status, and the model declares `status_check` so the database refuses
any value the enum does not know.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext

from market.common.errors import Conflict

# Every status word of every lifecycle and its label, for pages that show a stored code.
_LABELS: dict[str, Any] = {}


class Status(StrEnum):
    """A lifecycle's status; `describe()` gives the subclass its labels and moves."""

    @property
    def label(self) -> Any:
        """The status in the reader's language (a lazy string, rendered when shown)."""
        return getattr(type(self), "__labels__")[self]  # noqa: B009 - set by describe()

    @property
    def moves(self) -> frozenset[Status]:
        """The statuses this one may become."""
        moves: dict[Status, frozenset[Status]] = getattr(type(self), "__moves__")  # noqa: B009
        return moves.get(self, frozenset())

    def can_become(self, new: str) -> bool:
        """Whether the lifecycle lets this status move to `new`."""
        return new in self.moves

    @classmethod
    def sources(cls, new: str) -> tuple[Status, ...]:
        """The statuses (in declaration order) from which `new` may be reached."""
        return tuple(s for s in cls if new in s.moves)


def describe(cls: type[Status], labels: Mapping[Status, Any],
             moves: Mapping[Status, Iterable[Status]] | None = None) -> None:
    """Attach the translated labels and the allowed transitions to a status enum.

    Every member must have a label, so a new status cannot reach a page untranslated.
    """
    missing = [s.value for s in cls if s not in labels]
    if missing:
        raise ValueError(f"{cls.__name__} has no label for {', '.join(missing)}")
    setattr(cls, "__labels__", dict(labels))  # noqa: B010 - an Enum takes no new members
    _LABELS.update({s.value: label for s, label in labels.items()})
    setattr(cls, "__moves__",  # noqa: B010
            {s: frozenset(targets) for s, targets in (moves or {}).items()})


def status_label(value: str) -> str:
    """A stored status shown in the reader's language (the `status_label` template filter).

    A word that is no lifecycle's status goes through the catalogue as it is written.
    """
    label = _LABELS.get(value)
    return str(label) if label is not None else gettext(value.replace("_", " "))


def status_check(cls: type[Status], name: str, column: str = "status") -> sa.CheckConstraint:
    """The CHECK constraint that keeps `column` among the enum's values."""
    values = ", ".join(f"'{s.value}'" for s in cls)
    return sa.CheckConstraint(f"{column} IN ({values})", name=name)


def require_move(what: Any, row_id: int, current: str, new: Status) -> None:
    """Refuse (409, translated, naming the current status) a move the lifecycle forbids.

    `what` names the row for the reader, e.g. ``_l("Allocation")``.
    """
    cls = type(new)
    if cls(current).can_become(new):
        return
    expected = cls.sources(new)
    words = {"what": str(what), "id": row_id, "current": cls(current).label,
             "expected": " / ".join(str(s.label) for s in expected), "new": new.label}
    if expected == (next(iter(cls)),):  # only the first status leads there: it was decided
        raise Conflict(gettext("%(what)s %(id)s is %(current)s, not %(expected)s any more.",
                               **words))
    raise Conflict(gettext(
        "%(what)s %(id)s is %(current)s, not %(expected)s: it cannot become %(new)s.", **words
    ))


def set_status(row: Any, what: Any, new: Status) -> bool:
    """Move a (locked) row's `status` to `new` through its lifecycle's table.

    Staying where it is changes nothing and is allowed; any other move the table forbids
    is the translated 409 of `require_move`. Returns whether the status changed.
    """
    if row.status == new:
        return False
    require_move(what, row.id, row.status, new)
    row.status = new
    return True


def may_become(column: Any, new: Status) -> Any:
    """The WHERE clause of a conditional UPDATE to `new`: rows whose status may move there.

    For bulk or claim-guarded writes (workers, outboxes) that cannot lock and check each
    row first; the UPDATE's row count tells how many rows the table let through.
    """
    return column.in_([s.value for s in type(new).sources(new)])
