"""Request hooks and template helpers shared by every page."""

from __future__ import annotations

from flask import Flask, current_app, request, session
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from market.accounts.forms import SECTOR_LABELS
from market.accounts.models import OrgStatus
from market.audit import display as audit_display
from market.auth_loaders import authenticated_by_token, bearer_token
from market.catalog.services import display_name, sku_name
from market.common import display
from market.common.error_text import error_title
from market.common.lifecycle import status_label
from market.extensions import csrf
from market.giftpacks.models import ApplicationStatus
from market.lots.models import LotStatus
from market.matching.models import AllocationStatus, RunStatus
from market.matching.reason_text import reason_text
from market.needs.models import NeedStatus
from market.whatif.models import StudyStatus

# (endpoint, label, who sees it): who is "anon", "user", "company", "supplier", "buyer",
# "coordinator" or "admin". Links to pages that do not exist yet are left out.
NAV = (
    ("reports.dashboard", _l("Dashboard"), "coordinator"),
    ("accounts.filings", _l("Filings"), "coordinator"),
    ("matching.runs", _l("Matching"), "coordinator"),
    ("allocations.proposals", _l("Proposals"), "coordinator"),
    ("whatif.page", _l("What-if"), "coordinator"),
    ("lots.index", _l("Stock lots"), "supplier"),
    ("needs.index", _l("Needs"), "buyer"),
    ("allocations.mine", _l("Allocations"), "company"),
    ("giftpacks.index", _l("Gift packs"), "user"),
    ("catalog.index", _l("Catalogue"), "user"),
    ("audit.index", _l("Audit log"), "coordinator"),
    ("notifications.failed", _l("Failed deliveries"), "coordinator"),
    ("notifications.index", _l("Notifications"), "user"),
    ("accounts.company", _l("My company"), "company"),
)


def _sees(who: str) -> bool:
    if not current_user.is_authenticated:
        return who == "anon"
    if who == "user":
        return True
    if who == "coordinator":
        return current_user.is_coordinator
    if who == "admin":
        return current_user.role == "admin"
    org = current_user.organization
    if org is None:
        return who in ("supplier", "buyer") and current_user.is_coordinator
    return who == "company" or who in org.roles


def init_app(app: Flask) -> None:
    """Install the hooks."""

    @app.before_request
    def check_csrf():
        # Cookie sessions must carry a CSRF token; API calls that a valid bearer token
        # authenticated need none. A bearer header that does not authenticate (garbage,
        # expired, revoked) skips nothing: the cookie would still act.
        # Resolving a bearer user here, first, also keeps its last-use write out of any
        # later transaction.
        by_token = bool(bearer_token(request)) and authenticated_by_token()
        if app.config.get("WTF_CSRF_ENABLED", True) is False:
            return
        if request.method in ("GET", "HEAD", "OPTIONS") or by_token:
            return
        # An API call without a logged-in cookie session (register, get a token) carries no
        # ambient credentials a forged request could borrow.
        if request.path.startswith("/api/") and "_user_id" not in session:
            return
        csrf.protect()

    @app.context_processor
    def template_helpers():
        links = [
            (endpoint, label)
            for endpoint, label, who in NAV
            if endpoint in current_app.view_functions and _sees(who)
        ]
        return {
            "nav_links": links,
            "current_locale": str(get_locale()),
            "sector_labels": SECTOR_LABELS,
            "error_title": error_title,
        }

    @app.template_filter("item_name")
    def item_name(item) -> str:
        """The item's name in the page's language."""
        return display_name(item)

    app.add_template_filter(reason_text, "reason")
    app.add_template_filter(status_label, "status_label")
    # Templates compare statuses with the enums, never with re-typed strings.
    app.jinja_env.globals.update(
        AllocationStatus=AllocationStatus, ApplicationStatus=ApplicationStatus,
        LotStatus=LotStatus, NeedStatus=NeedStatus, OrgStatus=OrgStatus, RunStatus=RunStatus,
        StudyStatus=StudyStatus,
    )
    app.add_template_filter(sku_name, "sku_name")
    display.init_app(app)
    audit_display.init_app(app)
