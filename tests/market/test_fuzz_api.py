"""Schemathesis over the OpenAPI document, in-process (WSGI), as every role and anonymous.

Every operation is fuzzed with schema-valid and schema-breaking inputs; the checks are
`not_a_server_error` (no 5xx) and response-schema conformance (status, headers, body as
documented). The run is bounded by COUNT, not time, and derandomized so CI is
reproducible: `FUZZ_EXAMPLES` examples per operation and mode (default 4). A bigger
run by hand, reporting its counts:

    FUZZ_EXAMPLES=200 FUZZ_REPORT=1 .venv/bin/pytest tests/market/test_fuzz_api.py -s
    TEST_DATABASE_URL=postgresql+psycopg://… FUZZ_EXAMPLES=200 FUZZ_REPORT=1 .venv/bin/pytest …
"""

from __future__ import annotations

import os
import traceback
from collections import Counter
from typing import Any

import pytest
import schemathesis
from flask import g
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from market.extensions import db
from tests import factories

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "4"))
ONLY = os.environ.get("FUZZ_ONLY", "")  # e.g. "POST /api/v1/lots" to replay one operation
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
ROLES = ("anonymous", "buyer", "supplier", "coordinator")


@pytest.fixture
def app_config() -> dict[str, Any]:
    """Fuzzing runs with CSRF off (bearer tokens need none) and generous rate limits."""
    return {"WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False, "WHATIF_INLINE": True}


@pytest.fixture
def fuzz_world(people, make_lot, make_need, make_run) -> dict[str, Any]:
    """A small district so that ids 1, 2, 3 … exist: lots, needs, a run, allocations, packs."""
    supplier, buyer = people["supplier_a_org"], people["buyer_org"]
    lots = [make_lot(supplier, quantity=1000), make_lot(supplier, kind="donation")]
    needs = [make_need(buyer, quantity=100), make_need(buyer, quantity=50)]
    run = make_run(stats={"needs": 2, "lots": 2})
    for status, need in (("proposed", needs[0]), ("approved", needs[1])):
        factories.AllocationFactory(run=run, lot=lots[0], need=need, quantity=10, status=status,
                                    fill_rate=0.1, reasons=["2.5 km away"])
    factories.GiftPackTemplateFactory(quantities={"MASK-SURGICAL": 10})
    factories.GiftPackApplicationFactory(organization=buyer, reason="reopening")
    return people


def _headers(role: str, people: dict[str, Any], token_for) -> dict[str, str]:
    if role == "anonymous":
        return {}
    return token_for({"buyer": people["buyer"], "supplier": people["supplier_a"],
                      "coordinator": people["coordinator"]}[role])


def _fuzz_operation(operation, mode: GenerationMode, headers: dict[str, str],
                    stats: Counter) -> None:
    """Run one operation's bounded, derandomized examples in one generation mode."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    def run(case) -> None:
        g.pop("_login_user", None)  # the app context is shared across calls (see conftest)
        g.pop("_flask_babel", None)
        db.session.rollback()
        response = case.call(headers=headers)
        stats["requests"] += 1
        stats[f"{response.status_code // 100}xx"] += 1
        case.validate_response(response, checks=CHECKS, headers=headers)

    run()


@pytest.mark.parametrize("role", ROLES)
def test_every_operation_survives_fuzzing(app, fuzz_world, token_for, role):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    headers = _headers(role, fuzz_world, token_for)
    stats: Counter = Counter()
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if ONLY not in operation.label:
            continue
        stats["operations"] += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _fuzz_operation(operation, mode, headers, stats)
            except Unsatisfiable:
                if mode is GenerationMode.POSITIVE:  # negative: nothing there to break
                    failures.append(f"{operation.label}: no valid input can be generated")
            except (Exception, BaseExceptionGroup) as exc:  # collect all, then fail once
                where = "".join(traceback.format_exception(exc)[-4:])
                failures.append(f"{operation.label} [{mode.value}]: {str(exc)[:2000]}\n{where}")
    if os.environ.get("FUZZ_REPORT"):
        print(f"\nfuzz {role} on {db.engine.dialect.name}: {dict(stats)}")
    assert stats["operations"] > (30 if not ONLY else 0)
    assert not failures, "\n\n".join(failures)
