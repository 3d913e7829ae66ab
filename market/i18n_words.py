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

# marshmallow's and webargs' own messages; market.i18n translates them when a value fails,
# so an API client reads them in its Accept-Language.
LIBRARY_MESSAGES = (
    _l("Missing data for required field."),
    _l("Field may not be null."),
    _l("Invalid value."),
    _l("Not a valid string."),
    _l("Not a valid utf-8 string."),
    _l("Not a valid number."),
    _l("Number too large."),
    _l("Not a valid integer."),
    _l("Special numeric values (nan or infinity) are not permitted."),
    _l("Not a valid boolean."),
    _l("Not a valid {obj_type}."),
    _l("Not a valid list."),
    _l("Not a valid tuple."),
    _l("Not a valid mapping type."),
    _l("Not a valid email address."),
    _l("Not a valid URL."),
    _l("Not a valid UUID."),
    _l("Unknown field."),
    _l("Invalid input type."),
    _l("Must be one of: {choices}."),
    _l("Shorter than minimum length {min}."),
    _l("Longer than maximum length {max}."),
    _l("Length must be between {min} and {max}."),
    _l("Length must be {equal}."),
    _l("Must be greater than or equal to {min}."),
    _l("Must be less than or equal to {max}."),
    _l("Must be greater than or equal to {min} and less than or equal to {max}."),
    _l("Invalid JSON body."),
)
