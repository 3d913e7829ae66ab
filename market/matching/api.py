"""JSON API of matching runs, pins/exclusions and quotas (coordinators only)."""

from __future__ import annotations

from flask import url_for
from flask.views import MethodView

from market.common.api import Blueprint
from market.common.pagination import api_page
from market.common.web import current_actor
from market.matching import services
from market.matching.schemas import (
    ConstraintInSchema,
    ConstraintSchema,
    MatchRunSchema,
    QuotaInSchema,
    QuotaSchema,
    StartRunSchema,
)

blp = Blueprint(
    "matching_api", __name__, url_prefix="/match-runs", description="Matching runs"
)


@blp.route("")
class Runs(MethodView):
    """Start a run, or list them."""

    @blp.arguments(StartRunSchema)
    @blp.response(202, MatchRunSchema)
    def post(self, data):
        """Queue a run for the worker (`dry_run` previews it without writing); poll Location.

        409 while another run is queued or running.
        """
        dry_run = data.pop("dry_run", False)
        run = services.start_run(current_actor(), "manual", dry_run=dry_run, policy=data)
        return run, 202, {"Location": url_for("matching_api.get_run", run_id=run.id)}

    @blp.response(200, MatchRunSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        """List runs, newest first."""
        pages = pagination_parameters
        return api_page(services.list_runs(current_actor(), pages.page, pages.page_size),
                        pages)


@blp.route("/<int:run_id>")
@blp.response(200, MatchRunSchema)
def get_run(run_id):
    """One run with its figures and changes."""
    return services.get_run(current_actor(), run_id)


@blp.route("/constraints")
class Constraints(MethodView):
    """Pin or exclude a proposed line for later runs, or list the pins and exclusions."""

    @blp.arguments(ConstraintInSchema)
    @blp.response(201, ConstraintSchema)
    def post(self, data):
        """Pin (keep in the next run) or exclude (never again) an allocation line's pair."""
        act = services.pin_line if data["kind"] == "pin" else services.exclude_line
        return act(current_actor(), data["allocation_id"])

    @blp.response(200, ConstraintSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        """List pins and exclusions, newest first."""
        pages = pagination_parameters
        return api_page(services.list_constraints(current_actor(), pages.page, pages.page_size),
                        pages)


@blp.route("/constraints/<int:constraint_id>", methods=["DELETE"])
@blp.response(204)
def delete_constraint(constraint_id):
    """Remove a pin or an exclusion."""
    services.remove_constraint(current_actor(), constraint_id)


@blp.route("/quotas")
class Quotas(MethodView):
    """Per-company, per-item caps on the units of one run."""

    @blp.arguments(QuotaInSchema)
    @blp.response(201, QuotaSchema)
    def post(self, data):
        """Set (or replace) a company's cap for an item."""
        return services.set_quota(
            current_actor(), data["organization_id"], data["item"], data["max_units"]
        )

    @blp.response(200, QuotaSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        """List the caps."""
        pages = pagination_parameters
        return api_page(services.list_quotas(current_actor(), pages.page, pages.page_size),
                        pages)


@blp.route("/quotas/<int:quota_id>", methods=["DELETE"])
@blp.response(204)
def delete_quota(quota_id):
    """Remove a cap."""
    services.delete_quota(current_actor(), quota_id)
