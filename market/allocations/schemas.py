"""Marshmallow schemas of the allocation API: filters, decisions, receipts and the line itself."""

from __future__ import annotations

import marshmallow as ma
from flask_babel import gettext as _

from market.common.schemas import Money, OrgRefSchema, Quantity, tier_range
from market.i18n import N_
from market.matching.models import AllocationStatus
from market.matching.reason_view import ViewerReasons

NOTE_LENGTH = ma.validate.Length(max=500, error=N_("must be at most {max} characters"))


def _not_blank(value: str) -> None:
    if not value.strip():
        raise ma.ValidationError(_("must not be blank"))


class AllocationFilterArgsSchema(ma.Schema):
    """Filters of API.md: `run_id`, `status`, `lot_id`, `need_id`, plus item, tier and parties."""

    class Meta:
        unknown = ma.EXCLUDE

    run_id = ma.fields.Integer()
    status = ma.fields.String(
        validate=ma.validate.OneOf(
            tuple(AllocationStatus), error=N_("must be one of {choices}, got {input}")
        )
    )
    lot_id = ma.fields.Integer()
    need_id = ma.fields.Integer()
    item = ma.fields.String(validate=ma.validate.Length(max=60))
    tier = ma.fields.Integer(
        validate=tier_range()
    )
    supplier_id = ma.fields.Integer()
    buyer_id = ma.fields.Integer()



class AllocationSchema(ma.Schema):
    """One allocation line as API.md lists it."""

    id = ma.fields.Integer()
    run_id = ma.fields.Integer()
    lot_id = ma.fields.Integer()
    need_id = ma.fields.Integer()
    item = ma.fields.Function(lambda a: a.item.sku)
    supplier = ma.fields.Nested(OrgRefSchema)
    buyer = ma.fields.Nested(OrgRefSchema)
    quantity = ma.fields.Integer()
    received_quantity = ma.fields.Integer(allow_none=True)
    unit_price = Money(allow_none=True)
    distance_km = ma.fields.Float()
    tier = ma.fields.Integer()
    fill_rate = ma.fields.Float()
    status = ma.fields.String()
    reasons = ViewerReasons(
        metadata={"description": "why: a company reads only its own lots and needs, others "
                                 "as anonymous totals; coordinators read everything"}
    )
    decision_note = ma.fields.String(allow_none=True)
    receipt_note = ma.fields.String(allow_none=True)
    decided_at = ma.fields.AwareDateTime(allow_none=True)
    shipped_at = ma.fields.AwareDateTime(allow_none=True)
    received_at = ma.fields.AwareDateTime(allow_none=True)
    created_at = ma.fields.AwareDateTime()


class AllocationApproveSchema(ma.Schema):
    """`{quantity?}`: approve as proposed, or a lower quantity."""

    class Meta:
        unknown = ma.RAISE

    quantity = Quantity()


class AllocationRejectSchema(ma.Schema):
    """`{reason}`: why the proposal is rejected."""

    class Meta:
        unknown = ma.RAISE

    reason = ma.fields.String(required=True, validate=[_not_blank, NOTE_LENGTH])


class AllocationBulkApproveSchema(ma.Schema):
    """`{ids: [...]}`: the lines to approve, each on its own."""

    class Meta:
        unknown = ma.RAISE

    ids = ma.fields.List(
        ma.fields.Integer(strict=True),
        required=True,
        validate=ma.validate.Length(min=1, max=500, error=N_("give 1 to 500 ids")),
    )


class AllocationBulkResultSchema(ma.Schema):
    """`{approved: [ids], failed: [{id, message}]}`."""

    approved = ma.fields.List(ma.fields.Integer())
    failed = ma.fields.List(ma.fields.Dict())


class AllocationReceiveSchema(ma.Schema):
    """`{quantity?, note?}`: fewer units than shipped makes the line `disputed`."""

    class Meta:
        unknown = ma.RAISE

    quantity = Quantity(minimum=0)
    note = ma.fields.String(validate=NOTE_LENGTH)


class AllocationCancelSchema(ma.Schema):
    """`{reason?}`: why an approved line is cancelled."""

    class Meta:
        unknown = ma.RAISE

    reason = ma.fields.String(validate=NOTE_LENGTH)


class AllocationSelectionSchema(ma.Schema):
    """The set a bulk approval acts on: one run (the latest by default), narrowed by filters.

    Only lines still `proposed` are ever approved: rejected lines and lines approved with
    a lower quantity are kept as they are.
    """

    class Meta:
        unknown = ma.RAISE

    run_id = ma.fields.Integer(
        metadata={"description": "the run; the latest completed run when left out"}
    )
    lot_id = ma.fields.Integer()
    need_id = ma.fields.Integer()
    item = ma.fields.String(validate=ma.validate.Length(max=60), metadata={"description": "SKU"})
    tier = ma.fields.Integer(
        validate=tier_range()
    )
    supplier_id = ma.fields.Integer()
    buyer_id = ma.fields.Integer()
    supplier = ma.fields.String(validate=ma.validate.Length(max=200),
                                metadata={"description": "part of the supplier's name"})
    buyer = ma.fields.String(validate=ma.validate.Length(max=200),
                             metadata={"description": "part of the buyer's name"})


class AllocationSelectionQuerySchema(AllocationSelectionSchema):
    """The same selection read from the query string."""

    class Meta:
        unknown = ma.EXCLUDE


class ApprovalTotalsSchema(ma.Schema):
    """What approving the selection would approve: `{run_id, lines, units, buyers, value}`."""

    run_id = ma.fields.Integer(allow_none=True)
    lines = ma.fields.Integer()
    units = ma.fields.Integer()
    buyers = ma.fields.Integer()
    value = Money()


class FilteredApprovalSchema(AllocationSelectionSchema):
    """`POST /allocations/approve-filtered`: the selection, and the lines the caller confirmed."""

    expected = ma.fields.Integer(
        validate=ma.validate.Range(min=0, error=N_("must be 0 or more, got {input}")),
        metadata={"description": "the `lines` of approval-totals the caller confirmed; when "
                                 "the selection holds another number now: 409, nothing queued"},
    )


class ApprovalJobSchema(ma.Schema):
    """A bulk approval job: its selection, progress (`lines_done` of `total_lines`) and outcome.

    `refusals` lists the first 100 lines the stock or the needs no longer covered, each
    `{id, message}`; they stay proposed. `refused` counts them all.
    """

    id = ma.fields.Integer()
    status = ma.fields.String(metadata={"description": "queued, running, completed or failed"})
    run_id = ma.fields.Integer()
    filters = ma.fields.Dict()
    requested_by_id = ma.fields.Integer()
    confirmed_lines = ma.fields.Integer()
    confirmed_units = ma.fields.Integer()
    total_lines = ma.fields.Integer(allow_none=True)
    lines_done = ma.fields.Integer()
    approved = ma.fields.Integer()
    units = ma.fields.Integer()
    refused = ma.fields.Integer()
    refusals = ma.fields.List(ma.fields.Dict())
    created_at = ma.fields.AwareDateTime()
    started_at = ma.fields.AwareDateTime(allow_none=True)
    finished_at = ma.fields.AwareDateTime(allow_none=True)
    error = ma.fields.String(allow_none=True)
