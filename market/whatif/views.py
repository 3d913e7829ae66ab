"""The what-if pages: strategies side by side on today's market.

The page answers at once with the form and the study's state; while the study runs,
htmx polls its fragment (`whatif.study`) until the figures and the chart are there.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _

from market.common.errors import Invalid
from market.common.web import current_actor, send_anonymous_to_login
from market.whatif import services, studies
from market.whatif.forms import KNOB_FIELDS, WhatIfForm

bp = Blueprint("whatif", __name__, url_prefix="/reports/what-if")
bp.before_request(send_anonymous_to_login)


def chart_data(answer: dict[str, Any] | None) -> dict[str, Any] | None:
    """The grouped bars: fill rate per tier and lowest fill rate, one dataset per strategy."""
    if not answer or answer["empty"]:
        return None
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


def page_url(knobs: dict[str, Any]) -> str:
    """Return the address of the what-if page showing these edited knobs."""
    args: dict[str, Any] = {name: "" if knobs.get(name) is None else knobs[name]
            for name in ("transport_cost_per_unit_km", "max_distance_km", "fairness_steps",
                         "nearest")}
    return url_for("whatif.page", **args, caps="kept" if knobs.get("keep_caps") else "ignored")


@bp.get("", endpoint="page")
def whatif_page():
    """Start (or find) the comparison of FCFS, proportional shares and the optimiser."""
    actor = current_actor()
    current = services.current_knobs(actor)  # coordinators only, before looking at the input
    submitted = any(name in request.args for name in KNOB_FIELDS)
    form = WhatIfForm.for_knobs(current, request.args if submitted else None)
    study, status, busy = None, 200, None
    if not submitted or form.validate():
        try:
            study = studies.study_view(
                studies.open_study(actor, form.edits() if submitted else None))
        except Invalid as exc:
            _attach(form, exc)
        except studies.TooManyStudies as exc:
            busy, status = exc.message, exc.status
    if form.errors:
        study, status = None, 422
    return render_template(
        "whatif/page.html", form=form, study=study, current=current, busy=busy,
        page_url=request.full_path, charts=chart_data(study and study["answer"]),
    ), status


@bp.get("/studies/<int:study_id>", endpoint="study")
def whatif_study(study_id: int):
    """The study part of the what-if page: progress, failure, or the figures and chart."""
    study = studies.study_view(studies.get_study(current_actor(), study_id))
    return render_template(
        "whatif/study.html", study=study, page_url=page_url(study["knobs"]),
        charts=chart_data(study["answer"]),
    )
