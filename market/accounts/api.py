"""JSON API of accounts and companies: registration, tokens, /me, organisations."""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView
from webargs.flaskparser import FlaskParser, abort

from market.accounts import change_requests, organizations, services
from market.accounts.schemas import (
    ChangeDecisionSchema,
    MeSchema,
    OrganizationListArgsSchema,
    OrganizationPatchSchema,
    OrganizationSchema,
    RegisterSchema,
    RegistrationSchema,
    TokenRequestSchema,
    TokenSchema,
    VerificationSchema,
)
from market.common.api import Blueprint
from market.common.web import current_actor
from market.extensions import limiter


class JsonParser(FlaskParser):
    """Answer a body that is not JSON at all with 422, like any other bad input."""

    def _handle_invalid_json_error(self, error, req, *args, **kwargs):
        abort(422, exc=error, messages={"json": [f"malformed JSON body: {error}"]})


class AccountsBlueprint(Blueprint):
    """The accounts API blueprint, with the 422-for-malformed-JSON parser."""

    ARGUMENTS_PARSER = JsonParser()


blp = AccountsBlueprint(
    "accounts_api", __name__, url_prefix="", description="Accounts, tokens and companies"
)


def _login_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN"]


@blp.route("/auth/register", methods=["POST"])
@blp.arguments(RegisterSchema)
@blp.response(201, RegistrationSchema)
def register(data):
    """Register a company and its first user; the company starts `pending`."""
    user, org = services.register(
        current_actor(), data["email"], data["password"], data["organization"]
    )
    return {"user": user, "organization": org}


@blp.route("/auth/tokens", methods=["POST"])
@limiter.limit(_login_limit)
@blp.arguments(TokenRequestSchema)
@blp.response(201, TokenSchema)
def create_token(data):
    """Exchange e-mail and password for a bearer token (401 on wrong credentials)."""
    token, expires_at = services.issue_token(data["email"], data["password"])
    return {"token": token, "expires_at": expires_at}


@blp.route("/me", methods=["GET"])
@blp.response(200, MeSchema)
def me():
    """Show the logged-in user and their company."""
    return services.me(current_actor())


@blp.route("/organizations", methods=["GET"])
@blp.arguments(OrganizationListArgsSchema, location="query")
@blp.response(200, OrganizationSchema(many=True))
def list_organizations(args):
    """List companies (coordinators), filtered by `status`, `sector` or name `q`."""
    page = organizations.list_organizations(current_actor(), **args)
    return page.items, 200, page.header()


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
