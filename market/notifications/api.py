"""JSON API of the logged-in user's notifications."""

from __future__ import annotations

import marshmallow as ma

from market.common.api import Blueprint
from market.common.pagination import api_page
from market.common.schemas import ListArgsSchema
from market.common.web import current_actor
from market.notifications import inbox

blp = Blueprint(
    "notifications_api", __name__, url_prefix="/notifications", description="Your notifications"
)


class NotificationArgsSchema(ListArgsSchema):
    """`?unread=true` lists only the unread ones."""

    unread = ma.fields.Boolean(load_default=False)


class NotificationSchema(ma.Schema):
    """One message to the user."""

    id = ma.fields.Integer()
    channel = ma.fields.String()
    subject = ma.fields.String()
    body = ma.fields.String()
    status = ma.fields.String(
        metadata={"description": "delivery: pending, sending, sent or failed"})
    created_at = ma.fields.AwareDateTime()
    read_at = ma.fields.AwareDateTime(allow_none=True)


class MarkedSchema(ma.Schema):
    """How many notifications were marked read."""

    marked = ma.fields.Integer()


@blp.route("", methods=["GET"])
@blp.arguments(NotificationArgsSchema, location="query")
@blp.response(200, NotificationSchema(many=True))
@blp.paginate()
def list_mine(args, pagination_parameters):
    """List the logged-in user's notifications, newest first."""
    pages = pagination_parameters
    result = inbox.list_notifications(
        current_actor(), **args, page=pages.page, per_page=pages.page_size
    )
    return api_page(result, pages)


@blp.route("/read", methods=["POST"])
@blp.response(200, MarkedSchema)
def read_all():
    """Mark all the logged-in user's notifications read."""
    return {"marked": inbox.mark_all_read(current_actor())}
