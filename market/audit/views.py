"""The audit log page: the same filters and pagination as the API."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_login import login_required

from market.audit.queries import known_actions, known_entities, list_entries, parse_moment
from market.common.openapi import MAX_ID
from market.common.web import current_actor

bp = Blueprint("audit", __name__, url_prefix="/audit")

FILTERS = ("actor", "action", "entity", "entity_id", "from", "to")


@bp.get("")
@login_required
def index():
    """Show who changed what and when, newest first, with filters."""
    actor = current_actor()
    filters = {name: (request.args.get(name) or "").strip() for name in FILTERS}
    entity_id = filters["entity_id"]
    page = list_entries(
        actor,
        actor_email=filters["actor"] or None,
        action=filters["action"] or None,
        entity=filters["entity"] or None,
        # an id past any column matches nothing (and must not overflow the query)
        entity_id=((int(entity_id) if int(entity_id) <= MAX_ID else -1)
                   if entity_id.isascii() and entity_id.isdigit() else None),
        date_from=parse_moment("from", filters["from"]),
        date_to=parse_moment("to", filters["to"], end_of_day=True),
        page=max(request.args.get("page", 1, type=int) or 1, 1),
        per_page=min(
            max(request.args.get("per_page", current_app.config["PER_PAGE"], type=int) or 50, 1),
            current_app.config["MAX_PER_PAGE"],
        ),
    )
    return render_template(
        "audit/index.html", page=page, filters=filters,
        actions=known_actions(actor), entities=known_entities(actor),
    )
