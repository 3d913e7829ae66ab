"""Pages of the accounts area: log in and out, password, register, the company page, filings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import login_required, login_user, logout_user

from market.accounts import change_requests, organizations, services, sessions
from market.accounts.forms import (
    SECTOR_LABELS,
    DecisionForm,
    EmptyForm,
    FilingForm,
    LanguageForm,
    LoginForm,
    PasswordForm,
    RegisterForm,
    StatusForm,
    TierForm,
    apply_errors,
    company_changes,
)
from market.accounts.limits import (
    login_failed,
    login_limit,
    login_limit_message,
    mark_login_failed,
    register_limit,
    register_limit_message,
)
from market.accounts.lockout import AccountLocked
from market.accounts.models import SECTOR_TIERS, OrgStatus
from market.auth_loaders import SESSION_ID_KEY
from market.common.errors import Conflict, Invalid, NotAuthenticated
from market.common.pagination import page_args
from market.common.web import current_actor, local_path, redirect_to_next
from market.extensions import limiter
from market.places.forms import pin_of

bp = Blueprint("accounts", __name__)


def home_for(user) -> str:
    """Where a user lands after logging in."""
    if user.is_coordinator:
        if "reports.dashboard" in current_app.view_functions:
            return url_for("reports.dashboard")
        return url_for("accounts.filings")
    return url_for("accounts.company")


def _start_session(user) -> None:
    """Log `user` in with a fresh server-side session whose secret the cookie carries."""
    secret = sessions.start_session(user)
    login_user(user)
    session[SESSION_ID_KEY] = secret


@bp.route("/login", methods=["GET", "POST"])
@limiter.shared_limit(login_limit, scope="login", methods=["POST"], deduct_when=login_failed,
                      error_message=login_limit_message)
def login():
    """Log in with e-mail and password, then go on to `next` or the user's start page."""
    actor = current_actor()
    if actor is not None and request.method == "GET":
        return redirect(home_for(actor))
    form = LoginForm(next=request.args.get("next", ""))
    status = 200
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except NotAuthenticated:
            mark_login_failed()
            flash(_("Wrong e-mail or password."), "error")
        except AccountLocked as exc:
            mark_login_failed()
            flash(exc.message, "error")
            status = 429
        else:
            _start_session(user)
            flash(_("Welcome, %(email)s.", email=user.email), "success")
            return redirect_to_next(form.next.data, home_for(user))
    return render_template("accounts/login.html", form=form), status


