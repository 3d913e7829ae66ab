"""JSON API of the audit log: `GET /api/v1/audit` for coordinators."""

from __future__ import annotations

import marshmallow as ma

from market.audit.queries import list_entries, parse_moment
from market.common.api import Blueprint
from market.common.pagination import api_page
from market.common.schemas import ListArgsSchema
from market.common.web import current_actor

blp = Blueprint("audit_api", __name__, url_prefix="/audit", description="The audit log")


class AuditArgsSchema(ListArgsSchema):
    """Filters: who, what, which record, and a time window (`from` inclusive, `to` exclusive)."""

    actor = ma.fields.String(metadata={"description": "part of the actor's e-mail"})
    action = ma.fields.String(metadata={"description": "exact, or a prefix ending in . or *"})
    entity = ma.fields.String()
    entity_id = ma.fields.Integer()
    date_from = ma.fields.String(data_key="from", metadata={"description": "ISO date or date-time"})
    date_to = ma.fields.String(
        data_key="to", metadata={"description": "ISO date (whole day) or date-time"}
    )


class AuditEntrySchema(ma.Schema):
    """One state change: who, when, what, before and after."""

    id = ma.fields.Integer()
    at = ma.fields.AwareDateTime()
    actor = ma.fields.String()
    actor_id = ma.fields.Integer(allow_none=True)
    action = ma.fields.String()
    entity = ma.fields.String()
    entity_id = ma.fields.Integer(allow_none=True)
    before = ma.fields.Raw(allow_none=True)
    after = ma.fields.Raw(allow_none=True)


@blp.route("", methods=["GET"])
@blp.arguments(AuditArgsSchema, location="query")
@blp.response(200, AuditEntrySchema(many=True))
@blp.paginate()
def audit_log(args, pagination_parameters):
    """List audit entries, newest first, filtered by actor, action, entity and time."""
    pages = pagination_parameters
    result = list_entries(
        current_actor(),
        actor_email=args.get("actor"),
        action=args.get("action"),
        entity=args.get("entity"),
        entity_id=args.get("entity_id"),
        date_from=parse_moment("from", args.get("date_from")),
        date_to=parse_moment("to", args.get("date_to"), end_of_day=True),
        page=pages.page,
        per_page=pages.page_size,
    )
    return api_page(result, pages)
