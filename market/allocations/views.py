"""Allocation pages: coordinator review, a company's allocations, the delivery note."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from flask_wtf import FlaskForm

from market.allocations import jobs, review, services
from market.allocations.forms import (
    ApproveForm,
    BulkApproveForm,
    CancelForm,
    FilterForm,
    ReceiveForm,
    RejectForm,
    ShipForm,
)
from market.common.errors import Conflict, Invalid
from market.common.pagination import page_args
from market.common.web import current_actor
from market.matching.reason_view import visible_reason_texts

bp = Blueprint("allocations", __name__, url_prefix="/allocations")


@bp.get("/proposals")
@login_required
def proposals():
    """Show a run's proposals grouped by need (reasons once per need), paginated by need,
    for approval line by line, ticked, or the whole filtered set."""
    form = FilterForm(request.args)
    form.validate()
    page, per_page = page_args(default_per_page=20, max_per_page=100)
    actor = current_actor()
    result, run_id = review.proposal_groups(actor, form.filters(), page, per_page)
    totals = review.approval_totals(actor, form.filters())
    return render_template(
        "allocations/proposals.html", page=result, run_id=run_id, form=form, totals=totals,
        approve_form=ApproveForm(), reject_form=RejectForm(),
    )


@bp.get("/approve-filtered")
@login_required
def confirm_filtered():
    """The confirmation step: what approving the filtered set would approve, before it acts."""
    form = FilterForm(request.args)
    form.validate()
    totals = review.approval_totals(current_actor(), form.filters())
    return render_template(
        "allocations/approve_confirm.html", form=form, totals=totals,
        filters=review.review_filters(form.filters()),
    )


@bp.post("/approve-filtered")
@login_required
def approve_filtered():
    """Queue the approval of the confirmed selection for the worker; open the job's page."""
    form = FilterForm(request.form)
    args = {k: v for k, v in form.filters().items() if k != "status"}
    if not FlaskForm().validate_on_submit() or not form.validate():
        flash(_("The approval was not confirmed; nothing was approved."), "error")
        return redirect(url_for("allocations.proposals"))
    expected = request.form.get("expected", type=int)
    try:
        job = jobs.start_job(current_actor(), {**args, "expected": expected})
    except Conflict as exc:
        flash(exc.message, "error")
        return redirect(url_for("allocations.confirm_filtered", **args))
    return redirect(url_for("allocations.approval_job", job_id=job.id))


@bp.get("/approval-jobs/<int:job_id>")
@login_required
def approval_job(job_id: int):
    """A bulk approval's page: its progress while the worker runs it, then its outcome."""
    job = jobs.get_job(current_actor(), job_id)
    return render_template("allocations/approval_job.html", job=job)


@bp.get("/approval-jobs/<int:job_id>/progress")
@login_required
def approval_job_progress(job_id: int):
    """The job's part of its page, polled by htmx while it is queued or running."""
    job = jobs.get_job(current_actor(), job_id)
    return render_template("allocations/_approval_job.html", job=job)


@bp.get("/mine")
@login_required
def mine():
    """Show the company's approved allocations, with ship and receive actions and the reasons
    as the company may read them (its own lots and needs, others as anonymous totals)."""
    actor = current_actor()
    if actor.is_coordinator:
        return redirect(url_for("allocations.proposals"))
    page, per_page = page_args()
    result = services.list_mine(actor, page, per_page, request.args.get("status") or None)
    return render_template(
        "allocations/mine.html", page=result, org_id=actor.organization_id,
        receive_form=ReceiveForm(), reasons_of=lambda line: visible_reason_texts(actor, line),
    )


@bp.get("/<int:allocation_id>/delivery-note")
@login_required
def delivery_note(allocation_id: int):
    """Print the delivery note of an approved allocation (both parties and coordinators)."""
    allocation = services.delivery_note(current_actor(), allocation_id)
    return render_template("allocations/delivery_note.html", a=allocation)


def _back(default: str) -> str:
    target = request.form.get("next") or ""
    # Only same-site paths: never bounce the user to another host.
    if target.startswith("/") and not target.startswith("//"):
        return target
    return url_for(default)


def _act(form: FlaskForm, call: Callable[[], object], done: str, default: str):
    """Validate a form, run the service, and flash the result or the refusal."""
    if not form.validate_on_submit():
        for field, errors in form.errors.items():
            label = getattr(form, field).label.text if hasattr(form, field) else field
            flash(f"{label}: {'; '.join(str(e) for e in errors)}", "error")
        return redirect(_back(default))
    try:
        call()
    except (Conflict, Invalid) as exc:
        flash(exc.message, "error")
    else:
        flash(done, "success")
    return redirect(_back(default))


@bp.post("/<int:allocation_id>/approve")
@login_required
def approve(allocation_id: int):
    """Approve one line (optionally with a lower quantity)."""
    form = ApproveForm()
    return _act(
        form,
        lambda: services.approve(current_actor(), allocation_id, form.quantity.data),
        _("Allocation #%(id)s approved.", id=allocation_id),
        "allocations.proposals",
    )


@bp.post("/<int:allocation_id>/reject")
@login_required
def reject(allocation_id: int):
    """Reject one line with a reason."""
    form = RejectForm()
    return _act(
        form,
        lambda: services.reject(current_actor(), allocation_id, form.reason.data),
        _("Allocation #%(id)s rejected.", id=allocation_id),
        "allocations.proposals",
    )


@bp.post("/approve")
@login_required
def bulk_approve():
    """Approve the ticked lines, each on its own, and say which failed."""
    form = BulkApproveForm()
    if not form.validate_on_submit() or not form.ids.data:
        flash(_("Tick at least one line to approve."), "error")
        return redirect(_back("allocations.proposals"))
    result = services.bulk_approve(current_actor(), form.ids.data)
    if result["approved"]:
        flash(_("%(n)s lines approved.", n=len(result["approved"])), "success")
    for failure in result["failed"]:
        flash(f"#{failure['id']}: {failure['message']}", "error")
    return redirect(_back("allocations.proposals"))


@bp.post("/<int:allocation_id>/ship")
@login_required
def ship(allocation_id: int):
    """Mark a line shipped."""
    return _act(
        ShipForm(),
        lambda: services.ship(current_actor(), allocation_id),
        _("Allocation #%(id)s marked shipped.", id=allocation_id),
        "allocations.mine",
    )


@bp.post("/<int:allocation_id>/receive")
@login_required
def receive(allocation_id: int):
    """Confirm receipt, or report a short delivery."""
    form = ReceiveForm()
    return _act(
        form,
        lambda: services.receive(
            current_actor(), allocation_id, form.quantity.data, form.note.data
        ),
        _("Receipt of allocation #%(id)s recorded.", id=allocation_id),
        "allocations.mine",
    )


@bp.post("/<int:allocation_id>/cancel")
@login_required
def cancel(allocation_id: int):
    """Cancel an approved, unshipped line."""
    form = CancelForm()
    return _act(
        form,
        lambda: services.cancel(current_actor(), allocation_id, form.reason.data),
        _("Allocation #%(id)s cancelled; its stock is free again.", id=allocation_id),
        "allocations.proposals",
    )
