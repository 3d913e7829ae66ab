"""The audit log page: the same filters and pagination as the API."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import login_required

from market.audit.queries import known_actions, known_entities, list_entries, parse_moment
from market.common.openapi import MAX_ID
from market.common.pagination import page_args
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
    page_no, per_page = page_args()
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
        page=page_no,
        per_page=per_page,
    )
    return render_template(
        "audit/index.html", page=page, filters=filters,
        actions=known_actions(actor), entities=known_entities(actor),
    )
