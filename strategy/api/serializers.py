"""Strategy API serializers: validate the shape of input; the services decide the rest.

A strategy the user may not see (and everything in it) is absent from the querysets that
resolve ids in request bodies, so naming one answers "does not exist", exactly like an id
that was never used.
"""

from __future__ import annotations

from typing import Any, cast

from django.db.models import QuerySet
from drf_spectacular.utils import (
    extend_schema_field,
)
from rest_framework import serializers
from rest_framework.request import Request

from accounts.drf import (
    CreateOnlyFieldsMixin,
    VersionField,
    VisibleObjectField,
    decision_request_serializer,
    decision_state_serializer,
)
from accounts.inputs import IdField, ModelSerializer
from accounts.models import Organisation, User
from strategy import selectors
from strategy.models import (
    ConflictDriver,
    GlossaryTerm,
    Goal,
    Indicator,
    IndicatorReading,
    PlanningProcess,
    Strategy,
)
from strategy.permissions import ENDORSEMENT

FIXED_STRATEGY = "The strategy it belongs to. Chosen once, when created."


def _user(request: Request) -> User:
    return cast(User, request.user)


def _person(user: User) -> str:
    return user.get_full_name() or user.username


class PartnerField(IdField):
    """An organisation id, written as such and read from the strategy's prefetched
    partnerships (so a list of strategies costs no query per row)."""

    def to_representation(self, value: Any) -> int:
        return int(value.organisation_id)


def _visible_strategies(user: User) -> QuerySet[Strategy]:
    return selectors.visible_strategies(user)


def _visible_goals(user: User) -> QuerySet[Goal]:
    return selectors.goal_list(user=user)


def _visible_drivers(user: User) -> QuerySet[ConflictDriver]:
    return selectors.driver_list(user=user)


PartnerEndorsementSerializer = decision_state_serializer("PartnerEndorsement", ENDORSEMENT)
EndorseSerializer = decision_request_serializer(
    "Endorse",
    ENDORSEMENT,
    comment_help="Required to reject.",
    organisation_help="The partner you decide for; needed only if you approve for several.",
)


class StrategySerializer(CreateOnlyFieldsMixin, ModelSerializer):
    """A shared strategy, its partners and each one's decision on the current edition."""

    lead_organisation = IdField(
        queryset=Organisation.objects.filter(is_active=True),
        help_text="An organisation where you are a planner. Chosen once, when created.",
    )
    partners = PartnerField(
        many=True,
        source="partnerships",
        queryset=Organisation.objects.filter(is_active=True),
        required=False,
        help_text="Organisation ids. The lead organisation is always a partner.",
    )
    processes = serializers.ListField(
        child=serializers.ChoiceField(choices=PlanningProcess.choices), required=False
    )
    predecessor = VisibleObjectField(
        visible=_visible_strategies,
        queryset=Strategy.objects.all(),
        required=False,
        allow_null=True,
        help_text=(
            "An agreed strategy of the same lead that this one supersedes once agreed. "
            "Chosen once, when created."
        ),
    )
    endorsements = serializers.SerializerMethodField()
    version = VersionField()
    create_only_fields = ("lead_organisation", "predecessor")

    class Meta:
        model = Strategy
        fields = [
            "id",
            "title",
            "theatre",
            "summary",
            "approach",
            "processes",
            "lead_organisation",
            "partners",
            "status",
            "edition",
            "version",
            "predecessor",
            "created",
            "endorsements",
        ]
        read_only_fields = ["id", "status", "edition", "created"]

    @extend_schema_field(PartnerEndorsementSerializer(many=True))
    def get_endorsements(self, strategy: Strategy) -> Any:
        return [row.as_dict() for row in selectors.endorsement_panel(strategy)]


class StrategyListSerializer(ModelSerializer):
    """A strategy as the list shows it: flat, with the endorsement of its current edition
    counted. Its partners, processes, predecessor and each partner's decision are on the
    strategy itself (`/api/v1/strategies/{id}/`)."""

    lead_organisation_name = serializers.CharField(source="lead_organisation.name")
    partner_count = serializers.IntegerField(help_text="Partners, who endorse each edition.")
    endorsed_count = serializers.IntegerField(
        help_text="Partners who endorsed the current edition."
    )
    rejected_count = serializers.IntegerField(
        help_text="Partners who rejected the current edition."
    )

    class Meta:
        model = Strategy
        fields = [
            "id",
            "title",
            "theatre",
            "approach",
            "lead_organisation",
            "lead_organisation_name",
            "status",
            "edition",
            "version",
            "created",
            "updated",
            "partner_count",
            "endorsed_count",
            "rejected_count",
        ]
        read_only_fields = fields


