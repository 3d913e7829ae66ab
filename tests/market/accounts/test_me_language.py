"""`/api/v1/me` shows the language the user reads, and `PATCH /api/v1/me` changes it."""

from __future__ import annotations

import sqlalchemy as sa

from market.accounts.models import User
from market.audit.models import AuditEntry
from market.extensions import db


def test_me_shows_and_sets_the_language(client, people, token_for):
    user = people["buyer"]
    headers = token_for(user)
    shown = client.get("/api/v1/me", headers=headers).get_json()
    assert (shown["language"], shown["user"]["language"]) == ("en", "en")

    changed = client.patch("/api/v1/me", json={"language": "zh"}, headers=headers)
    assert changed.status_code == 200
    assert changed.get_json()["language"] == "zh"
    db.session.expire_all()
    assert db.session.get(User, user.id).language == "zh"
    assert client.get("/api/v1/me", headers=headers).get_json()["language"] == "zh"
    audited = db.session.scalars(sa.select(AuditEntry.after).where(
        AuditEntry.action == "user.language_changed", AuditEntry.entity_id == user.id)).all()
    assert audited == [{"language": "zh"}]


def test_an_unknown_language_is_422_naming_the_value(client, people, token_for):
    headers = token_for(people["coordinator"])
    refused = client.patch("/api/v1/me", json={"language": "fr"}, headers=headers)
    assert refused.status_code == 422
    assert "'fr'" in refused.get_json()["errors"]["language"][0]
    other = client.patch("/api/v1/me", json={"email": "x@example.com"}, headers=headers)
    assert other.status_code == 422
    db.session.expire_all()
    assert db.session.get(User, people["coordinator"].id).language == "en"


def test_patch_me_needs_a_login(client):
    assert client.patch("/api/v1/me", json={"language": "zh"}).status_code == 401