@bp.post("/logout")
def logout():
    """Log out: the server-side session ends, so a copy of the cookie is worthless."""
    sessions.end_session(session.pop(SESSION_ID_KEY, None))
    logout_user()
    flash(_("You are logged out."), "success")
    return redirect(url_for("public.home"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password():
    """Change one's password; every other session and every API token ends."""
    form = PasswordForm()
    status = 200
    if form.validate_on_submit():
        actor = current_actor()
        try:
            services.change_password(actor, form.current_password.data, form.new_password.data)
        except Invalid as exc:
            for message in apply_errors(form, exc.errors, exc.message):
                flash(message, "error")
            status = 422
        else:
            _start_session(actor)
            flash(_("Password changed. Your other sessions and API tokens have ended."),
                  "success")
            return redirect(home_for(actor))
    elif request.method == "POST":
        status = 422
    return render_template("accounts/password.html", form=form,
                           language_form=_language_form()), status


def _language_form() -> LanguageForm:
    form = LanguageForm(formdata=None)
    form.language.data = current_actor().language
    return form


@bp.route("/account/language", methods=["POST"])
@login_required
def language():
    """Save the language the user reads; notifications and SMS follow it from now on."""
    form = LanguageForm()
    if not form.validate_on_submit():
        for message in form.language.errors:
            flash(message, "error")
        return redirect(url_for("accounts.password"))
    actor = services.set_language(current_actor(), form.language.data)
    session["lang"] = actor.language
    with force_locale(actor.language):
        flash(_("Language saved: notifications, e-mail and SMS now come in it."), "success")
    return redirect(url_for("accounts.password"))


@bp.route("/register", methods=["GET", "POST"])
@limiter.shared_limit(register_limit, scope="register", methods=["POST"],
                      error_message=register_limit_message)
def register():
    """Register a company and its first user; it waits for a coordinator's verification."""
    form = RegisterForm()
    status = 200
    if form.validate_on_submit():
        fields = company_changes(form)
        try:
            user, _org = services.register(
                current_actor(), form.email.data, form.password.data, fields
            )
        except (Invalid, Conflict) as exc:
            for message in apply_errors(form, exc.errors, exc.message):
                flash(message, "error")
            status = 422 if isinstance(exc, Invalid) else 409
        else:
            _start_session(user)
            flash(_("Your company is filed. A coordinator will verify it soon."), "success")
            return redirect(url_for("accounts.company"))
    elif request.method == "POST":
        status = 422
    return render_template("accounts/register.html", form=form), status


def _filing_data(org) -> dict:
    roles = "both" if len(org.roles) == 2 else (org.roles[0] if org.roles else "buyer")
    names = ("name", "sector", "headcount", "subdistrict", "address", "phone", "credit_code")
    data = {**{n: getattr(org, n) for n in names}, "roles": roles}
    data.update(pin_of(org.subdistrict, org.latitude, org.longitude))
    # A waiting change request shows as the form's values, so saving other fields keeps it.
    data.update({k: v for k, v in (org.pending_change or {}).items() if k in data})
    return data


@bp.route("/company", methods=["GET", "POST"])
@login_required
def company():
    """Show the user's company and let them fix its data (re-filing it when rejected)."""
    actor = current_actor()
    if actor.organization_id is None:
        return redirect(home_for(actor))
    org = organizations.get_organization(actor, actor.organization_id)
    form = FilingForm(data=_filing_data(org))
    if org.status not in ("pending", "rejected"):
        # Identity fields are fixed once a coordinator has verified the company.
        del form.credit_code
        del form.roles
    status = 200
    if form.validate_on_submit():
        changes = company_changes(form)
        was_rejected = org.status == "rejected"
        try:
            organizations.update_organization(actor, org.id, changes)
        except (Invalid, Conflict) as exc:
            for message in apply_errors(form, exc.errors, exc.message):
                flash(message, "error")
            status = 422 if isinstance(exc, Invalid) else 409
        else:
            if was_rejected:
                flash(_("Your company is filed again and waits for a coordinator."), "success")
            else:
                flash(_("Company data saved."), "success")
            if org.pending_change:
                flash(_("Your change of sector or headcount waits for a coordinator; until it "
                        "is approved your current values and priority tier stay."), "success")
            return redirect(url_for("accounts.company"))
    elif request.method == "POST":
        status = 422
    return render_template(
        "accounts/company.html", org=org, form=form, sector_labels=SECTOR_LABELS
    ), status


@bp.get("/filings")
@login_required
def filings():
    """The coordinators' queue: pending company filings and change requests, oldest first."""
    page_no, per_page = page_args()
    actor = current_actor()
    page = organizations.list_organizations(
        actor, status="pending", page=page_no, per_page=per_page
    )
    changes = change_requests.list_change_requests(actor, page=1, per_page=200)
    return render_template(
        "accounts/filings.html", page=page, changes=changes, form=EmptyForm()
    )


@bp.post("/organizations/<int:org_id>/change-request")
@login_required
def decide_change(org_id: int):
    """Approve or reject a company's change of sector or headcount, then go back."""
    return _decide(change_requests.decide_change, org_id, lambda org, decision: (
        _("The change request of %(name)s is approved.", name=org.name) if decision == "approve"
        else _("The change request of %(name)s is rejected.", name=org.name)))


@bp.post("/organizations/<int:org_id>/verification")
@login_required
def verify(org_id: int):
    """Approve or reject a filing, then go back to where the coordinator was."""
    return _decide(organizations.decide_filing, org_id, lambda org, _decision: (
        _("%(name)s is verified.", name=org.name) if org.status == "verified"
        else _("%(name)s is rejected.", name=org.name)))


def _decide(decide: Callable[..., Any], org_id: int, done: Callable[[Any, str], str]):
    """Run a coordinator's approve-or-reject form through `decide`, say the outcome, go back."""
    form = DecisionForm()
    back = local_path(form.next.data) or url_for("accounts.filings")
    if not form.validate_on_submit():
        flash(_("Choose approve or reject."), "error")
        return redirect(back)
    try:
        org = decide(current_actor(), org_id, form.decision.data, form.reason.data)
    except (Invalid, Conflict) as exc:
        flash(exc.message, "error")
        return redirect(back)
    flash(done(org, form.decision.data), "success")
    return redirect(back)


@bp.get("/organizations", endpoint="organizations")
@login_required
def organizations_list():
    """All companies for coordinators, filtered by status, sector or name."""
    page_no, per_page = page_args()
    status = request.args.get("status") or None
    sector = request.args.get("sector") or None
    q = request.args.get("q") or None
    page = organizations.list_organizations(
        current_actor(),
        status=status if status in tuple(OrgStatus) else None,
        sector=sector if sector in SECTOR_TIERS else None,
        q=q,
        page=page_no,
        per_page=per_page,
    )
    return render_template(
        "accounts/organizations.html", page=page, statuses=tuple(OrgStatus),
        sectors=SECTOR_TIERS, filters={"status": status, "sector": sector, "q": q},
    )


@bp.get("/organizations/<int:org_id>")
@login_required
def organization(org_id: int):
    """A coordinator's view of one company: data, users, tier override, suspension, history."""
    detail = organizations.organization_detail(current_actor(), org_id)
    org = detail["organization"]
    tier_form = TierForm(data={"tier": str(org.tier) if org.tier_overridden else ""})
    return render_template(
        "accounts/organization.html", **detail, tier_form=tier_form, form=EmptyForm(),
        sector_tiers=SECTOR_TIERS, sector_labels=SECTOR_LABELS,
    )


@bp.post("/organizations/<int:org_id>/tier")
@login_required
def organization_tier(org_id: int):
    """Override a company's priority tier, or return it to its sector's tier."""
    form = TierForm()
    if form.validate_on_submit():
        tier = int(form.tier.data) if form.tier.data else None
        organizations.update_organization(current_actor(), org_id, {"tier": tier})
        flash(_("Priority tier saved."), "success")
    else:
        flash(_("Choose a tier from 1 to 4."), "error")
    return redirect(url_for("accounts.organization", org_id=org_id))


@bp.post("/organizations/<int:org_id>/status")
@login_required
def organization_status(org_id: int):
    """Suspend or reinstate a company."""
    form = StatusForm()
    if form.validate_on_submit():
        try:
            org = organizations.update_organization(
                current_actor(), org_id, {"status": form.status.data}
            )
        except (Invalid, Conflict) as exc:
            flash(exc.message, "error")
        else:
            flash(_("%(name)s is now %(status)s.", name=org.name, status=_(org.status)), "success")
    return redirect(url_for("accounts.organization", org_id=org_id))
