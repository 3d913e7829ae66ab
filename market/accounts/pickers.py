"""Choices of companies for a coordinator's hotline forms, bounded at city scale."""

from __future__ import annotations

import sqlalchemy as sa
from flask import request
from wtforms import SelectField

from market.accounts.models import Organization
from market.extensions import db

PICKER_LIMIT = 300


def company_choices(role: str, limit: int | None = None) -> list[tuple[int, str]]:
    """Verified companies of a role for a select: all of them in a district, else the chosen one.

    With thousands of companies a select would weigh megabytes, so past `limit` only the
    company named by `?organization_id=` is offered (the Companies page links here with it).
    """
    limit = PICKER_LIMIT if limit is None else limit
    flag = Organization.is_supplier if role == "supplier" else Organization.is_buyer
    eligible = sa.select(Organization.id, Organization.name).where(
        flag.is_(True), Organization.status == "verified"
    )
    count = db.session.scalar(sa.select(sa.func.count()).select_from(eligible.subquery()))
    if count and count > limit:
        chosen = request.args.get("organization_id", request.form.get("organization_id", ""))
        if not str(chosen).isdigit():
            return []
        eligible = eligible.where(Organization.id == int(chosen))
    return [(i, n) for i, n in db.session.execute(eligible.order_by(Organization.name))]


def preselect_company(field: SelectField) -> None:
    """On a GET, select the company named by `?organization_id=` (links from its page)."""
    chosen = request.args.get("organization_id", "")
    if request.method == "GET" and chosen.isdigit():
        field.data = int(chosen) if field.coerce is int else chosen