class DriverSerializer(CreateOnlyFieldsMixin, ModelSerializer):
    """A root cause or mitigating factor of the conflict, from the shared assessment."""

    strategy = VisibleObjectField(
        visible=_visible_strategies, queryset=Strategy.objects.all(), help_text=FIXED_STRATEGY
    )
    version = VersionField()
    create_only_fields = ("strategy",)

    class Meta:
        model = ConflictDriver
        fields = ["id", "strategy", "title", "description", "kind", "order", "version"]


class GoalSerializer(CreateOnlyFieldsMixin, ModelSerializer):
    """A common goal of the strategy and the conflict drivers it addresses."""

    strategy = VisibleObjectField(
        visible=_visible_strategies, queryset=Strategy.objects.all(), help_text=FIXED_STRATEGY
    )
    drivers = VisibleObjectField(
        many=True,
        visible=_visible_drivers,
        queryset=ConflictDriver.objects.all(),
        required=False,
        help_text="Ids of the strategy's conflict drivers this goal addresses.",
    )
    version = VersionField()
    create_only_fields = ("strategy",)

    class Meta:
        model = Goal
        fields = ["id", "strategy", "title", "description", "order", "drivers", "version"]
        extra_kwargs = {"order": {"required": False, "help_text": "Defaults to last."}}


class IndicatorSerializer(CreateOnlyFieldsMixin, ModelSerializer):
    """How progress on a goal is measured, with an optional early-warning threshold."""

    goal = VisibleObjectField(
        visible=_visible_goals,
        queryset=Goal.objects.all(),
        help_text="The goal it measures. Chosen once, when created.",
    )
    version = VersionField()
    create_only_fields = ("goal",)

    class Meta:
        model = Indicator
        fields = [
            "id",
            "goal",
            "name",
            "unit",
            "baseline",
            "target",
            "warning_threshold",
            "warning_direction",
            "in_warning",
            "version",
        ]
        read_only_fields = ["in_warning"]


class ReadingSerializer(ModelSerializer):
    recorded_by = serializers.SerializerMethodField()

    class Meta:
        model = IndicatorReading
        fields = ["id", "indicator", "date", "value", "note", "recorded_by", "created"]
        read_only_fields = ["id", "indicator", "created"]

    def get_recorded_by(self, reading: IndicatorReading) -> str:
        return _person(reading.recorded_by)


class GlossaryTermSerializer(ModelSerializer):
    version = VersionField(read_only=True)

    class Meta:
        model = GlossaryTerm
        fields = [
            "id",
            "term",
            "definition",
            "un_impp",
            "nato_cpa",
            "eu_integrated",
            "whole_of_government",
            "status",
            "merged_into",
            "decline_reason",
            "created",
            "version",
        ]
        read_only_fields = ["id", "status", "merged_into", "decline_reason", "created"]
        extra_kwargs = {
            "merged_into": {"help_text": "For a merged proposal, the term it was merged into."},
            "decline_reason": {"help_text": "For a declined proposal, why."},
        }


class GlossaryDecisionSerializer(serializers.Serializer):
    """A curator's decision on a proposal names the version they read."""

    version = serializers.IntegerField(
        min_value=1, help_text="The proposal's version you decided on (from its representation)."
    )


class GlossaryDeclineSerializer(GlossaryDecisionSerializer):
    reason = serializers.CharField(
        max_length=1000, help_text="Why it is declined; the proposer is told.", trim_whitespace=True
    )


def _visible_terms(user: User) -> QuerySet[GlossaryTerm]:
    return selectors.glossary_list(user=user)


class GlossaryMergeSerializer(GlossaryDecisionSerializer):
    into = VisibleObjectField(
        visible=_visible_terms,
        queryset=GlossaryTerm.objects.all(),
        help_text="The approved term that takes in the proposal's equivalents.",
    )
