"""The what-if page: strategies side by side on today's market (routes on the reports `bp`)."""

from __future__ import annotations

from typing import Any

from flask import render_template, request
from flask_babel import gettext as _

from market.common.errors import Invalid
from market.common.web import current_actor
from market.reports import whatif
from market.reports.views import bp
from market.reports.whatif_forms import KNOB_FIELDS, WhatIfForm


def chart_data(answer: dict[str, Any]) -> dict[str, Any]:
    """The grouped bars: fill rate per tier and lowest fill rate, one dataset per strategy."""
    tiers = [t for t, units in answer["demand_by_tier"].items() if units]
    labels = [_("Tier %(n)s", n=t) for t in tiers] + [_("Lowest fill rate")]
    datasets = [
        {
            "key": row["strategy"],
            "label": row["label"],
            "data": [round(row["fill_rate_by_tier"].get(t, 0) * 100, 1) for t in tiers]
            + [round(row["min_fill_rate"] * 100, 1)],
        }
        for row in answer["strategies"]
    ]
    return {"labels": labels, "datasets": datasets, "text": {"axis": _("Fill rate %")}}


def _attach(form: WhatIfForm, exc: Invalid) -> None:
    """Show the service's complaints next to the fields they name."""
    for name, messages in (exc.errors or {}).items():
        field = getattr(form, "caps" if name == "keep_caps" else name, None)
        if field is not None:
            field.errors = list(field.errors) + list(messages)


@bp.get("/what-if", endpoint="whatif")
def whatif_page():
    """Compare FCFS, proportional shares and the optimiser (current and edited knobs)."""
    actor = current_actor()
    current = whatif.current_knobs(actor)  # coordinators only, before looking at the input
    submitted = any(name in request.args for name in KNOB_FIELDS)
    form = WhatIfForm.for_knobs(current, request.args if submitted else None)
    answer, status = None, 200
    if not submitted or form.validate():
        try:
            answer = whatif.compare(actor, form.edits() if submitted else None)
        except Invalid as exc:
            _attach(form, exc)
    if form.errors:
        answer, status = None, 422
    return render_template(
        "reports/whatif.html", form=form, answer=answer, current=current,
        charts=chart_data(answer) if answer and not answer["empty"] else None,
    ), status
