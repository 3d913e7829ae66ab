"""The notifications pages: the user's messages, and the failed deliveries for coordinators."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required
from flask_wtf import FlaskForm

from market.common.pagination import page_args
from market.common.web import current_actor
from market.notifications import failed as failed_deliveries
from market.notifications import inbox

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.get("")
@login_required
def index():
    """List the user's notifications with a button that marks them all read."""
    actor = current_actor()
    page_no, per_page = page_args()
    page = inbox.list_notifications(actor, page=page_no, per_page=per_page)
    return render_template(
        "notifications/index.html", page=page, unread=inbox.unread_count(actor), form=FlaskForm()
    )


@bp.post("/read")
@login_required
def read_all():
    """Mark every notification read and come back to the list."""
    marked = inbox.mark_all_read(current_actor())
    flash(_("%(n)s notifications marked read.", n=marked), "success")
    return redirect(url_for("notifications.index"))


@bp.get("/failed")
@login_required
def failed():
    """Coordinators: messages whose every delivery attempt failed, with retry buttons."""
    actor = current_actor()
    page_no, per_page = page_args()
    page = failed_deliveries.list_failed(actor, page=page_no, per_page=per_page)
    return render_template("notifications/failed.html", page=page, form=FlaskForm())


@bp.post("/failed/<int:note_id>/retry")
@login_required
def retry(note_id: int):
    """Queue one failed message again."""
    failed_deliveries.retry(current_actor(), note_id)
    flash(_("Notification %(id)s queued again.", id=note_id), "success")
    return redirect(url_for("notifications.failed"))


@bp.post("/failed/retry")
@login_required
def retry_all():
    """Queue every failed message again."""
    count = failed_deliveries.retry_all(current_actor())
    flash(_("%(n)s notifications queued again.", n=count), "success")
    return redirect(url_for("notifications.failed"))
