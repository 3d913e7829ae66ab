"""factory_boy factories of the market's rows, for the tests.

Each factory writes its row (and the rows it needs, through SubFactory) in the test's
database session and commits, as a finished write of the app would. Unique fields come
from sequences that `reset_sequences()` starts again at 1 for every test, so a test sees
"Company 1", "Company 2"… and companies a few hundred metres apart whatever ran before.

    OrganizationFactory(roles=("buyer",), sector="medical")
    LotFactory(organization=org, item__sku="GLOVES-NITRILE", kind="donation")
    AllocationFactory(lot=lot, need=need, quantity=50, status="shipped")
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import factory
import sqlalchemy as sa
from factory.alchemy import SQLAlchemyModelFactory
from werkzeug.security import generate_password_hash

from market.accounts.credit_code import check_digit
from market.accounts.models import SECTOR_TIERS, Organization, User
from market.catalog.models import Item
from market.catalog.seed import seed_catalog
from market.common.types import utcnow
from market.extensions import db
from market.giftpacks.models import (
    GiftPack,
    GiftPackApplication,
    GiftPackComponent,
    GiftPackTemplate,
    TemplateContent,
)
from market.lots.models import Lot
from market.matching.models import Allocation, MatchRun
from market.needs.models import Need

UNDECIDED = ("proposed", "superseded")
SHIPPED = ("shipped", "received", "disputed")
RECEIVED = ("received", "disputed")


def make_credit_code(seed: int) -> str:
    """A valid 18-character unified social credit code (GB 32100-2015) built from `seed`."""
    body = f"91110108{seed:09d}"[:17]
    return body + check_digit(body)


class BaseFactory(SQLAlchemyModelFactory):
    """Rows in the app's scoped session, committed; sequences count from 1."""

    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731 - resolved per call
        sqlalchemy_session_persistence = "commit"

    @classmethod
    def _setup_next_sequence(cls) -> int:
        """Start at 1, as the numbering of test companies and users always has."""
        return 1


class ItemFactory(BaseFactory):
    """An item of the standard catalogue, by SKU (the catalogue is seeded on first use).

    Items are reference data, so this finds the catalogued row instead of inventing one.
    """

    class Meta:
        model = Item

    sku = "MASK-SURGICAL"

    @classmethod
    def _create(cls, model_class: type[Item], *args: Any, **kwargs: Any) -> Item:
        """The catalogued item with this SKU; refuses a SKU the catalogue does not have."""
        sku = kwargs["sku"]
        query = sa.select(Item).filter_by(sku=sku)
        item = db.session.scalar(query)
        if item is None:
            seed_catalog()
            item = db.session.scalar(query)
        if item is None:
            raise LookupError(f"sku {sku!r} is not in the standard catalogue")
        return item


class OrganizationFactory(BaseFactory):
    """A verified company, buyer and supplier, in the trade sector unless told."""

    class Meta:
        model = Organization

    class Params:
        roles = ("supplier", "buyer")

    name = factory.Sequence(lambda n: f"Company {n}")
    credit_code = factory.Sequence(make_credit_code)
    is_supplier = factory.LazyAttribute(lambda o: "supplier" in o.roles)
    is_buyer = factory.LazyAttribute(lambda o: "buyer" in o.roles)
    sector = "trade"
    tier = factory.LazyAttribute(lambda o: SECTOR_TIERS[o.sector])
    headcount = 50
    address = factory.Sequence(lambda n: f"{n} Test Road")
    latitude = factory.Sequence(lambda n: 31.23 + n * 0.001)
    longitude = factory.Sequence(lambda n: 121.47 + n * 0.001)
    phone = "13800000000"
    status = "verified"


class UserFactory(BaseFactory):
    """A company user (of `organization`), or a coordinator or admin without one."""

    class Meta:
        model = User

    class Params:
        password = "correct horse"  # noqa: S105 - test data

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    # A cheap hash: test users need no protection, and scrypt costs ~0.1 s each.
    password_hash = factory.LazyAttribute(
        lambda o: generate_password_hash(o.password, method="pbkdf2:sha256:1000"))
    role = "company"
    organization = None


class AtCompanyFactory(BaseFactory):
    """Surgical masks offered or wanted by a company, at the company's location."""

    class Meta:
        abstract = True

    organization = factory.SubFactory(OrganizationFactory)
    item = factory.SubFactory(ItemFactory)
    latitude = factory.SelfAttribute("organization.latitude")
    longitude = factory.SelfAttribute("organization.longitude")


