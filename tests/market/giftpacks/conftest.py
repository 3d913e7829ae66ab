"""Fixtures of the gift-pack tests: templates, proposed packs and donated lots."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.factories import GiftPackFactory, GiftPackTemplateFactory


@pytest.fixture
def make_template(app, catalog) -> Callable[..., Any]:
    """Factory: an active template, by default 500 surgical masks + 5 L of alcohol."""
    return GiftPackTemplateFactory


@pytest.fixture
def make_pack(app, catalog) -> Callable[..., Any]:
    """Factory: a proposed pack for `org` (as a matching run writes it), with components
    `[(lot, quantity)]` and an assigned application."""

    def make(org, components, status: str = "proposed", application_status: str = "assigned"):
        return GiftPackFactory(organization=org, lines=components, status=status,
                               application__status=application_status)

    return make


@pytest.fixture
def donations(people, make_lot) -> dict[str, Any]:
    """Donated lots of supplier A: 1000 surgical masks and 20 L of alcohol."""
    org = people["supplier_a_org"]
    return {
        "masks": make_lot(org, "MASK-SURGICAL", 1000, kind="donation"),
        "alcohol": make_lot(org, "DISINFECTANT-ALCOHOL-75", 20, kind="donation"),
    }
