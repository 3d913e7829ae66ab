"""REST endpoints of allocations: list, export, approve (one, many, a whole selection as a
background job), reject, ship, receive, cancel."""

from __future__ import annotations

from flask import url_for

from market.allocations import jobs, review, services
from market.allocations.schemas import (
    AllocationApproveSchema,
    AllocationBulkApproveSchema,
    AllocationBulkResultSchema,
    AllocationCancelSchema,
    AllocationFilterArgsSchema,
    AllocationReceiveSchema,
    AllocationRejectSchema,
    AllocationSchema,
    AllocationSelectionQuerySchema,
    ApprovalJobSchema,
    ApprovalTotalsSchema,
    FilteredApprovalSchema,
)
from market.common.api import Blueprint
from market.common.csv_export import csv_response
from market.common.pagination import api_page
from market.common.web import current_actor
from market.matching.reason_view import visible_reason_texts

# The CSV export lives at /api/v1/allocations.csv, beside /api/v1/allocations, so the
# blueprint has no prefix of its own and every path spells out "/allocations".
blp = Blueprint(
    "allocations_api",
    __name__,
    url_prefix="",
    description="Allocation lines: review, approval and fulfilment",
)

CSV_COLUMNS = (
    "id", "run_id", "lot_id", "need_id", "item", "supplier_id", "supplier", "buyer_id", "buyer",
    "quantity", "received_quantity", "unit_price", "distance_km", "tier", "fill_rate", "status",
    "reasons",
)


@blp.route("/allocations")
@blp.arguments(AllocationFilterArgsSchema, location="query")
@blp.response(200, AllocationSchema(many=True))
@blp.paginate()
def list_allocations(args, pagination_parameters):
    """List allocations: coordinators all, companies their own once approved."""
    pages = pagination_parameters
    result = services.list_allocations(current_actor(), args, pages.page, pages.page_size)
    return api_page(result, pages)


@blp.route("/allocations.csv")
@blp.arguments(AllocationFilterArgsSchema, location="query")
@blp.response(200, content_type="text/csv")
def export_csv(args):
    """Export the allocations the caller may see as CSV, with a header row."""
    actor = current_actor()
    rows = services.iter_allocations(actor, args)
    return csv_response("allocations.csv", CSV_COLUMNS, (_csv_row(a, actor) for a in rows))


def _csv_row(a, actor) -> tuple:
    return (a.id, a.run_id, a.lot_id, a.need_id, a.item.sku, a.supplier_id, a.supplier.name,
            a.buyer_id, a.buyer.name, a.quantity, a.received_quantity,
            "" if a.unit_price is None else f"{a.unit_price:.2f}", a.distance_km, a.tier,
            a.fill_rate, a.status, "; ".join(visible_reason_texts(actor, a)))


@blp.route("/allocations/<int:allocation_id>")
@blp.response(200, AllocationSchema)
def get_allocation(allocation_id):
    """One allocation (404 when it is not the caller's)."""
    return services.get_allocation(current_actor(), allocation_id)


@blp.route("/allocations/<int:allocation_id>/approve", methods=["POST"])
@blp.arguments(AllocationApproveSchema)
@blp.response(200, AllocationSchema)
def approve(args, allocation_id):
    """Approve a proposed line, optionally with a lower quantity."""
    return services.approve(current_actor(), allocation_id, args.get("quantity"))


@blp.route("/allocations/<int:allocation_id>/reject", methods=["POST"])
@blp.arguments(AllocationRejectSchema)
@blp.response(200, AllocationSchema)
def reject(args, allocation_id):
    """Reject a proposed line with a reason."""
    return services.reject(current_actor(), allocation_id, args["reason"])


@blp.route("/allocations/approve", methods=["POST"])
@blp.arguments(AllocationBulkApproveSchema)
@blp.response(200, AllocationBulkResultSchema)
def bulk_approve(args):
    """Approve many lines, each in its own transaction."""
    return services.bulk_approve(current_actor(), args["ids"])


@blp.route("/allocations/approval-totals")
@blp.arguments(AllocationSelectionQuerySchema, location="query")
@blp.response(200, ApprovalTotalsSchema)
def approval_totals(args):
    """What approving the selection would approve (lines, units, buyers, value), to confirm."""
    return review.approval_totals(current_actor(), args)


@blp.route("/allocations/approve-filtered", methods=["POST"])
@blp.arguments(FilteredApprovalSchema)
@blp.response(202, ApprovalJobSchema)
def approve_filtered(args):
    """Queue the approval of every still-proposed line of a run or of its filtered part.

    Answers 202 at once with the job; poll Location. The worker re-checks stock and needs
    as a single approval does; lines they no longer cover stay proposed and are counted
    in `refused`. Rejected and lowered lines are not touched. 409 when the selection no
    longer holds `expected` lines, when nothing in it is proposed, or while another job
    acts on the same run.
    """
    job = jobs.start_job(current_actor(), args)
    return job, 202, {"Location": url_for("allocations_api.get_approval_job", job_id=job.id)}


@blp.route("/allocations/approval-jobs/<int:job_id>")
@blp.response(200, ApprovalJobSchema)
def get_approval_job(job_id):
    """One bulk approval job: its status, progress and outcome (coordinators)."""
    return jobs.get_job(current_actor(), job_id)


@blp.route("/allocations/<int:allocation_id>/ship", methods=["POST"])
@blp.response(200, AllocationSchema)
def ship(allocation_id):
    """Mark an approved line shipped (the supplier's users, or a coordinator)."""
    return services.ship(current_actor(), allocation_id)


@blp.route("/allocations/<int:allocation_id>/receive", methods=["POST"])
@blp.arguments(AllocationReceiveSchema)
@blp.response(200, AllocationSchema)
def receive(args, allocation_id):
    """Confirm receipt, or report a short delivery with the quantity and a note."""
    return services.receive(current_actor(), allocation_id, args.get("quantity"), args.get("note"))


@blp.route("/allocations/<int:allocation_id>/cancel", methods=["POST"])
@blp.arguments(AllocationCancelSchema)
@blp.response(200, AllocationSchema)
def cancel(args, allocation_id):
    """Cancel an approved, unshipped line and release its reservation (coordinators)."""
    return services.cancel(current_actor(), allocation_id, args.get("reason"))
