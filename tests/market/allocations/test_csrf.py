"""Page forms carry CSRF tokens: a forged POST changes nothing."""

from __future__ import annotations

import pytest

from market.extensions import db
from market.matching.models import Allocation


@pytest.fixture
def app_config():
    """CSRF on, as in production."""
    return {"WTF_CSRF_ENABLED": True}


def test_forged_approve_is_refused(client, login, world):
    login(world["coordinator"])
    a = world["allocation"].id
    response = client.post(f"/allocations/{a}/approve", data={})
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(Allocation, a).status == "proposed"


def test_bearer_api_call_needs_no_csrf_token(client, world, token_for):
    a = world["allocation"].id
    response = client.post(f"/api/v1/allocations/{a}/approve",
                           headers=token_for(world["coordinator"]), json={})
    assert response.status_code == 200
