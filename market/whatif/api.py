"""The what-if API: a study of the strategies, nothing written.

POST starts the comparison of the current snapshot with the edited knobs (or finds
the one already made); the answer is 200 with the figures when the study is done
(or failed), 202 with a Location to poll while it is still running.
"""

from __future__ import annotations

from typing import Any

from flask import url_for

from market.common.api import Blueprint
from market.common.web import current_actor
from market.whatif import studies
from market.whatif.models import WhatIfStudy
from market.whatif.schemas import WhatIfArgsSchema, WhatIfStudySchema

blp = Blueprint("whatif_api", __name__, url_prefix="/reports/what-if",
                description="What-if studies: strategies compared, nothing written")

RUNNING = ("queued", "running")


def _answer(study: WhatIfStudy) -> tuple[dict[str, Any], int, dict[str, str]]:
    view = studies.study_view(study)
    url = url_for("whatif_api.what_if_study", study_id=study.id)
    body = {**{k: v for k, v in view.items() if k != "answer"}, **(view["answer"] or {}),
            "url": url}
    return body, 202 if study.status in RUNNING else 200, {"Location": url}


@blp.post("")
@blp.arguments(WhatIfArgsSchema)
@blp.response(200, WhatIfStudySchema, description="The study is done (or failed): its figures")
@blp.alt_response(202, schema=WhatIfStudySchema,
                  description="Still comparing: poll the Location until it answers 200")
def what_if(args):
    """Compare FCFS, proportional shares and the optimiser (current and edited knobs)."""
    return _answer(studies.open_study(current_actor(), args))


@blp.get("/studies/<int:study_id>")
@blp.response(200, WhatIfStudySchema, description="The study is done (or failed): its figures")
@blp.alt_response(202, schema=WhatIfStudySchema, description="Still comparing: ask again")
def what_if_study(study_id):
    """One what-if study: its state, and its figures once done."""
    return _answer(studies.get_study(current_actor(), study_id))
