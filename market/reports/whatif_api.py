"""The what-if API (routes on the reports `blp`): strategies compared, nothing written."""

from __future__ import annotations

from market.common.web import current_actor
from market.reports import whatif
from market.reports.api import blp
from market.reports.whatif_schemas import WhatIfArgsSchema, WhatIfSchema


@blp.post("/what-if")
@blp.arguments(WhatIfArgsSchema)
@blp.response(200, WhatIfSchema)
def what_if(args):
    """Compare FCFS, proportional shares and the optimiser (current and edited knobs)."""
    return whatif.compare(current_actor(), args)
