"""How audit entries read to people: field and action names from the catalogue.

The log stores codes (`allocation.approve`, `unit_price`); the audit page shows them
as words in the reader's language ("分配：批准", "单价"). Unknown codes are shown as
they are, with underscores as spaces.
"""

from __future__ import annotations

from flask import Flask
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from market.accounts.forms import SECTOR_LABELS
from market.i18n import status_word, translate

FIELD_NAMES = {
    "name": _l("Name"), "name_zh": _l("Chinese name"), "sku": _l("SKU"),
    "category": _l("Category"), "unit": _l("Unit"),
    "daily_use_per_person": _l("Daily use per person"),
    "credit_code": _l("Unified social credit code"), "roles": _l("Roles"),
    "is_supplier": _l("Supplier"), "is_buyer": _l("Buyer"), "sector": _l("Sector"),
    "tier": _l("Priority tier"), "tier_overridden": _l("Tier set by a coordinator"),
    "headcount": _l("Employees on site"), "address": _l("Address"),
    "latitude": _l("Latitude"), "longitude": _l("Longitude"), "phone": _l("Phone"),
    "status": _l("Status"), "rejection_reason": _l("Reason for rejection"),
    "pending_change": _l("Change waiting for a decision"), "reason": _l("Reason"),
    "organization_id": _l("Company"), "item_id": _l("Item"), "lot_id": _l("Lot"),
    "need_id": _l("Need"), "kind": _l("Kind"), "quantity": _l("Quantity"),
    "reserved": _l("Reserved"), "shipped": _l("Shipped"), "unit_price": _l("Unit price"),
    "available_until": _l("Available until"), "entered_by_id": _l("Entered by"),
    "allocated": _l("Allocated"), "received": _l("Received"),
    "max_unit_price": _l("Maximum unit price"), "needed_by": _l("Needed by"),
    "received_quantity": _l("Quantity received"), "decision_note": _l("Decision note"),
    "receipt_note": _l("Receipt note"), "max_units": _l("Maximum units"),
    "email": _l("E-mail"), "role": _l("Role"), "language": _l("Language"),
    "failures": _l("Failed log-ins"), "locked_until": _l("Locked until"),
    "lot_quantity": _l("Lot quantity"), "lot_reserved": _l("Lot reserved"),
    "lot_shipped": _l("Lot shipped"), "need_received": _l("Need received"),
    "need_allocated": _l("Need allocated"),
    "filters": _l("Filters"), "lines": _l("Lines"), "units": _l("Units"),
    "approved": _l("Lines approved"), "refused": _l("Lines refused"), "error": _l("Error"),
    "bulk": _l("Part of a bulk approval"),
}
"""Field code -> its label on the audit page."""

RECORD_NAMES = {
    "organization": _l("Company"), "user": _l("User"), "item": _l("Item"), "lot": _l("Lot"),
    "need": _l("Need"), "allocation": _l("Allocation"), "gift_pack": _l("Gift pack"),
    "gift_pack_application": _l("Gift pack application"),
    "gift_pack_template": _l("Gift pack template"), "match_run": _l("Matching run"),
    "match_constraint": _l("Matching constraint"), "quota": _l("Quota"),
    "token": _l("API token"), "notification": _l("Notification"),
    "approval_job": _l("Bulk approval"),
}
"""Record (entity) code -> its name."""

ACTION_NAMES = {
    "approve": _l("approved"), "approved": _l("approved"), "reject": _l("rejected"),
    "rejected": _l("rejected"), "cancel": _l("cancelled"), "ship": _l("shipped"),
    "received": _l("received"), "dispute": _l("disputed"), "disputed": _l("disputed"),
    "create": _l("created"), "created": _l("created"), "update": _l("changed"),
    "updated": _l("changed"),
    "registered": _l("registered"), "refiled": _l("filed again"),
    "withdraw": _l("withdrawn"), "reopen": _l("reopened"), "deliver": _l("delivered"),
    "exhausted": _l("exhausted"), "release": _l("released"), "reserve": _l("reserved"),
    "expire": _l("expired"), "renew": _l("renewed"), "retry": _l("sent again"),
    "completed": _l("completed"), "failed": _l("failed"), "removed": _l("removed"),
    "deleted": _l("deleted"), "set": _l("set"), "issued": _l("issued"),
    "revoked": _l("revoked"), "locked": _l("locked"),
    "password_changed": _l("password changed"), "language_changed": _l("language changed"),
    "change_approved": _l("change approved"), "change_rejected": _l("change rejected"),
    "change_requested": _l("change requested"), "change_withdrawn": _l("change withdrawn"),
}
"""The verb after the dot of an action code -> its words."""


def _words(code: str) -> str:
    return translate(code.replace("_", " "))


def field_name(code: str) -> str:
    """The label of an audited field ("unit_price" -> "Unit price" / "单价")."""
    label = FIELD_NAMES.get(code)
    return str(label) if label is not None else _words(code)


def field_value(value: object, code: str) -> str:
    """An audited value as the reader reads it: a status or sector in their words, yes/no
    for flags, and a group of fields (a change waiting for a decision) field by field."""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dict):
        return "; ".join(f"{field_name(k)}: {field_value(v, k)}" for k, v in value.items())
    if code == "status" and isinstance(value, str):
        return status_word(value)
    if code == "sector" and isinstance(value, str) and value in SECTOR_LABELS:
        return str(SECTOR_LABELS[value])
    return "" if value is None else str(value)


def record_name(code: str | None) -> str:
    """The name of a kind of record ("gift_pack" -> "Gift pack" / "礼包")."""
    if not code:
        return ""
    label = RECORD_NAMES.get(code)
    return str(label) if label is not None else _words(code)


def action_name(code: str) -> str:
    """An action code in words ("allocation.approve" -> "Allocation: approved")."""
    record, _dot, verb = code.partition(".")
    if not verb:
        return _words(code)
    label = ACTION_NAMES.get(verb)
    verb_words = str(label) if label is not None else _words(verb)
    return _("%(record)s: %(action)s", record=record_name(record), action=verb_words)


def init_app(app: Flask) -> None:
    """Register the audit page's filters: `audit_field`, `audit_value`, `audit_record`,
    `audit_action`."""
    app.add_template_filter(field_name, "audit_field")
    app.add_template_filter(field_value, "audit_value")
    app.add_template_filter(record_name, "audit_record")
    app.add_template_filter(action_name, "audit_action")
