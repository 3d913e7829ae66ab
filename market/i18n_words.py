"""Words that templates translate from variables, listed so pybabel extracts them.

Templates show stored codes through gettext, e.g. the ``status`` macro in
``templates/_macros.html`` does ``_(s.replace('_', ' '))`` and the lists do
``_(lot.kind)``, ``_(run.trigger)``, ``_(item.unit)``, ``_(item.category)`` and
``_(reason.replace('_', ' '))``. pybabel only extracts string literals, so
without this module none of these words would reach ``messages.pot``.

Nothing imports this module at run time; keep it in step with the code tuples
(``*_STATUSES``, ``LOT_KINDS``, ``RUN_TRIGGERS``, ``USER_ROLES`` in the models,
the units and categories of ``catalog/seed.py``, ``solver.reasons.REASONS``).
Codes containing ``_`` are listed as shown, with the underscore replaced by a
space (``partially_allocated`` -> "partially allocated"). Sector labels live in
``accounts/forms.py`` (``SECTOR_LABELS``) and are not repeated here.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

# Statuses of organisations, needs, lots, allocations, gift packs and
# applications, and matching runs (badges, filters, delivery notes).
STATUS_WORDS = (
    # accounts.models.ORG_STATUSES
    _l("pending"),
    _l("verified"),
    _l("rejected"),
    _l("suspended"),
    # needs.models.NEED_STATUSES
    _l("open"),
    _l("partially allocated"),
    _l("allocated"),
    _l("fulfilled"),
    _l("cancelled"),
    _l("expired"),
    # lots.models.LOT_STATUSES
    _l("active"),
    _l("paused"),
    _l("withdrawn"),
    _l("exhausted"),
    # matching.models.ALLOCATION_STATUSES, giftpacks.models.PACK_STATUSES
    _l("proposed"),
    _l("approved"),
    _l("superseded"),
    _l("shipped"),
    _l("received"),
    _l("disputed"),
    # giftpacks.models.APPLICATION_STATUSES
    _l("waiting"),
    _l("assigned"),
    # matching.models.RUN_STATUSES
    _l("queued"),
    _l("running"),
    _l("completed"),
    _l("failed"),
)

# lots.models.LOT_KINDS
LOT_KIND_WORDS = (_l("sale"), _l("donation"))

# matching.models.RUN_TRIGGERS
RUN_TRIGGER_WORDS = (_l("manual"), _l("schedule"))

# Units and categories of the standard catalogue (catalog/seed.py).
UNIT_WORDS = (_l("piece"), _l("pair"), _l("litre"))
CATEGORY_WORDS = (_l("mask"), _l("disinfectant"), _l("gloves"), _l("equipment"))

# accounts.models.USER_ROLES and the organisation roles.
ROLE_WORDS = (
    _l("company"),
    _l("coordinator"),
    _l("admin"),
    _l("supplier"),
    _l("buyer"),
)

# solver.reasons.REASONS (plus "unmet" when the solver gives no code), shown on
# the dashboard and run pages as _(reason.replace('_', ' ')).
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