class LotFactory(AtCompanyFactory):
    """An active sale lot of 1000 surgical masks at ¥1.00, at its company's location."""

    class Meta:
        model = Lot

    kind = "sale"
    quantity = 1000
    reserved = 0
    unit_price = factory.LazyAttribute(
        lambda o: None if o.kind == "donation" else Decimal("1.00"))
    status = "active"


class NeedFactory(AtCompanyFactory):
    """An open need for 100 surgical masks at its company's location."""

    class Meta:
        model = Need

    quantity = 100
    status = "open"


class MatchRunFactory(BaseFactory):
    """A completed manual matching run, started and finished now."""

    class Meta:
        model = MatchRun

    trigger = "manual"
    status = "completed"
    dry_run = False
    started_at = factory.LazyFunction(utcnow)
    finished_at = factory.LazyFunction(utcnow)
    stats = factory.LazyFunction(dict)


class AllocationFactory(BaseFactory):
    """A proposed line from a lot to a need, as a matching run writes it.

    Item, supplier, buyer, tier and price follow the lot and the need; the decision,
    shipment and receipt times follow `status` (a `shipped` line was decided and shipped now).
    """

    class Meta:
        model = Allocation

    run = factory.SubFactory(MatchRunFactory)
    lot = factory.SubFactory(LotFactory)
    need = factory.SubFactory(NeedFactory)
    item = factory.SelfAttribute("lot.item")
    supplier = factory.SelfAttribute("lot.organization")
    buyer = factory.SelfAttribute("need.organization")
    quantity = 100
    unit_price = factory.LazyAttribute(
        lambda o: o.lot.unit_price if o.lot.unit_price is not None else Decimal("0"))
    distance_km = 2.5
    tier = factory.SelfAttribute("need.organization.tier")
    fill_rate = 1.0
    reasons = factory.LazyFunction(
        lambda: ["tier 2 (elder care)", "2.5 km away", "gives the buyer 100 % fill"])
    status = "proposed"
    decided_at = factory.LazyAttribute(lambda o: None if o.status in UNDECIDED else utcnow())
    shipped_at = factory.LazyAttribute(lambda o: utcnow() if o.status in SHIPPED else None)
    received_at = factory.LazyAttribute(lambda o: utcnow() if o.status in RECEIVED else None)


class GiftPackTemplateFactory(BaseFactory):
    """An active template: 500 surgical masks and 5 L of 75 % alcohol unless told.

    `quantities` maps SKU to units: GiftPackTemplateFactory(quantities={"GLOVES-NITRILE": 10}).
    """

    class Meta:
        model = GiftPackTemplate

    class Params:
        quantities = factory.LazyFunction(
            lambda: {"MASK-SURGICAL": 500, "DISINFECTANT-ALCOHOL-75": 5})

    name = "Reopening pack"
    active = True
    contents = factory.LazyAttribute(
        lambda o: [TemplateContent(item=ItemFactory(sku=sku), quantity=q)
                   for sku, q in o.quantities.items()])  # fmt: skip


class GiftPackApplicationFactory(BaseFactory):
    """A company's waiting application for a reopening pack."""

    class Meta:
        model = GiftPackApplication

    organization = factory.SubFactory(OrganizationFactory)
    status = "waiting"


class GiftPackFactory(BaseFactory):
    """A proposed pack for a company (as a matching run writes it), with its assigned
    application; `lines` are its components as [(lot, quantity)]."""

    class Meta:
        model = GiftPack

    class Params:
        lines = factory.LazyFunction(list)
        run = factory.SubFactory(MatchRunFactory)  # a pack keeps only its run's id

    run_id = factory.SelfAttribute("run.id")
    template = factory.SubFactory(GiftPackTemplateFactory)
    organization = factory.SubFactory(OrganizationFactory)
    application = factory.SubFactory(GiftPackApplicationFactory, status="assigned",
                                     organization=factory.SelfAttribute("..organization"))
    status = "proposed"
    components = factory.LazyAttribute(
        lambda o: [GiftPackComponent(lot=lot, item=lot.item, quantity=q) for lot, q in o.lines])


FACTORIES: tuple[type[BaseFactory], ...] = (
    ItemFactory, OrganizationFactory, UserFactory, LotFactory, NeedFactory, MatchRunFactory,
    AllocationFactory, GiftPackTemplateFactory, GiftPackApplicationFactory, GiftPackFactory,
)


def reset_sequences() -> None:
    """Number every factory's rows from 1 again (called before each test)."""
    for factory_class in FACTORIES:
        factory_class.reset_sequence()
