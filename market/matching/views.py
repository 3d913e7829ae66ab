"""Matching pages: run history, preview, run details, quotas, pins and exclusions."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from market.accounts.access import require_coordinator
from market.accounts.models import Organization
from market.catalog.services import all_items, display_name
from market.common.errors import Conflict, Invalid
from market.common.pagination import page_args
from market.common.web import current_actor
from market.extensions import db
from market.matching import services
from market.matching.forms import ActionForm, QuotaForm
from market.matching.models import RunStatus
from market.matching.runs import run_lines

bp = Blueprint("matching", __name__, url_prefix="/matching")
PHASE_LABELS = {
    "reading": _l("Reading the market (open needs, available lots)…"),
    "solving": _l("Solving: the optimiser is choosing the deliveries…"),
    "writing": _l("Writing the proposals…"),
}


@bp.app_template_global()
def phase_label(phase: str | None) -> str:
    """The words for a running run's phase (reading, solving, writing)."""
    return str(PHASE_LABELS.get(phase or "", _("Starting…")))


def _back(default: str) -> str:
    target = request.form.get("next") or ""
    # Only paths on this site, never another host.
    return target if target.startswith("/") and not target.startswith("//") else default


@bp.get("/")
@login_required
def runs():
    """Show the run history with buttons to run matching now or preview it."""
    page = services.list_runs(current_actor(), *page_args())
    return render_template("matching/runs.html", page=page, form=ActionForm())


def _queue(dry_run: bool):
    """Queue a run (or a dry run) for the worker and open its page, which shows its progress."""
    if not ActionForm().validate_on_submit():
        flash(_("The form expired; please try again."), "error")
        return redirect(url_for("matching.runs"))
    try:
        run = services.start_run(current_actor(), "manual", dry_run=dry_run)
    except Conflict as exc:
        flash(exc.message, "error")
        return redirect(url_for("matching.runs"))
    if run.status == "completed" and not run.dry_run:
        flash(_("Matching run %(id)s proposed %(n)s lines.", id=run.id,
                n=run.stats.get("proposals", 0)), "success")
    elif run.status == "failed":
        flash(_("Matching run %(id)s failed: %(error)s", id=run.id, error=run.error), "error")
    elif run.status != "completed":
        flash(_("Matching run %(id)s is queued: this page shows its progress.", id=run.id),
              "success")
    return redirect(url_for("matching.run_detail", run_id=run.id))


@bp.post("/run")
@login_required
def run_now():
    """Queue a matching run for the worker and show its page (it never waits for the run)."""
    return _queue(dry_run=False)


@bp.post("/preview")
@login_required
def preview():
    """Queue a dry run (nothing is written) and show its page, with the figures when done."""
    return _queue(dry_run=True)


@bp.get("/runs/<int:run_id>")
@login_required
def run_detail(run_id: int):
    """Show a run's figures per tier, its changes and the lines it proposed (or its progress)."""
    actor = current_actor()
    run = services.get_run(actor, run_id)
    lines = run_lines(actor, run_id, *page_args())
    proposals_url = None
    if "allocations.proposals" in current_app.view_functions and not run.dry_run:
        proposals_url = url_for("allocations.proposals", run_id=run.id)
    return render_template("matching/run_detail.html", run=run, lines=lines, form=ActionForm(),
                           proposals_url=proposals_url, item_name=display_name)


@bp.get("/runs/<int:run_id>/progress")
@login_required
def run_progress(run_id: int):
    """The progress part of a run's page, polled while it is queued or running.

    Once the run has ended the answer asks htmx to reload the page, with its figures.
    """
    run = services.get_run(current_actor(), run_id)
    body = render_template("matching/_run_progress.html", run=run)
    headers = {} if run.status in RunStatus.ACTIVE else {"HX-Refresh": "true"}
    return body, 200, headers


@bp.post("/lines/<int:allocation_id>/<any(pin, exclude):kind>")
@login_required
def constrain(allocation_id: int, kind: str):
    """Pin a proposed line for the next run, or exclude its pair from later runs."""
    if ActionForm().validate_on_submit():
        act = services.pin_line if kind == "pin" else services.exclude_line
        try:
            act(current_actor(), allocation_id)
        except Conflict as exc:
            flash(exc.message, "error")
        else:
            flash(_("Line pinned for the next run.") if kind == "pin"
                  else _("Pair excluded from later runs."), "success")
    return redirect(_back(url_for("matching.constraints")))


@bp.get("/constraints")
@login_required
def constraints():
    """List pins and exclusions, with a button to re-solve around them."""
    page = services.list_constraints(current_actor(), *page_args())
    return render_template("matching/constraints.html", page=page, form=ActionForm())


@bp.post("/constraints/<int:constraint_id>/delete")
@login_required
def delete_constraint(constraint_id: int):
    """Remove a pin or an exclusion."""
    if ActionForm().validate_on_submit():
        services.remove_constraint(current_actor(), constraint_id)
        flash(_("Constraint removed."), "success")
    return redirect(url_for("matching.constraints"))


@bp.post("/resolve")
@login_required
def resolve():
    """Re-solve now around the pins and exclusions (a new run)."""
    return run_now()


@bp.route("/quotas", methods=["GET", "POST"])
@login_required
def quotas():
    """List, add and replace per-company, per-item caps."""
    actor = require_coordinator(current_actor())
    form = QuotaForm()
    form.item.choices = [(i.sku, f"{display_name(i)} ({i.sku})") for i in all_items()]
    form.organization_id.choices = [(o.id, o.name) for o in db.session.execute(
        sa.select(Organization.id, Organization.name)
        .where(Organization.is_buyer.is_(True), Organization.status == "verified")
        .order_by(Organization.name))]
    if form.validate_on_submit():
        try:
            services.set_quota(actor, form.organization_id.data, form.item.data,
                               form.max_units.data)
        except Invalid as exc:
            for name, messages in (exc.errors or {"item": [exc.message]}).items():
                field = form._fields.get(name, form.item)
                field.errors = [*field.errors, *messages]
        else:
            flash(_("Quota saved."), "success")
            return redirect(url_for("matching.quotas"))
    page = services.list_quotas(actor, *page_args())
    return render_template("matching/quotas.html", form=form, page=page,
                           delete_form=ActionForm(), item_name=display_name)


@bp.post("/quotas/<int:quota_id>/delete")
@login_required
def delete_quota(quota_id: int):
    """Remove a cap."""
    if ActionForm().validate_on_submit():
        services.delete_quota(current_actor(), quota_id)
        flash(_("Quota removed."), "success")
    return redirect(url_for("matching.quotas"))
