"""Fixtures of the gift-pack tests: API calls as a user, and proposed packs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from market.extensions import db


@pytest.fixture
def as_user(client, token_for) -> Callable[..., Any]:
    """Call the API as a user (None = anonymous): as_user(user, "post", path, json=...)."""

    def call(user, method: str, path: str, **kw: Any):
        headers = token_for(user) if user is not None else {}
        return getattr(client, method)(path, headers=headers, **kw)

    return call


@pytest.fixture
def make_template(app, catalog) -> Callable[..., Any]:
    """Factory: an active template, by default 500 surgical masks + 5 L of alcohol."""
    from market.giftpacks.models import GiftPackTemplate, TemplateContent

    def make(name: str = "Reopening pack", contents: dict[str, int] | None = None):
        contents = contents or {"MASK-SURGICAL": 500, "DISINFECTANT-ALCOHOL-75": 5}
        template = GiftPackTemplate(name=name, active=True)
        template.contents = [TemplateContent(item=catalog[s], quantity=q)
                             for s, q in contents.items()]  # fmt: skip
        db.session.add(template)
        db.session.commit()
        return template

    return make


@pytest.fixture
def make_pack(app, catalog, make_template) -> Callable[..., Any]:
    """Factory: a proposed pack for `org` (as a matching run writes it), with components
    `[(lot, quantity)]` and a waiting-then-assigned application."""
    from market.giftpacks.models import GiftPack, GiftPackApplication, GiftPackComponent
    from market.matching.models import MatchRun

    def make(org, components, status: str = "proposed", application_status: str = "assigned"):
        run = MatchRun(trigger="manual", status="completed")
        application = GiftPackApplication(organization_id=org.id, status=application_status)
        db.session.add_all([run, application])
        db.session.flush()
        pack = GiftPack(run_id=run.id, template_id=make_template().id,
                        application_id=application.id, organization_id=org.id, status=status)
        pack.components = [GiftPackComponent(lot_id=lot.id, item_id=lot.item_id, quantity=q)
                           for lot, q in components]  # fmt: skip
        db.session.add(pack)
        db.session.commit()
        return pack

    return make


@pytest.fixture
def donations(people, make_lot) -> dict[str, Any]:
    """Donated lots of supplier A: 1000 surgical masks and 20 L of alcohol."""
    org = people["supplier_a_org"]
    return {
        "masks": make_lot(org, "MASK-SURGICAL", 1000, kind="donation"),
        "alcohol": make_lot(org, "DISINFECTANT-ALCOHOL-75", 20, kind="donation"),
    }
