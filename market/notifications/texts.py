"""The words of every notification, e-mail and SMS, from the catalogue.

Each function returns a `Compose`: `notify_user`/`notify_organization` call it once per
recipient under that person's language, so a Chinese reader gets Chinese even when a
coordinator acting in English caused the message. Item names, units and statuses are
translated here too; SMS texts fit one 70-character Chinese segment.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _

from market.catalog.services import display_name
from market.common.display import number
from market.notifications.services import Compose, Text

if TYPE_CHECKING:  # the models import the services that import these texts
    from market.accounts.models import Organization
    from market.catalog.models import Item
    from market.giftpacks.models import GiftPack, GiftPackComponent
    from market.lots.models import Lot
    from market.matching.models import Allocation
    from market.needs.models import Need


def _what(quantity: int, item: Item) -> str:
    """"336 piece of Surgical mask" / "口罩336只": a quantity with its unit and item name."""
    return _("%(quantity)s %(unit)s of %(item)s", quantity=quantity, unit=_(item.unit),
             item=display_name(item))


def allocation_approved_supplier(allocation: Allocation, lot: Lot, need: Need) -> Compose:
    """To the supplier: an allocation was approved, ship it to the buyer."""
    buyer = allocation.buyer

    def compose() -> Text:
        what = _what(allocation.quantity, allocation.item)
        return Text(
            _("Allocation #%(id)s approved: ship %(what)s to %(buyer)s",
              id=allocation.id, what=what, buyer=buyer.name),
            _("A coordinator approved allocation #%(id)s: %(what)s from your lot %(lot)s to "
              "%(buyer)s.\nContact: %(buyer)s, phone %(phone)s, deliver to %(address)s.",
              id=allocation.id, what=what, lot=lot.id, buyer=buyer.name, phone=buyer.phone,
              address=need.address or buyer.address),
            _approved_sms(allocation.id, what),
        )

    return compose


def allocation_approved_buyer(allocation: Allocation, lot: Lot, need: Need) -> Compose:
    """To the buyer: an allocation for its need was approved."""
    supplier = allocation.supplier

    def compose() -> Text:
        what = _what(allocation.quantity, allocation.item)
        return Text(
            _("Allocation #%(id)s approved: %(what)s from %(supplier)s",
              id=allocation.id, what=what, supplier=supplier.name),
            _("A coordinator approved allocation #%(id)s: %(what)s for your need %(need)s "
              "from %(supplier)s.\nContact: %(supplier)s, phone %(phone)s, ships from "
              "%(address)s.",
              id=allocation.id, what=what, need=need.id, supplier=supplier.name,
              phone=supplier.phone, address=lot.address or supplier.address),
            _approved_sms(allocation.id, what),
        )

    return compose


def _approved_sms(allocation_id: int, what: str) -> str:
    return _("[PPE] Allocation #%(id)s approved: %(what)s. Log in for details.",
             id=allocation_id, what=what)


def allocation_shipped(allocation: Allocation) -> Compose:
    """To the buyer: the supplier shipped an allocation."""

    def compose() -> Text:
        what = _what(allocation.quantity, allocation.item)
        return Text(
            _("Allocation #%(id)s shipped", id=allocation.id),
            _("%(supplier)s shipped %(what)s (allocation #%(id)s). Please confirm receipt.",
              supplier=allocation.supplier.name, what=what, id=allocation.id),
            _("[PPE] Allocation #%(id)s shipped: %(what)s. Please confirm receipt.",
              id=allocation.id, what=what),
        )

    return compose


def allocation_received(allocation: Allocation, got: int, status: str, note: str | None) -> Compose:
    """To the supplier: the buyer confirmed receipt (received, or disputed when short)."""

    def compose() -> Text:
        body = _("%(buyer)s received %(got)s of %(what)s.", buyer=allocation.buyer.name,
                 got=got, what=_what(allocation.quantity, allocation.item))
        if note:
            body += "\n" + _("Note: %(note)s", note=note)
        return Text(
            _("Allocation #%(id)s %(status)s", id=allocation.id, status=_(status)),
            body,
            _("[PPE] Allocation #%(id)s %(status)s: %(got)s of %(quantity)s received.",
              id=allocation.id, status=_(status), got=got, quantity=allocation.quantity),
        )

    return compose


def allocation_cancelled(allocation: Allocation, reason: str | None) -> Compose:
    """To both parties: a coordinator cancelled an allocation."""

    def compose() -> Text:
        body = _("A coordinator cancelled allocation #%(id)s (%(what)s).", id=allocation.id,
                 what=_what(allocation.quantity, allocation.item))
        if reason:
            body += "\n" + _("Reason: %(reason)s", reason=reason)
        return Text(_("Allocation #%(id)s cancelled", id=allocation.id), body,
                    _("[PPE] Allocation #%(id)s was cancelled.", id=allocation.id))

    return compose


def filing_decided(org: Organization, approved: bool, reason: str | None) -> Compose:
    """To a company: its filing was approved or rejected."""

    def compose() -> Text:
        if approved:
            return Text(
                _("Your company filing was approved"),
                _("%(name)s is verified: you can now list stock, post needs and apply.",
                  name=org.name),
                _("[PPE] Your company filing was approved. Log in to start."),
            )
        return Text(
            _("Your company filing was rejected"),
            _("%(name)s was not verified. Reason: %(reason)s. Fix the data and file again.",
              name=org.name, reason=reason),
            _("[PPE] Your company filing was rejected. Log in to see why."),
        )

    return compose


def organization_status(org: Organization) -> Compose:
    """To a company: a coordinator changed its status (verified, suspended…)."""

    def compose() -> Text:
        status = _(org.status)
        return Text(
            _("Your company is now %(status)s", status=status),
            _("A district coordinator set %(name)s to %(status)s.", name=org.name,
              status=status),
            _("[PPE] Your company is now %(status)s.", status=status),
        )

    return compose


def _asked(pairs: list[tuple[Any, Any]]) -> str:
    """(field label, value) pairs in the reader's words: `Sector "Medical", Employees on
    site "999,999"`; numbers with the reader's separators."""
    return _(", ").join(
        _('%(field)s "%(value)s"', field=str(label),
          value=number(value) if isinstance(value, int) else str(value))
        for label, value in pairs
    )


def change_decided(org: Organization, approved: bool, pairs: list[tuple[Any, Any]],
                   reason: str | None) -> Compose:
    """To a company: its change of sector or headcount was approved or rejected.

    `pairs` are the changed fields as (lazy label, value), worded for each reader.
    """

    def compose() -> Text:
        asked = _asked(pairs)
        if approved:
            return Text(
                _("Your change request was approved"),
                _("%(name)s: %(asked)s now apply; your priority tier is %(tier)s.",
                  name=org.name, asked=asked, tier=org.tier),
                _("[PPE] Your change request was approved."),
            )
        return Text(
            _("Your change request was rejected"),
            _("%(name)s: the change to %(asked)s was not approved. Reason: %(reason)s. Your "
              "sector, headcount and priority tier (tier %(tier)s) stay as they were.",
              name=org.name, asked=asked, reason=reason, tier=org.tier),
            _("[PPE] Your change request was rejected. Log in to see why."),
        )

    return compose


def account_locked(email: str, failures: int, minutes: int, until: str) -> Compose:
    """To a user: too many failed log-ins locked the account."""

    def compose() -> Text:
        return Text(
            _("Your account is locked for a while"),
            _("There were %(failures)s failed log-ins to %(email)s. The account is locked for "
              "%(minutes)s minutes, until %(until)s. If it was not you, change your password "
              "once the lock ends.", failures=failures, email=email, minutes=minutes,
              until=until),
        )

    return compose


def pack_approved(pack: GiftPack) -> Compose:
    """To the receiving company: its gift pack was approved."""
    recipient = pack.organization

    def compose() -> Text:
        return Text(
            _("Gift pack approved"),
            _("Gift pack %(id)s (%(template)s) has been approved for %(name)s. The donating "
              "suppliers will ship it.", id=pack.id, template=pack.template.name,
              name=recipient.name),
            _("[PPE] Gift pack %(id)s approved; the donors will ship it.", id=pack.id),
        )

    return compose


def pack_to_ship(pack: GiftPack, components: Iterable[GiftPackComponent]) -> Compose:
    """To a donating supplier: ship its part of an approved gift pack."""
    recipient = pack.organization

    def compose() -> Text:
        units = _(", ").join(
            _("%(what)s from lot %(lot)s", what=_what(c.quantity, c.item), lot=c.lot_id)
            for c in components
        )
        return Text(
            _("Donation to ship"),
            _("Gift pack %(id)s for %(name)s (%(address)s, %(phone)s) was approved: please "
              "ship %(units)s.", id=pack.id, name=recipient.name, address=recipient.address,
              phone=recipient.phone, units=units),
            _("[PPE] Gift pack %(id)s approved: please ship your donation.", id=pack.id),
        )

    return compose


def pack_shipped(pack: GiftPack) -> Compose:
    """To the receiving company: its gift pack is on its way."""

    def compose() -> Text:
        return Text(
            _("Gift pack shipped"),
            _("Gift pack %(id)s is on its way. Confirm receipt when it arrives.", id=pack.id),
            _("[PPE] Gift pack %(id)s shipped. Please confirm receipt.", id=pack.id),
        )

    return compose


def pack_disputed(pack: GiftPack, got: int, total: int, note: str | None) -> Compose:
    """To the coordinators: a gift pack arrived short."""

    def compose() -> Text:
        body = _("%(got)s of %(total)s units arrived.", got=got, total=total)
        return Text(
            _("Gift pack %(id)s disputed by %(name)s", id=pack.id, name=pack.organization.name),
            f"{body} {note}" if note else body,
        )

    return compose


def pack_cancelled(pack: GiftPack) -> Compose:
    """To the receiving company: its approved gift pack was cancelled."""

    def compose() -> Text:
        return Text(
            _("Gift pack cancelled"),
            _("Gift pack %(id)s was cancelled by the district coordinators.", id=pack.id),
            _("[PPE] Gift pack %(id)s was cancelled.", id=pack.id),
        )

    return compose
