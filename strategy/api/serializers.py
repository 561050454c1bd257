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

from accounts.drf import CreateOnlyFieldsMixin, VersionField, VisibleObjectField
from accounts.models import Organisation, User
from strategy import selectors
from strategy.models import (
    ConflictDriver,
    Decision,
    GlossaryTerm,
    Goal,
    Indicator,
    IndicatorReading,
    PlanningProcess,
    Strategy,
)

ENDORSEMENT_STATES = ["endorsed", "rejected", "pending"]


FIXED_STRATEGY = "The strategy it belongs to. Chosen once, when created."


def _user(request: Request) -> User:
    return cast(User, request.user)


def _person(user: User) -> str:
    return user.get_full_name() or user.username


class PartnerField(serializers.PrimaryKeyRelatedField):
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


class PartnerEndorsementSerializer(serializers.Serializer):
    """One partner's decision on the current edition."""

    organisation = serializers.IntegerField()
    organisation_name = serializers.CharField()
    state = serializers.ChoiceField(choices=ENDORSEMENT_STATES)
    comment = serializers.CharField(allow_blank=True)
    decided_by = serializers.CharField(allow_null=True, help_text="Who decided, or null.")
    decided_at = serializers.DateTimeField(allow_null=True)


class StrategySerializer(CreateOnlyFieldsMixin, serializers.ModelSerializer):
    """A shared strategy, its partners and each one's decision on the current edition."""

    lead_organisation = serializers.PrimaryKeyRelatedField(
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
        rows = []
        for decision in selectors.endorsement_panel(strategy):
            endorsement = decision.endorsement
            rows.append(
                {
                    "organisation": decision.organisation.pk,
                    "organisation_name": decision.organisation.name,
                    "state": decision.state,
                    "comment": endorsement.comment if endorsement else "",
                    "decided_by": _person(endorsement.decided_by) if endorsement else None,
                    "decided_at": endorsement.decided_at if endorsement else None,
                }
            )
        return PartnerEndorsementSerializer(rows, many=True).data


class EndorseSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Decision.values)
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Required to reject."
    )
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(),
        required=False,
        allow_null=True,
        help_text="The partner you decide for; needed only if you approve for several.",
    )


class DriverSerializer(CreateOnlyFieldsMixin, serializers.ModelSerializer):
    """A root cause or mitigating factor of the conflict, from the shared assessment."""

    strategy = VisibleObjectField(
        visible=_visible_strategies, queryset=Strategy.objects.all(), help_text=FIXED_STRATEGY
    )
    version = VersionField()
    create_only_fields = ("strategy",)

    class Meta:
        model = ConflictDriver
        fields = ["id", "strategy", "title", "description", "kind", "order", "version"]


class GoalSerializer(CreateOnlyFieldsMixin, serializers.ModelSerializer):
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


class IndicatorSerializer(CreateOnlyFieldsMixin, serializers.ModelSerializer):
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


class ReadingSerializer(serializers.ModelSerializer):
    recorded_by = serializers.SerializerMethodField()

    class Meta:
        model = IndicatorReading
        fields = ["id", "indicator", "date", "value", "note", "recorded_by", "created"]
        read_only_fields = ["id", "indicator", "created"]

    def get_recorded_by(self, reading: IndicatorReading) -> str:
        return _person(reading.recorded_by)


class GlossaryTermSerializer(serializers.ModelSerializer):
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
            "created",
            "version",
        ]
        read_only_fields = ["id", "status", "created"]
