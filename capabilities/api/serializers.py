"""Capabilities API serializers: the shape of input; the services decide the rest."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.drf import (
    CreateOnlyFieldsMixin,
    VersionField,
    VisibleObjectField,
    decision_request_serializer,
    decision_state_serializer,
)
from accounts.inputs import IdField, ModelSerializer
from accounts.models import Organisation
from capabilities import selectors
from capabilities.gaps import GapView
from capabilities.models import CapabilityOffer, Pledge, PledgeSide, Requirement
from capabilities.permissions import PLEDGE_DECISION
from missions.models import Activity, LineOfEffort, Plan
from missions.selectors import visible_plans

PledgeDecisionStateSerializer = decision_state_serializer(
    "PledgeDecisionStateSerializer", PLEDGE_DECISION
)
PledgeDecideSerializer = decision_request_serializer(
    "PledgeDecideSerializer",
    PLEDGE_DECISION,
    comment_help="Needed when you decline: the other side is told why.",
    organisation_help="The organisation you decide for, when you decide for several.",
)


def _positive() -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0.01"))


class CapabilityOfferSerializer(CreateOnlyFieldsMixin, ModelSerializer):
    """What an organisation can bring: a quantity in a unit, for a period, with its caveats.
    `visibility`: `organisation` (its own members only), `named` (also the organisations in
    `shared_with`), `all` (every signed-in member). `pledged` is what proposed and accepted
    pledges take from it."""

    organisation = IdField(
        queryset=Organisation.objects.filter(is_active=True),
        help_text="An organisation where you are a planner or administrator. Chosen once.",
    )
    quantity = _positive()
    shared_with = IdField(
        queryset=Organisation.objects.filter(is_active=True), many=True, required=False
    )
    pledged = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    version = VersionField()
    create_only_fields = ("organisation",)

    class Meta:
        model = CapabilityOffer
        fields = [
            "id",
            "organisation",
            "kind",
            "domain",
            "description",
            "quantity",
            "unit",
            "available_from",
            "available_until",
            "constraints",
            "visibility",
            "shared_with",
            "pledged",
            "version",
            "created",
            "updated",
        ]
        read_only_fields = ["id", "created", "updated"]


class RequirementSerializer(CreateOnlyFieldsMixin, ModelSerializer):
    """What a plan needs (optionally for one of its lines of effort or activities): a
    quantity in a unit, from a day to a day, with a priority. A need of zero is kept for the
    record: every pledge to it is beyond need."""

    plan = VisibleObjectField(
        queryset=Plan.objects.all(),
        visible=visible_plans,
        help_text="A plan you see; its lead's planners state its needs. Chosen once.",
    )
    line_of_effort = IdField(queryset=LineOfEffort.objects.all(), required=False, allow_null=True)
    activity = IdField(queryset=Activity.objects.all(), required=False, allow_null=True)
    quantity = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal(0))
    version = VersionField()
    create_only_fields = ("plan",)

    class Meta:
        model = Requirement
        fields = [
            "id",
            "plan",
            "line_of_effort",
            "activity",
            "kind",
            "domain",
            "description",
            "quantity",
            "unit",
            "needed_from",
            "needed_until",
            "priority",
            "version",
            "created",
            "updated",
        ]
        read_only_fields = ["id", "created", "updated"]


class PledgeSerializer(CreateOnlyFieldsMixin, ModelSerializer):
    """Part of an offer put against a requirement, in the requirement's unit. Proposed by
    one side (`proposed_by`: `offer` or `requirement`), accepted or declined by the other
    side's approvers on the current `round`; a change of `quantity` is a new proposal (a new
    round) by the side that makes it."""

    offer = VisibleObjectField(
        queryset=CapabilityOffer.objects.all(),
        visible=selectors.visible_offers,
        help_text="An offer you see. Chosen once.",
    )
    requirement = VisibleObjectField(
        queryset=Requirement.objects.all(),
        visible=selectors.visible_requirements,
        help_text="A requirement you see. Chosen once.",
    )
    quantity = _positive()
    side = serializers.ChoiceField(
        choices=PledgeSide.choices,
        write_only=True,
        required=False,
        help_text="The side you propose for, when you may propose for both.",
    )
    offering_organisation = serializers.IntegerField(source="offer.organisation_id", read_only=True)
    plan = serializers.IntegerField(source="requirement.plan_id", read_only=True)
    decisions = serializers.SerializerMethodField()
    version = VersionField()
    create_only_fields = ("offer", "requirement")

    class Meta:
        model = Pledge
        fields = [
            "id",
            "offer",
            "requirement",
            "offering_organisation",
            "plan",
            "quantity",
            "unit",
            "side",
            "proposed_by",
            "status",
            "round",
            "comment",
            "decisions",
            "version",
            "proposed_at",
            "updated",
        ]
        read_only_fields = [
            "id",
            "unit",
            "proposed_by",
            "status",
            "round",
            "proposed_at",
            "updated",
        ]

    @extend_schema_field(PledgeDecisionStateSerializer(many=True))
    def get_decisions(self, pledge: Pledge) -> Any:
        return [row.as_dict() for row in selectors.pledge_panel(pledge)]


class PledgeWithdrawSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=1, required=False, help_text="The `version` you read (optional)."
    )


class GapCellSerializer(serializers.Serializer):
    organisation = serializers.IntegerField()
    pledged = serializers.DecimalField(max_digits=14, decimal_places=2)
    proposed = serializers.DecimalField(max_digits=14, decimal_places=2)


class RequirementGapSerializer(serializers.Serializer):
    requirement = serializers.IntegerField()
    description = serializers.CharField()
    kind = serializers.CharField()
    domain = serializers.CharField()
    priority = serializers.CharField()
    needed_from = serializers.DateField()
    needed_until = serializers.DateField()
    unit = serializers.CharField()
    need = serializers.DecimalField(max_digits=14, decimal_places=2)
    pledged = serializers.DecimalField(
        max_digits=14, decimal_places=2, help_text="What accepted pledges count for."
    )
    proposed = serializers.DecimalField(
        max_digits=14, decimal_places=2, help_text="What pledges waiting for a decision add."
    )
    gap = serializers.DecimalField(max_digits=14, decimal_places=2)
    beyond_need = serializers.DecimalField(max_digits=14, decimal_places=2)
    coverage = serializers.IntegerField(allow_null=True, help_text="Percent; null for no need.")
    unmet = serializers.BooleanField()
    overlap = serializers.BooleanField()
    organisations = GapCellSerializer(many=True)


class GapOrganisationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    acronym = serializers.CharField()


class UncoordinatedSerializer(serializers.Serializer):
    requirement = serializers.IntegerField()
    offers = serializers.ListField(child=serializers.IntegerField())
    organisations = serializers.ListField(child=serializers.IntegerField())


class CapabilityGapsSerializer(serializers.Serializer):
    """A plan's needs against what is pledged, per organisation, over each need's window
    (a pledge counts for the share of the window its offer is available in)."""

    plan = serializers.IntegerField()
    organisations = GapOrganisationSerializer(many=True)
    requirements = RequirementGapSerializer(many=True)
    unmet = serializers.ListField(child=serializers.IntegerField())
    overlaps = serializers.ListField(child=serializers.IntegerField())
    uncoordinated = UncoordinatedSerializer(many=True)


def gaps_data(view: GapView) -> dict[str, Any]:
    return {
        "plan": view.plan.pk,
        "organisations": [
            {"id": o.pk, "name": o.name, "acronym": o.acronym} for o in view.organisations
        ],
        "requirements": [
            {
                "requirement": row.requirement.pk,
                "description": row.requirement.description,
                "kind": row.requirement.kind,
                "domain": row.requirement.domain,
                "priority": row.requirement.priority,
                "needed_from": row.requirement.needed_from,
                "needed_until": row.requirement.needed_until,
                "unit": row.unit,
                "need": row.need,
                "pledged": row.pledged,
                "proposed": row.proposed,
                "gap": row.gap,
                "beyond_need": row.beyond_need,
                "coverage": row.coverage,
                "unmet": row.unmet,
                "overlap": row.overlap,
                "organisations": [
                    {"organisation": o, "pledged": cell.pledged, "proposed": cell.proposed}
                    for o, cell in sorted(row.cells.items())
                ],
            }
            for row in view.rows
        ],
        "unmet": [row.requirement.pk for row in view.unmet],
        "overlaps": [row.requirement.pk for row in view.overlaps],
        "uncoordinated": [
            {
                "requirement": u.requirement.pk,
                "offers": [offer.pk for offer in u.offers],
                "organisations": [o.pk for o in u.organisations],
            }
            for u in view.uncoordinated
        ],
    }
