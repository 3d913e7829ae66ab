"""JSON API of accounts and companies: registration, tokens, /me, organisations."""

from __future__ import annotations

from flask.views import MethodView
from flask_babel import gettext as _
from webargs.flaskparser import FlaskParser, abort

from market.accounts import change_requests, organizations, services, sessions
from market.accounts.limits import (
    login_failed,
    login_limit,
    login_limit_message,
    mark_login_failed,
    register_limit,
    register_limit_message,
)
from market.accounts.lockout import AccountLocked
from market.accounts.schemas import (
    ChangeDecisionSchema,
    MePatchSchema,
    MeSchema,
    OrganizationListArgsSchema,
    OrganizationPatchSchema,
    OrganizationSchema,
    RegisterSchema,
    RegistrationSchema,
    TokenInfoSchema,
    TokenRequestSchema,
    TokenSchema,
    VerificationSchema,
)
from market.common.api import Blueprint
from market.common.errors import NotAuthenticated
from market.common.pagination import api_page
from market.common.web import current_actor
from market.extensions import limiter


class JsonParser(FlaskParser):
    """Answer a body that is not JSON at all with 422, like any other bad input."""

    def _handle_invalid_json_error(self, error, req, *args, **kwargs):
        abort(422, exc=error, messages={"json": [_("malformed JSON body: %(error)s", error=error)]})


class AccountsBlueprint(Blueprint):
    """The accounts API blueprint, with the 422-for-malformed-JSON parser."""

    ARGUMENTS_PARSER = JsonParser()


blp = AccountsBlueprint(
    "accounts_api", __name__, url_prefix="", description="Accounts, tokens and companies"
)


@blp.route("/auth/register", methods=["POST"])
@limiter.shared_limit(register_limit, scope="register", error_message=register_limit_message)
@blp.arguments(RegisterSchema)
@blp.response(201, RegistrationSchema)
@blp.alt_response(429, description="Too many registrations from this address")
def register(data):
    """Register a company and its first user; the company starts `pending`."""
    user, org = services.register(
        current_actor(), data["email"], data["password"], data["organization"]
    )
    return {"user": user, "organization": org}


@blp.route("/auth/tokens", methods=["GET"])
@blp.response(200, TokenInfoSchema(many=True))
def list_tokens():
    """List the caller's tokens: id, created, last used, expiry (never the secret)."""
    return sessions.list_tokens(current_actor())


@blp.route("/auth/tokens", methods=["POST"])
@limiter.shared_limit(login_limit, scope="login", deduct_when=login_failed,
                      error_message=login_limit_message)
@blp.arguments(TokenRequestSchema)
@blp.response(201, TokenSchema)
@blp.alt_response(401, description="Wrong e-mail or password")
@blp.alt_response(429, description="Too many failed log-ins for the account or the address")
def create_token(data):
    """Exchange e-mail and password for a bearer token (401 wrong, 429 too many failures)."""
    try:
        token, expires_at = services.issue_token(data["email"], data["password"])
    except (NotAuthenticated, AccountLocked):
        mark_login_failed()  # only failures count against the caller's address
        raise
    return {"token": token, "expires_at": expires_at}


@blp.route("/auth/tokens/<int:token_id>", methods=["DELETE"])
@blp.response(204)
@blp.alt_response(404, description="No such token of the caller")
def revoke_token(token_id):
    """Revoke one of the caller's tokens; it answers 401 from then on."""
    sessions.revoke_token(current_actor(), token_id)


@blp.route("/me")
class Me(MethodView):
    """The logged-in user: who they are, their company and the language they read."""

    @blp.response(200, MeSchema)
    def get(self):
        """Show the logged-in user, their company and their `language`."""
        return services.me(current_actor())

    @blp.arguments(MePatchSchema)
    @blp.response(200, MeSchema)
    def patch(self, data):
        """Set the user's `language` ("en" or "zh"): pages, notifications and SMS follow it."""
        actor = services.set_language(current_actor(), data["language"])
        return services.me(actor)


@blp.route("/organizations", methods=["GET"])
@blp.arguments(OrganizationListArgsSchema, location="query")
@blp.response(200, OrganizationSchema(many=True))
@blp.paginate()
def list_organizations(args, pagination_parameters):
    """List companies (coordinators), filtered by `status`, `sector` or name `q`."""
    pages = pagination_parameters
    result = organizations.list_organizations(
        current_actor(), **args, page=pages.page, per_page=pages.page_size
    )
    return api_page(result, pages)


@blp.route("/organizations/<int:org_id>")
class OrganizationResource(MethodView):
    """One company."""

    @blp.response(200, OrganizationSchema)
    def get(self, org_id):
        """Show a company (coordinators, or its own users)."""
        return organizations.get_organization(current_actor(), org_id)

    @blp.arguments(OrganizationPatchSchema)
    @blp.response(200, OrganizationSchema)
    def patch(self, data, org_id):
        """Edit a company: coordinators set `tier`/`status`; own users edit contact data."""
        return organizations.update_organization(current_actor(), org_id, data)


@blp.route("/organizations/<int:org_id>/verification", methods=["POST"])
@blp.arguments(VerificationSchema)
@blp.response(200, OrganizationSchema)
def verify(data, org_id):
    """Approve or reject a pending filing (a rejection needs a `reason`)."""
    return organizations.decide_filing(
        current_actor(), org_id, data["decision"], data.get("reason")
    )


@blp.route("/organizations/<int:org_id>/change-request", methods=["POST"])
@blp.arguments(ChangeDecisionSchema)
@blp.response(200, OrganizationSchema)
def decide_change(data, org_id):
    """Approve or reject a company's change of sector or headcount (coordinators).

    A rejection needs a `reason`; 409 when no change request waits.
    """
    return change_requests.decide_change(
        current_actor(), org_id, data["decision"], data.get("reason")
    )
